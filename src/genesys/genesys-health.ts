import { coerceError } from '../errors';
import type { Logger } from '../observability/logger-interface';
import { maskSecrets } from '../observability/secrets';
import type { Clock } from '../timers/clock';
import type { GenesysAccessReport } from './access-check';
import type { GenesysApiError } from './errors';

/** How often a healthy Genesys connection is checked again (ms; default 5 minutes). */
export const GENESYS_CHECK_INTERVAL_MS = 5 * 60_000;
/** How soon a failing one is checked again (ms; default 30 s). */
export const GENESYS_RETRY_INTERVAL_MS = 30_000;

/**
 * - `up`: a token was obtained and every permission closer needs is held;
 * - `degraded`: a token was obtained but a permission is missing (or could not be probed): some
 *   endings will fail, or closer will not promise them;
 * - `down`: no token (wrong credentials or region, Genesys or the network unreachable);
 * - `unknown`: not checked yet.
 */
export type GenesysStatus = 'up' | 'degraded' | 'down' | 'unknown';

/** One permission in the report. */
export interface GenesysPermissionReport {
  name: string;
  operation: string;
  status: 'held' | 'missing' | 'unknown';
  missingPermissions?: string[];
  detail?: string;
}

/** A problem found, with its fix: logged once per change, shown in the health body. */
export interface GenesysProblem {
  code: string;
  message: string;
  fix?: string;
}

/** The state of closer's connection to Genesys (health body `reports.genesys`, `/v1/genesys`). */
export interface GenesysHealthReport {
  status: GenesysStatus;
  /** ISO-8601 time of the last completed check, or null. */
  checkedAt: string | null;
  /** ISO-8601 time a token was last obtained (by a check or a successful request), or null. */
  tokenObtainedAt: string | null;
  permissions: GenesysPermissionReport[];
  problems: GenesysProblem[];
  /** The last failure (kept after recovery, so an intermittent fault stays visible). */
  lastError: (GenesysProblem & { at: string }) | null;
}

/** Options of {@link GenesysHealth}. */
export interface GenesysHealthOptions {
  /** Runs one access check (`checkGenesysAccess` on the service's client). */
  check: () => Promise<GenesysAccessReport>;
  clock: Clock;
  logger: Logger;
  /** Default {@link GENESYS_CHECK_INTERVAL_MS}. */
  intervalMs?: number;
  /** Default {@link GENESYS_RETRY_INTERVAL_MS}. */
  retryMs?: number;
  /** Called after every check whose status or problems differ from the previous one's. */
  onChange?: (report: GenesysHealthReport) => void;
}

const iso = (at: number | undefined): string | null =>
  at === undefined ? null : new Date(at).toISOString();

function problemOf(error: GenesysApiError): GenesysProblem {
  return {
    code: error.code,
    message: maskSecrets(error.message),
    ...(error.fix === undefined ? {} : { fix: error.fix }),
  };
}

/**
 * Tells the truth about Genesys while intake keeps working: checks at start, then every
 * `intervalMs` when up and every `retryMs` when not, and logs one line per problem with its fix at
 * every change of state (and one line when it recovers). Readiness does not depend on it: intake
 * must keep storing events while Genesys is down or the credentials are wrong (EventBridge and CRMs
 * would otherwise retry or disable the webhook), so the state is reported beside readiness, in a
 * metric and in the ops API. Real requests feed it too (`noteRequest`): a success proves the
 * token, a 401 or 403 triggers a check now.
 */
export class GenesysHealth {
  private readonly intervalMs: number;
  private readonly retryMs: number;
  private status: GenesysStatus = 'unknown';
  private checkedAt: number | undefined;
  private tokenObtainedAt: number | undefined;
  private permissions: GenesysPermissionReport[] = [];
  private problems: GenesysProblem[] = [];
  private lastError: (GenesysProblem & { at: number }) | undefined;
  private signature = '';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<GenesysHealthReport> | undefined;
  private started = false;

  constructor(private readonly options: GenesysHealthOptions) {
    this.intervalMs = options.intervalMs ?? GENESYS_CHECK_INTERVAL_MS;
    this.retryMs = options.retryMs ?? GENESYS_RETRY_INTERVAL_MS;
  }

  /** Checks now, then on its own schedule until `stop()`. */
  start(): void {
    this.started = true;
    this.runSoon(0);
  }

  stop(): void {
    this.started = false;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Runs one check (concurrent callers share it) and returns the new report. */
  check(): Promise<GenesysHealthReport> {
    this.running ??= this.runCheck().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Waits for a running check (tests, shutdown). */
  async idle(): Promise<void> {
    await this.running;
  }

  /**
   * A real request's result (the client observer's attempt): a 2xx proves a working token; a 401
   * or 403 may mean the credentials or roles changed, so a check runs now (at most one at a time).
   */
  noteRequest(status: string): void {
    if (status.startsWith('2')) {
      this.tokenObtainedAt = this.options.clock.now();
    } else if ((status === '401' || status === '403') && this.status === 'up' && this.started) {
      this.runSoon(0);
    }
  }

  /** The current state; `public` omits error texts (for the unauthenticated health body). */
  report(detail: 'full' | 'public' = 'full'): GenesysHealthReport {
    const strip = (p: GenesysProblem): GenesysProblem =>
      detail === 'full'
        ? p
        : {
            code: p.code,
            message: p.message.slice(0, 300),
            ...(p.fix === undefined ? {} : { fix: p.fix.slice(0, 300) }),
          };
    return {
      status: this.status,
      checkedAt: iso(this.checkedAt),
      tokenObtainedAt: iso(this.tokenObtainedAt),
      permissions: this.permissions.map((p) => ({ ...p })),
      problems: this.problems.map(strip),
      lastError:
        this.lastError === undefined
          ? null
          : { ...strip(this.lastError), at: new Date(this.lastError.at).toISOString() },
    };
  }

  private runSoon(delayMs: number): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    // A plain timer: it paces I/O (Genesys checks), not domain time.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.check().then(
        (report) => {
          if (this.started) {
            this.runSoon(report.status === 'up' ? this.intervalMs : this.retryMs);
          }
        },
        () => {
          if (this.started) {
            this.runSoon(this.retryMs);
          }
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  private async runCheck(): Promise<GenesysHealthReport> {
    let access: GenesysAccessReport;
    try {
      access = await this.options.check();
    } catch (thrown: unknown) {
      const error = coerceError(thrown);
      this.apply(
        'down',
        [],
        [{ code: 'GENESYS_CHECK_FAILED', message: maskSecrets(error.message) }],
      );
      return this.report();
    }
    if (access.token === 'failed') {
      this.apply('down', [], [problemOf(access.error)]);
      return this.report();
    }
    this.tokenObtainedAt = access.at;
    const permissions: GenesysPermissionReport[] = [];
    const problems: GenesysProblem[] = [];
    for (const { probe, result } of access.probes) {
      const base = { name: probe.name, operation: probe.operation };
      if (result.kind === 'allowed') {
        permissions.push({ ...base, status: 'held' });
      } else if (result.kind === 'forbidden') {
        permissions.push({
          ...base,
          status: 'missing',
          missingPermissions: result.error.missingPermissions,
        });
        problems.push(problemOf(result.error));
      } else {
        permissions.push({ ...base, status: 'unknown', detail: maskSecrets(result.detail) });
        problems.push(
          result.error === undefined
            ? { code: 'GENESYS_PROBE_INCONCLUSIVE', message: maskSecrets(result.detail) }
            : problemOf(result.error),
        );
      }
    }
    this.apply(problems.length === 0 ? 'up' : 'degraded', permissions, problems);
    return this.report();
  }

  private apply(
    status: GenesysStatus,
    permissions: GenesysPermissionReport[],
    problems: GenesysProblem[],
  ): void {
    const now = this.options.clock.now();
    const previous = this.status;
    this.status = status;
    this.checkedAt = now;
    this.permissions = permissions;
    this.problems = problems;
    if (problems[0] !== undefined) {
      this.lastError = { ...problems[0], at: now };
    }
    const signature = JSON.stringify([status, problems.map((p) => [p.code, p.message])]);
    if (signature === this.signature) {
      return;
    }
    this.signature = signature;
    const { logger } = this.options;
    if (status === 'up') {
      logger.info(
        previous === 'unknown'
          ? 'Genesys: token obtained and every permission closer needs is held'
          : 'Genesys recovered: token obtained and every permission closer needs is held',
        { genesysStatus: status, previous },
      );
    }
    for (const problem of problems) {
      const fix =
        problem.fix === undefined || problem.message.includes(problem.fix)
          ? ''
          : ` — fix: ${problem.fix}`;
      const line = `Genesys ${status}: ${problem.message}${fix}`;
      const meta = { genesysStatus: status, code: problem.code };
      if (status === 'down') {
        logger.error(line, meta);
      } else {
        logger.warn(line, meta);
      }
    }
    this.options.onChange?.(this.report());
  }
}

import { Router } from 'express';
import { CloserError, coerceError } from '../errors';
import { maskSecrets } from './logger';

/** A readiness check: resolves when the dependency is usable, rejects (or times out) when not. */
export type HealthCheck = () => Promise<void>;

/** Options for {@link createHealthRouter}. */
export interface HealthRouterOptions {
  /** Named readiness checks (`store`, `rules`, `genesys`, …), run in parallel on each `/readyz`. */
  checks: Record<string, HealthCheck>;
  /** Time (ms) one check may take before it counts as failed. Default 2000. */
  timeoutMs?: number;
  /** When it returns true, `/readyz` answers 503 `shutting-down` (graceful shutdown). */
  isShuttingDown?: () => boolean;
  /**
   * Named reports included in the `/readyz` body under `reports` but never deciding readiness
   * (e.g. the audit outbox: EventBridge being down must not take closer out of a load balancer).
   * A report that fails is shown as `{ error }`.
   */
  reports?: Record<string, () => Promise<Record<string, unknown>>>;
}

/** Result of one check in the `/readyz` body. */
export type CheckStatus = 'ok' | 'failed' | 'timeout';

/** `/readyz` body. `errors` holds a short, secret-masked message per failing check. */
export interface ReadinessBody {
  status: 'ready' | 'not-ready' | 'shutting-down';
  checks: Record<string, CheckStatus>;
  errors?: Record<string, string>;
  reports?: Record<string, Record<string, unknown>>;
}

const DEFAULT_TIMEOUT_MS = 2_000;
const MAX_MESSAGE_LENGTH = 200;
/** `token=…`, `password: …` and the like inside error texts (URLs, driver messages). */
const INLINE_SECRET =
  /\b(token|secret|password|passwd|api[-_]?key|authorization)(\s*[=:]\s*)[^\s&,;]+/gi;
/** Credentials in URLs (`https://user:pass@host`). */
const URL_CREDENTIALS = /\/\/[^/\s:@]+:[^/\s@]+@/g;

/** An error message fit for an unauthenticated endpoint: secrets masked, length capped. */
function publicMessage(error: Error): string {
  const code = error instanceof CloserError ? `${error.code}: ` : '';
  const text = maskSecrets(`${code}${error.message}`)
    .replace(INLINE_SECRET, '$1$2[redacted]')
    .replace(URL_CREDENTIALS, '//[redacted]@');
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

type CheckOutcome = { status: 'ok' } | { status: 'failed' | 'timeout'; message: string };

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<CheckOutcome> {
  // A plain timer: this bounds an I/O probe, it is not domain time.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      resolve({ status: 'timeout', message: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  const run = (async (): Promise<CheckOutcome> => {
    try {
      await check();
      return { status: 'ok' };
    } catch (e: unknown) {
      return { status: 'failed', message: publicMessage(coerceError(e)) };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /healthz` (liveness: 200 `{status:'ok'}` whenever the process serves HTTP) and `GET /readyz`
 * (readiness: runs every check with a timeout; 200 `{status:'ready', checks}` or 503 with the
 * failing checks and their masked messages). Both are unauthenticated, so error texts are passed
 * through `maskSecrets` and inline-credential masking, and capped in length.
 */
export function createHealthRouter(options: HealthRouterOptions): Router {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (options.isShuttingDown?.() === true) {
      const body: ReadinessBody = { status: 'shutting-down', checks: {} };
      res.status(503).json(body);
      return;
    }
    const names = Object.keys(options.checks);
    const outcomes = await Promise.all(
      names.map(async (name) => {
        const check = options.checks[name];
        const outcome: CheckOutcome =
          check === undefined ? { status: 'ok' } : await runCheck(check, timeoutMs);
        return [name, outcome] as const;
      }),
    );
    const checks: Record<string, CheckStatus> = {};
    const errors: Record<string, string> = {};
    for (const [name, outcome] of outcomes) {
      checks[name] = outcome.status;
      if (outcome.status !== 'ok') {
        errors[name] = outcome.message;
      }
    }
    const ready = Object.keys(errors).length === 0;
    const reports = await collectReports(options.reports, timeoutMs);
    const body: ReadinessBody = {
      ...(ready ? { status: 'ready', checks } : { status: 'not-ready', checks, errors }),
      ...(reports === undefined ? {} : { reports }),
    };
    res.status(ready ? 200 : 503).json(body);
  });

  return router;
}

async function collectReports(
  reports: HealthRouterOptions['reports'],
  timeoutMs: number,
): Promise<Record<string, Record<string, unknown>> | undefined> {
  if (reports === undefined) {
    return undefined;
  }
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, report] of Object.entries(reports)) {
    let value: Record<string, unknown> = {};
    const outcome = await runCheck(async () => {
      value = await report();
    }, timeoutMs);
    out[name] = outcome.status === 'ok' ? value : { error: outcome.message };
  }
  return out;
}

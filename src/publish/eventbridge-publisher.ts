import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { coerceError } from '../errors';
import { silentLogger } from '../observability';
import type { Logger } from '../observability';
import { systemClock } from '../timers/clock';
import type { Clock } from '../timers/clock';
import { auditEventSchema } from './audit-event';
import type { AuditEvent } from './audit-event';
import type { AuditPublisher } from './audit-publisher';
import { PublishError } from './errors';

/** PutEvents accepts at most 10 entries per request (EventBridge quota). */
export const MAX_PUT_EVENTS_ENTRIES = 10;

/**
 * Per-entry error codes EventBridge documents as non-retryable (API reference,
 * `PutEventsResultEntry.ErrorCode`). Every other code (`InternalFailure`, `ThrottlingException`,
 * unknown ones) is retried.
 */
const NON_RETRYABLE_ENTRY_CODES: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'InvalidAccountIdException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
]);

/** Options for {@link EventBridgeAuditPublisher}. */
export interface EventBridgeAuditPublisherOptions {
  /** Event bus name or ARN (`EventBusName` of every entry). */
  busName: string;
  /** `Source` of every entry. Default `closer`. */
  source?: string;
  /** AWS region, e.g. `eu-west-1`. Default: the SDK's region chain (`AWS_REGION`, profile). */
  region?: string;
  /** Endpoint override (LocalStack, a loopback test server). Default: the regional AWS endpoint. */
  endpoint?: string;
  /** Static credentials; default: the AWS SDK default provider chain (env, profile, role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Entries per PutEvents, 1–10. Default 10. */
  maxBatchSize?: number;
  /** Longest time (ms) an event waits for a batch to fill before it is sent. Default 250. */
  lingerMs?: number;
  /** Attempts per entry, first included. Default 5. */
  maxAttempts?: number;
  /** First retry delay (ms), doubled per attempt. Default 100. */
  baseBackoffMs?: number;
  /** Cap on one retry delay (ms). Default 5000. */
  maxBackoffMs?: number;
  /** Events held in memory at most; beyond it new events are dropped and counted. Default 10000. */
  maxPending?: number;
  /** Called with the number of events given up on (wire to `closer_audit_publish_failures_total`). */
  onFailure?: (count: number) => void;
  logger?: Logger;
  /** Clock for retry backoff sleeps. Default the system clock. */
  clock?: Clock;
  /** A ready client (tests, shared clients); `region`/`endpoint`/`credentials` are then unused. */
  client?: EventBridgeClient;
}

const DEFAULTS = {
  source: 'closer',
  maxBatchSize: MAX_PUT_EVENTS_ENTRIES,
  lingerMs: 250,
  maxAttempts: 5,
  baseBackoffMs: 100,
  maxBackoffMs: 5_000,
  maxPending: 10_000,
} as const;

interface Pending {
  event: AuditEvent;
  entry: PutEventsRequestEntry;
}

/**
 * Publishes audit events to an EventBridge bus with `PutEvents`: batches of up to 10 entries, sent
 * when a batch is full or `lingerMs` after its first event; failed entries (whole-request errors or
 * per-entry `ErrorCode`s) are retried with capped exponential backoff. `publish` never rejects:
 * events given up on are logged and reported to `onFailure`.
 *
 * One batch is in flight at a time, so events are delivered in publish order (retries aside).
 * The SDK's own retries are turned off (`maxAttempts: 1`) for clients built here, so the retry
 * policy lives in one place.
 *
 * @throws PublishError `PUBLISH_INVALID_OPTIONS` from the constructor for out-of-range options.
 */
export class EventBridgeAuditPublisher implements AuditPublisher {
  private readonly client: EventBridgeClient;
  private readonly ownsClient: boolean;
  private readonly busName: string;
  private readonly source: string;
  private readonly maxBatchSize: number;
  private readonly lingerMs: number;
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxPending: number;
  private readonly onFailure: (count: number) => void;
  private readonly logger: Logger;
  private readonly clock: Clock;

  private queue: Pending[] = [];
  /** Batching timer: I/O pacing, not domain time, so a plain cancellable timer. */
  private linger: NodeJS.Timeout | undefined;
  private pump: Promise<void> | undefined;
  private closed = false;
  private failures = 0;

  constructor(options: EventBridgeAuditPublisherOptions) {
    this.busName = options.busName;
    this.source = options.source ?? DEFAULTS.source;
    this.maxBatchSize = options.maxBatchSize ?? DEFAULTS.maxBatchSize;
    this.lingerMs = options.lingerMs ?? DEFAULTS.lingerMs;
    this.maxAttempts = options.maxAttempts ?? DEFAULTS.maxAttempts;
    this.baseBackoffMs = options.baseBackoffMs ?? DEFAULTS.baseBackoffMs;
    this.maxBackoffMs = options.maxBackoffMs ?? DEFAULTS.maxBackoffMs;
    this.maxPending = options.maxPending ?? DEFAULTS.maxPending;
    this.onFailure = options.onFailure ?? (() => undefined);
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    validate({
      maxBatchSize: this.maxBatchSize,
      lingerMs: this.lingerMs,
      maxAttempts: this.maxAttempts,
      baseBackoffMs: this.baseBackoffMs,
      maxBackoffMs: this.maxBackoffMs,
      maxPending: this.maxPending,
    });
    if (options.client !== undefined) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      this.client = new EventBridgeClient({
        maxAttempts: 1,
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      });
      this.ownsClient = true;
    }
  }

  /** Events given up on so far (dropped, invalid or out of retries). */
  get failedCount(): number {
    return this.failures;
  }

  publish(event: AuditEvent): Promise<void> {
    const parsed = auditEventSchema.safeParse(event);
    if (!parsed.success) {
      this.fail([event], 'invalid audit event', { issues: parsed.error.issues.length });
      return Promise.resolve();
    }
    if (this.closed) {
      this.fail([event], 'publisher closed');
      return Promise.resolve();
    }
    if (this.queue.length >= this.maxPending) {
      this.fail([event], 'audit queue full', { maxPending: this.maxPending });
      return Promise.resolve();
    }
    this.queue.push({ event: parsed.data, entry: this.toEntry(parsed.data) });
    if (this.queue.length >= this.maxBatchSize) {
      this.startPump();
    } else {
      this.linger ??= setTimeout(() => {
        this.linger = undefined;
        this.startPump();
      }, this.lingerMs);
    }
    return Promise.resolve();
  }

  /** Sends everything queued now, without waiting for a batch to fill; resolves when done. */
  async flush(): Promise<void> {
    this.clearLinger();
    while (this.queue.length > 0 || this.pump !== undefined) {
      this.startPump();
      await this.pump;
    }
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await this.flush();
    if (this.ownsClient) {
      this.client.destroy();
    }
  }

  private toEntry(event: AuditEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.busName,
      Source: this.source,
      DetailType: event.type,
      Detail: JSON.stringify(event),
      Time: new Date(event.at),
    };
  }

  private clearLinger(): void {
    if (this.linger !== undefined) {
      clearTimeout(this.linger);
      this.linger = undefined;
    }
  }

  private startPump(): void {
    if (this.pump !== undefined) {
      return;
    }
    this.clearLinger();
    this.pump = this.drain().finally(() => {
      this.pump = undefined;
    });
  }

  /** Sends everything queued, batch by batch, including events that arrive meanwhile. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      this.clearLinger();
      const batch = this.queue.splice(0, this.maxBatchSize);
      try {
        await this.sendWithRetry(batch);
      } catch (e: unknown) {
        // sendWithRetry handles its own errors; this is a last guard for the caller's hot path.
        this.fail(
          batch.map((p) => p.event),
          'unexpected publisher error',
          { error: coerceError(e).message },
        );
      }
    }
  }

  private async sendWithRetry(batch: Pending[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) {
        await this.clock.sleep(this.backoff(attempt - 1));
      }
      const retry: Pending[] = [];
      const final = attempt >= this.maxAttempts;
      try {
        const out = await this.client.send(
          new PutEventsCommand({ Entries: pending.map((p) => p.entry) }),
        );
        const results: (PutEventsResultEntry | undefined)[] = out.Entries ?? [];
        pending.forEach((p, i) => {
          const result = results[i];
          // A missing result only counts as failed when the response admits failures.
          const errorCode =
            result?.ErrorCode ??
            (result === undefined && (out.FailedEntryCount ?? 0) > 0 ? 'MissingResult' : undefined);
          if (errorCode === undefined) {
            return;
          }
          if (NON_RETRYABLE_ENTRY_CODES.has(errorCode) || final) {
            this.fail([p.event], 'audit event rejected', {
              errorCode,
              errorMessage: result?.ErrorMessage,
              attempts: attempt,
            });
          } else {
            retry.push(p);
          }
        });
      } catch (e: unknown) {
        const error = coerceError(e);
        if (final) {
          this.fail(
            pending.map((p) => p.event),
            'PutEvents failed',
            { error: error.message, attempts: attempt },
          );
        } else {
          this.logger.warn('PutEvents failed, will retry', {
            error: error.message,
            attempt,
            entries: pending.length,
          });
          retry.push(...pending);
        }
      }
      pending = retry;
    }
  }

  private backoff(retryNumber: number): number {
    return Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (retryNumber - 1));
  }

  private fail(events: AuditEvent[], reason: string, details: Record<string, unknown> = {}): void {
    this.failures += events.length;
    this.logger.error(`audit publish failed: ${reason}`, {
      ...details,
      events: events.map((e) => ({
        type: e.type,
        conversationId: e.conversationId,
        ruleId: e.ruleId,
      })),
    });
    try {
      this.onFailure(events.length);
    } catch {
      // A broken metrics hook must not break publishing.
    }
  }
}

function validate(p: {
  maxBatchSize: number;
  lingerMs: number;
  maxAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  maxPending: number;
}): void {
  const problems: string[] = [];
  if (!Number.isInteger(p.maxBatchSize) || p.maxBatchSize < 1 || p.maxBatchSize > 10) {
    problems.push('maxBatchSize must be an integer from 1 to 10');
  }
  if (!(p.lingerMs >= 0)) {
    problems.push('lingerMs must be ≥ 0');
  }
  if (!Number.isInteger(p.maxAttempts) || p.maxAttempts < 1) {
    problems.push('maxAttempts must be an integer ≥ 1');
  }
  if (!(p.baseBackoffMs >= 0) || !(p.maxBackoffMs >= p.baseBackoffMs)) {
    problems.push('backoff must satisfy 0 ≤ baseBackoffMs ≤ maxBackoffMs');
  }
  if (!Number.isInteger(p.maxPending) || p.maxPending < 1) {
    problems.push('maxPending must be an integer ≥ 1');
  }
  if (problems.length > 0) {
    throw new PublishError('PUBLISH_INVALID_OPTIONS', problems.join('; '), {
      details: { problems },
    });
  }
}

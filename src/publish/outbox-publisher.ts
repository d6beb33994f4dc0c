import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { coerceError } from '../errors';
import { silentLogger, type Logger } from '../observability/logger';
import { systemClock, type Clock } from '../timers/clock';
import type { AuditOutboxEntry, Store } from '../store/store';
import {
  MAX_PUT_EVENTS_BYTES,
  MAX_PUT_EVENTS_ENTRIES,
  NON_RETRYABLE_ENTRY_CODES,
  putEventsEntry,
  putEventsEntrySize,
} from './put-events-entry';

/** Counts the publisher reports (wired to Prometheus counters). */
export interface OutboxObserver {
  published?: (count: number) => void;
  retried?: (count: number) => void;
  dead?: (count: number) => void;
}

/** Options of {@link OutboxPublisher}. Durations in milliseconds. */
export interface OutboxPublisherOptions {
  store: Store;
  /** Event bus name or ARN (`EventBusName` of every entry). */
  busName: string;
  /** `Source` of every entry. Default `closer`. */
  source?: string;
  /** AWS region; default the SDK's chain (`AWS_REGION`, profile). */
  region?: string;
  /** Endpoint override (a loopback test server, LocalStack). */
  endpoint?: string;
  /** Static credentials; default the AWS SDK provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** A ready client; `region`/`endpoint`/`credentials` are then unused. */
  client?: EventBridgeClient;
  clock?: Clock;
  logger?: Logger;
  observer?: OutboxObserver;
  /** How often an idle publisher looks at the outbox (default 1000; `poke()` wakes it sooner). */
  pollIntervalMs?: number;
  /** First retry delay of a failed entry, doubled per attempt (default 1000). */
  baseBackoffMs?: number;
  /** Longest retry delay (default 300000: 5 minutes). There is no give-up. */
  maxBackoffMs?: number;
  /** Published entries are pruned this long after publishing (default 7 days). Dead ones stay. */
  retentionMs?: number;
  /**
   * A PutEvents request that has not answered after this long fails and is retried (default
   * 10000): a silent endpoint must not stall the outbox.
   */
  requestTimeoutMs?: number;
  /**
   * How long a claimed batch stays this publisher's (default 60000): publishers of other
   * processes sharing the database wait behind it, and take it over after this if this process
   * died mid-batch. Keep it above `requestTimeoutMs`.
   */
  claimLeaseMs?: number;
}

const DEFAULTS = {
  source: 'closer',
  pollIntervalMs: 1_000,
  baseBackoffMs: 1_000,
  maxBackoffMs: 300_000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  requestTimeoutMs: 10_000,
  claimLeaseMs: 60_000,
} as const;

/** How often published entries are pruned (ms). */
const PRUNE_EVERY_MS = 10 * 60 * 1000;

/** What the publisher last saw, for health and the ops API. */
export interface OutboxPublisherStatus {
  /** The last publish error (whole request or entry), with its time (epoch ms). */
  lastError?: { message: string; at: number };
  lastPublishedAt?: number;
}

/**
 * Publishes the audit outbox to EventBridge with `PutEvents`, oldest first: batches of at most 10
 * entries and 256 KB. A whole-request failure (network, timeout, throttling, 5xx) and a retryable
 * entry failure (`FailedEntryCount` > 0 with a retryable `ErrorCode`) are retried, entry by entry,
 * with capped exponential backoff and **no give-up**; while the oldest entry backs off, later
 * batches wait. Order: batches go out in outbox order; within a batch EventBridge accepts entries
 * independently, so an entry retried after a partial failure arrives after the entries of its own
 * batch that were accepted (at most 9). Publishers of several processes sharing a database take turns: each batch is
 * claimed (`Store.claimAuditBatch`), so no two send the same entry at once and order holds; a
 * dead publisher's batch is taken over after its lease. In one process a pass is shared. An entry EventBridge refuses for good (a non-retryable code, or too
 * large) is kept as `dead` with its error — never deleted. Delivery is at least once: a crash
 * between PutEvents and marking an entry published sends it again; consumers dedupe on `detail.id`.
 * The SDK's own retries are off (`maxAttempts: 1`) so the policy lives here.
 */
export class OutboxPublisher {
  private readonly client: EventBridgeClient;
  private readonly ownsClient: boolean;
  private readonly bus: { busName: string; source: string };
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly observer: OutboxObserver;
  private readonly settings: {
    pollIntervalMs: number;
    baseBackoffMs: number;
    maxBackoffMs: number;
    retentionMs: number;
  };
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private pass: Promise<number> | undefined;
  private lastPruneAt = Number.NEGATIVE_INFINITY;
  private readonly state: OutboxPublisherStatus = {};

  constructor(private readonly options: OutboxPublisherOptions) {
    this.bus = { busName: options.busName, source: options.source ?? DEFAULTS.source };
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.observer = options.observer ?? {};
    this.settings = {
      pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
      baseBackoffMs: options.baseBackoffMs ?? DEFAULTS.baseBackoffMs,
      maxBackoffMs: options.maxBackoffMs ?? DEFAULTS.maxBackoffMs,
      retentionMs: options.retentionMs ?? DEFAULTS.retentionMs,
    };
    if (options.client !== undefined) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      const requestTimeout = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
      this.client = new EventBridgeClient({
        maxAttempts: 1,
        requestHandler: {
          requestTimeout,
          connectionTimeout: requestTimeout,
          throwOnRequestTimeout: true,
        },
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      });
      this.ownsClient = true;
    }
  }

  /** What the publisher last saw (health body, ops API). */
  status(): OutboxPublisherStatus {
    return { ...this.state };
  }

  /** Starts publishing in the background until `stop()`. */
  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.loop = this.run();
  }

  /** Something was written to the outbox: publish now rather than at the next poll. */
  poke(): void {
    this.wake?.();
  }

  /**
   * Publishes every entry due now, batch by batch, and returns how many were published. Concurrent
   * calls share one pass. Never rejects for delivery problems (they are recorded on the entries).
   */
  publishDue(): Promise<number> {
    this.pass ??= this.publishAll().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  /** Stops the loop after the batch in flight (nothing is lost: the outbox is durable). */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.pass;
    if (this.ownsClient) {
      this.client.destroy();
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.publishDue();
        await this.pruneIfDue();
      } catch (e: unknown) {
        // The store failing (disk, closed) is reported and retried at the next poll.
        this.recordError(`outbox unavailable: ${coerceError(e).message}`);
      }
      if (!this.isRunning()) {
        return;
      }
      // A plain timer: it paces I/O polling, not domain time.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.settings.pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Read through a call: `stop()` changes it across awaits. */
  private isRunning(): boolean {
    return this.running;
  }

  private async publishAll(): Promise<number> {
    let published = 0;
    for (;;) {
      const entries = await this.options.store.claimAuditBatch(
        this.clock.now(),
        MAX_PUT_EVENTS_ENTRIES,
        this.options.claimLeaseMs ?? DEFAULTS.claimLeaseMs,
      );
      if (entries.length === 0) {
        return published;
      }
      const { sent, blocked } = await this.publishBatch(entries);
      published += sent;
      if (blocked) {
        // The oldest entry backs off: later ones wait for it (in-order delivery).
        return published;
      }
    }
  }

  /** Sends one batch; returns how many were published and whether a retry now blocks the queue. */
  private async publishBatch(
    entries: AuditOutboxEntry[],
  ): Promise<{ sent: number; blocked: boolean }> {
    const now = this.clock.now();
    const batch: { entry: AuditOutboxEntry; request: PutEventsRequestEntry }[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const request = putEventsEntry(entry, this.bus);
      const size = putEventsEntrySize(request);
      if (size >= MAX_PUT_EVENTS_BYTES) {
        if (batch.length > 0) {
          break;
        }
        await this.dead(entry, `entry of ${size} bytes exceeds the PutEvents limit of 256 KB`, now);
        return { sent: 0, blocked: false };
      }
      if (bytes + size >= MAX_PUT_EVENTS_BYTES) {
        break;
      }
      bytes += size;
      batch.push({ entry, request });
    }
    let results: (PutEventsResultEntry | undefined)[];
    let failedCount: number;
    try {
      const out = await this.client.send(
        new PutEventsCommand({ Entries: batch.map((b) => b.request) }),
      );
      results = out.Entries ?? [];
      failedCount = out.FailedEntryCount ?? 0;
    } catch (e: unknown) {
      const message = `PutEvents failed: ${coerceError(e).message}`;
      for (const { entry } of batch) {
        await this.retry(entry, message, now);
      }
      this.observer.retried?.(batch.length);
      this.recordError(message);
      return { sent: 0, blocked: true };
    }
    const published: number[] = [];
    let retried = 0;
    for (const [i, { entry }] of batch.entries()) {
      const result = results[i];
      // A missing result only counts as failed when the response admits failures.
      const code =
        result?.ErrorCode ??
        (result === undefined && failedCount > 0 ? 'MissingResult' : undefined);
      if (code === undefined) {
        published.push(entry.seq);
      } else if (NON_RETRYABLE_ENTRY_CODES.has(code)) {
        await this.dead(entry, `${code}: ${result?.ErrorMessage ?? ''}`.trim(), now);
      } else {
        retried += 1;
        await this.retry(entry, `${code}: ${result?.ErrorMessage ?? ''}`.trim(), now);
      }
    }
    if (published.length > 0) {
      await this.options.store.markAuditPublished(published, now);
      this.state.lastPublishedAt = now;
      this.observer.published?.(published.length);
      if (retried === 0) {
        // EventBridge accepts again: an old error no longer describes the outbox.
        delete this.state.lastError;
      }
    }
    if (retried > 0) {
      this.observer.retried?.(retried);
      this.recordError(`${retried} audit event(s) not accepted by EventBridge, retrying`);
    }
    return { sent: published.length, blocked: retried > 0 };
  }

  private async retry(entry: AuditOutboxEntry, error: string, now: number): Promise<void> {
    const delay = Math.min(
      this.settings.maxBackoffMs,
      this.settings.baseBackoffMs * 2 ** Math.min(entry.attempts, 30),
    );
    await this.options.store.markAuditRetry(entry.seq, now + delay, error);
  }

  private async dead(entry: AuditOutboxEntry, error: string, now: number): Promise<void> {
    await this.options.store.markAuditDead(entry.seq, error, now);
    this.observer.dead?.(1);
    this.logger.error('audit event refused by EventBridge for good; kept as dead', {
      eventId: entry.eventId,
      type: entry.type,
      error,
    });
  }

  private recordError(message: string): void {
    this.state.lastError = { message, at: this.clock.now() };
    this.logger.warn('audit publishing', { error: message });
  }

  private async pruneIfDue(): Promise<void> {
    const now = this.clock.now();
    if (now - this.lastPruneAt < PRUNE_EVERY_MS) {
      return;
    }
    this.lastPruneAt = now;
    const pruned = await this.options.store.pruneAudit(now - this.settings.retentionMs);
    if (pruned > 0) {
      this.logger.info('pruned published audit events', { pruned });
    }
  }
}

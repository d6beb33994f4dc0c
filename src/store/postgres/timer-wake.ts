import pg from 'pg';
import type { Logger } from '../../observability/logger';
import type { Queryable } from './transaction';

/** Timers due within this many ms of `now` wake the other replicas; later ones are polled. */
export const WAKE_HORIZON_MS = 2_000;

/** The LISTEN/NOTIFY channel of timer wake-ups (one per database). */
export const TIMERS_CHANNEL = 'closer_timers';

/** First and longest wait before the listener reconnects, ms. */
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;

/**
 * Tells the other replicas, at COMMIT of the caller's transaction, that a timer is due soon. The
 * payload is the sender, so its own listener ignores it. PostgreSQL folds identical notifications
 * of one transaction into one.
 */
export async function notifyTimers(db: Queryable, sender: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [TIMERS_CHANNEL, sender]);
}

/**
 * LISTENs for other replicas' timer wake-ups on a dedicated connection (a pooled one would be
 * returned and lose its LISTEN). Best effort: a lost connection is re-opened with backoff, and
 * meanwhile the schedulers' polls still find every timer, only later.
 */
export class TimerWakeListener {
  private client: pg.Client | undefined;
  private readonly listeners = new Set<() => void>();
  private stopped = false;
  private retryMs = RECONNECT_MIN_MS;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      url: string;
      /** This store instance: its own notifications are not wake-ups. */
      self: string;
      logger: Logger;
      connectTimeoutMs: number;
    },
  ) {}

  /** Adds a listener (connecting on the first); returns the function that removes it. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.client === undefined && this.retry === undefined && !this.stopped) {
      void this.connect();
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      connectionTimeoutMillis: this.options.connectTimeoutMs,
      keepAlive: true,
      application_name: 'closer-wake',
    });
    this.client = client;
    client.on('notification', (message) => {
      if (message.payload === this.options.self) {
        return;
      }
      for (const listener of this.listeners) {
        listener();
      }
    });
    client.on('error', (error) => {
      this.lost(client, error);
    });
    client.on('end', () => {
      this.lost(client, new Error('connection ended'));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${TIMERS_CHANNEL}`);
      this.retryMs = RECONNECT_MIN_MS;
    } catch (e: unknown) {
      this.lost(client, e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
    }
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.client !== client) {
      return;
    }
    this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.stopped) {
      return;
    }
    this.options.logger.warn('timer wake-ups from other replicas paused; reconnecting', {
      error: error.message,
      retryMs: this.retryMs,
    });
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
  }
}

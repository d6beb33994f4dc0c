import { coerceError } from '../errors';
import type { Logger } from '../observability/logger';
import type { Store } from '../store/store';
import type { Clock } from '../timers/clock';

/** How often a replica says it is alive, ms. 5000. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A replica silent for this long no longer counts as live, ms. 15000 (three missed beats). */
export const HEARTBEAT_TTL_MS = 15_000;

/** Options of {@link ReplicaHeartbeat}. */
export interface ReplicaHeartbeatOptions {
  store: Pick<Store, 'heartbeat'>;
  /** Source of the beats' times. */
  clock: Clock;
  logger: Logger;
  /** Told the live replica count after every beat that changed it (the first included). */
  onCount: (replicas: number) => void;
  /** Default {@link HEARTBEAT_INTERVAL_MS}. */
  intervalMs?: number;
  /** Default {@link HEARTBEAT_TTL_MS}. */
  ttlMs?: number;
}

/**
 * Keeps the count of live replicas sharing the database: beats through the store every
 * `intervalMs` and reports the count when it changes, so budgets the replicas share (the Genesys
 * OAuth client's request rate) are divided among the live ones. One replica, or SQLite: 1. A
 * failed beat (database down) keeps the last count and is logged.
 */
export class ReplicaHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private count: number | undefined;

  constructor(private readonly options: ReplicaHeartbeatOptions) {}

  /** The last count reported, if any beat succeeded yet. */
  get replicas(): number | undefined {
    return this.count;
  }

  /** Beats now and then every interval (a plain timer: it paces I/O, not domain time). */
  start(): void {
    if (this.timer !== undefined) {
      return;
    }
    void this.beat();
    this.timer = setInterval(() => {
      void this.beat();
    }, this.options.intervalMs ?? HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops beating; waits for a beat in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
  }

  /** One beat (also what the interval runs); never rejects. */
  beat(): Promise<void> {
    this.beating ??= this.beatOnce().finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  private async beatOnce(): Promise<void> {
    const { store, clock, logger, onCount } = this.options;
    try {
      const count = await store.heartbeat(clock.now(), this.options.ttlMs ?? HEARTBEAT_TTL_MS);
      if (count !== this.count) {
        this.count = count;
        logger.info('live replicas', { replicas: count });
        onCount(count);
      }
    } catch (e: unknown) {
      logger.warn('replica heartbeat failed; keeping the last replica count', {
        error: coerceError(e).message,
        replicas: this.count,
      });
    }
  }
}

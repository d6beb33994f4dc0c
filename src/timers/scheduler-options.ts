import type { Logger } from '../observability/logger';
import type { Store, Timer } from '../store';
import type { Clock } from './clock';

/** What a timer handler reports back. */
export type TimerHandlerResult =
  | { status: 'done' }
  /**
   * Try again later (counts as an attempt). `retryAt` (epoch ms) is used when it is in the
   * future, e.g. from a `Retry-After`; otherwise the backoff schedule decides.
   */
  | { status: 'retry'; reason: string; retryAt?: number };

/** Options for {@link TimerScheduler}. */
export interface TimerSchedulerOptions {
  store: Store;
  /** Source of "now" and of the poll sleep: the system clock in production, `ManualClock` in tests. */
  clock: Clock;
  logger?: Logger;
  /**
   * Fires one due timer: re-check the conversation and act. Throwing counts as a failed attempt
   * (retried with backoff). Handlers must bound their own time (the Genesys client has timeouts):
   * a handler that never settles holds one of the `concurrency` slots and its timer's lease.
   */
  handle: (timer: Timer) => Promise<TimerHandlerResult>;
  /** Timers claimed per store round trip. Default 50. */
  batchSize?: number;
  /**
   * How long a claimed timer stays invisible to other claims, in ms. If the process dies while
   * firing, the timer is due again when the lease ends. Keep it above the slowest handler.
   * Default 60_000.
   */
  leaseMs?: number;
  /**
   * Longest sleep between rounds, in ms: the loop sleeps until the earliest armed timer is due, at
   * most this long (the poll finds expired leases and timers other replicas armed); `poke()` ends
   * it early. Default 1000.
   */
  pollIntervalMs?: number;
  /**
   * Attempts (first firing included) before giving up: then `onGiveUp` runs and the timer is
   * removed. Default 8.
   */
  maxAttempts?: number;
  /** First retry delay in ms, doubled per failed attempt. Default 5_000. */
  retryBackoffMs?: number;
  /** Ceiling of the retry delay in ms. Default 600_000 (10 minutes). */
  maxRetryBackoffMs?: number;
  /**
   * Called once when a timer has failed `maxAttempts` times, before it is removed. Default: log an
   * error and record a `failed` outcome for (conversation, rule) in the store. If it throws, the
   * error is logged and the timer is removed anyway (so a broken hook cannot loop forever).
   */
  onGiveUp?: (timer: Timer, reason: string) => Promise<void>;
  /**
   * Handlers running at once. The next batch is claimed as soon as the claimed timers have all
   * started, so a slow handler holds back one slot, not the batch. Kept small on purpose: the
   * handlers share the Genesys client's request budget, and the more endings run at once, the
   * longer each one's requests queue behind the others' — a closing message already sent waits
   * longer for its disconnect. Default 4.
   */
  concurrency?: number;
  /**
   * Timers handled by one `runDue()` call at most, so one call (and `stop()`) is never stuck
   * behind a backlog, and a handler that keeps re-arming its timer as already due cannot spin
   * forever. The `start()` loop continues at once when the cap was hit. Default 10_000.
   */
  maxPerRun?: number;
  /**
   * How long `stop()` waits for in-flight handlers by default, in real ms (a shutdown bound, not
   * domain time). Timers whose handler is still running after it are released (lease ended) and
   * fire again after restart. Default 30_000.
   */
  stopTimeoutMs?: number;
}

/** Defaults of {@link TimerSchedulerOptions}, in one place. */
export const TIMER_SCHEDULER_DEFAULTS = {
  batchSize: 50,
  leaseMs: 60_000,
  pollIntervalMs: 1_000,
  maxAttempts: 8,
  retryBackoffMs: 5_000,
  maxRetryBackoffMs: 600_000,
  concurrency: 4,
  maxPerRun: 10_000,
  stopTimeoutMs: 30_000,
} as const satisfies Partial<TimerSchedulerOptions>;

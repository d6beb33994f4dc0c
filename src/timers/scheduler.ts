import { coerceError } from '../errors';
import type { Logger } from '../observability/logger';
import { silentLogger } from '../observability/logger';
import type { Store, Timer } from '../store';
import type { Clock } from './clock';
import { retryBackoffMs } from './retry-backoff';
import { withinMs } from './within-ms';
import type { TimerHandlerResult, TimerSchedulerOptions } from './scheduler-options';
import { TIMER_SCHEDULER_DEFAULTS } from './scheduler-options';

/** Shortest sleep between rounds when a timer is due but was not claimed (no busy loop), ms. */
const MIN_SLEEP_MS = 5;

type Settings = Required<Omit<TimerSchedulerOptions, 'logger' | 'onGiveUp'>> & {
  logger: Logger;
  onGiveUp: (timer: Timer, reason: string) => Promise<void>;
};

/**
 * Fires due timers from the store. Timers live in the database, not in memory: each round claims
 * the oldest due ones with a lease, runs the handler, then completes, retries or gives up on each.
 * A crash mid-firing loses nothing (the lease ends and the timer is due again); timers that fell due
 * while the process was down fire on the first round after `start()`.
 *
 * One scheduler per store (SQLite has a single writer anyway); `runDue()` calls never overlap.
 */
export class TimerScheduler {
  private readonly settings: Settings;
  private running: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private poked = false;
  private wake: (() => void) | undefined;
  /** Timers whose handler is running now (claimed by this scheduler). */
  private readonly inFlight = new Set<Timer>();
  /** In-flight timers `stop()` gave back at its bound: a late failure leaves them due now. */
  private readonly givenBack = new WeakSet<Timer>();
  /** The claimed-but-not-started queue of each round running now (`stop()` gives them back). */
  private readonly unstarted = new Set<Timer[]>();

  constructor(options: TimerSchedulerOptions) {
    const logger = options.logger ?? silentLogger;
    this.settings = {
      ...TIMER_SCHEDULER_DEFAULTS,
      ...stripUndefined(options),
      logger,
      onGiveUp: options.onGiveUp ?? defaultGiveUp(options.store, options.clock, logger),
    };
  }

  /**
   * Claims and handles every timer due at `clock.now()` (re-read per batch) until none is left or
   * `maxPerRun` were handled; returns how many were handled. Calls are serialised. After `stop()`
   * it handles nothing until `start()`.
   *
   * @throws StoreError when claiming fails (the `start()` loop logs it and polls again).
   */
  runDue(): Promise<number> {
    const run = this.running.then(() => this.runBatches());
    this.running = run.catch(() => undefined);
    return run;
  }

  /**
   * Starts the loop: `runDue`, then sleep until the next timer is due, at most `pollIntervalMs`
   * (or until `poke()`). Idempotent.
   */
  start(): void {
    if (this.loop !== undefined) {
      return;
    }
    this.stopping = false;
    this.loop = this.runLoop();
  }

  /** Asks the loop to run soon (a timer was armed that may be due before the next poll). */
  poke(): void {
    this.poked = true;
    this.wake?.();
  }

  /**
   * Stops the loop: claimed timers not started yet are given back unfired, and in-flight handlers
   * are waited for, at most `waitMs` (default `stopTimeoutMs`). Timers whose handler is still
   * running then are given back too (their lease ends now), so they fire at once after a restart
   * or on another replica rather than when the lease runs out; the handler's own ending claim and
   * message intent keep a second attempt from repeating what it did.
   */
  async stop(waitMs: number = this.settings.stopTimeoutMs): Promise<void> {
    this.stopping = true;
    this.wake?.();
    // Claimed and not started: given back now, not once the round's running handlers (a slow
    // Genesys) let it get there, which a shutdown's bound may not wait for.
    const unstarted = [...this.unstarted].flatMap((queue) => queue.splice(0));
    await Promise.all(unstarted.map((timer) => this.release(timer)));
    const settled = Promise.all([this.loop, this.running]).then(() => true);
    const finished = await withinMs(settled, waitMs);
    if (!finished) {
      const unfinished = [...this.inFlight];
      this.settings.logger.warn(
        'timer scheduler stop timed out; unfinished timers are released and fire again after restart',
        { inFlight: unfinished.length, waitMs },
      );
      for (const timer of unfinished) {
        this.givenBack.add(timer);
      }
      await Promise.all(unfinished.map((timer) => this.release(timer)));
    }
    this.loop = undefined;
  }

  /** Gives a claimed timer back unfired (its lease ends now); never throws. */
  private async release(timer: Timer): Promise<void> {
    try {
      await this.settings.store.releaseTimer(timer);
    } catch (e: unknown) {
      this.settings.logger.warn('timer lease not released; it fires again when its lease ends', {
        conversationId: timer.conversationId,
        ruleId: timer.ruleId,
        error: coerceError(e).message,
      });
    }
  }

  /**
   * Claims and fires due timers continuously: up to `concurrency` handlers run at once, and the
   * next batch is claimed as soon as the claimed ones have all started (not when the slowest of a
   * batch has finished), so one slow ending does not hold back the others and the pace is set by
   * the handlers (the Genesys client's request budget), not by batch boundaries. At most
   * `batchSize` claimed timers wait their turn here; their lease covers the wait.
   */
  private async runBatches(): Promise<number> {
    const waiting: Timer[] = [];
    this.unstarted.add(waiting);
    try {
      return await this.claimAndFire(waiting);
    } finally {
      this.unstarted.delete(waiting);
    }
  }

  private async claimAndFire(waiting: Timer[]): Promise<number> {
    const { store, clock, batchSize, leaseMs, concurrency, maxPerRun } = this.settings;
    const running = new Set<Promise<void>>();
    const width = Math.max(1, Math.floor(concurrency));
    let claimed = 0;
    let handled = 0;
    let exhausted = false;
    let claimError: { error: unknown } | undefined;
    while (!this.stopping) {
      if (waiting.length === 0 && !exhausted && claimed < maxPerRun) {
        const limit = Math.min(batchSize, maxPerRun - claimed);
        try {
          const batch = await store.claimDueTimers(clock.now(), limit, leaseMs);
          claimed += batch.length;
          exhausted = batch.length === 0;
          waiting.push(...batch);
        } catch (e: unknown) {
          claimError = { error: e };
          break;
        }
      }
      while (running.size < width && waiting.length > 0 && !this.flags().stopping) {
        const timer = waiting.shift() as Timer;
        const firing = this.fire(timer).finally(() => {
          handled += 1;
          running.delete(firing);
        });
        running.add(firing);
      }
      if (running.size === 0) {
        if (waiting.length === 0 && (exhausted || claimed >= maxPerRun)) {
          break;
        }
        continue;
      }
      if (waiting.length === 0 && !exhausted && claimed < maxPerRun) {
        // Everything claimed has started: claim the next batch while these run.
        continue;
      }
      await Promise.race(running);
    }
    // Claimed but not started (stop() came): given back unfired by `fire`.
    await Promise.all([...running, ...waiting.map((timer) => this.fire(timer))]);
    if (claimError !== undefined) {
      throw claimError.error;
    }
    return handled;
  }

  private async runLoop(): Promise<void> {
    const { logger, maxPerRun } = this.settings;
    while (!this.stopping) {
      this.poked = false;
      let handled = 0;
      try {
        handled = await this.runDue();
      } catch (e: unknown) {
        logger.error('timer round failed; polling again', { error: coerceError(e) });
      }
      // Flags may have changed while awaiting (stop(), poke()); read them fresh.
      if (this.flags().stopping) {
        break;
      }
      const sleepMs = this.flags().poked || handled >= maxPerRun ? 0 : await this.untilNextDue();
      if (this.flags().stopping) {
        break;
      }
      if (sleepMs > 0 && !this.flags().poked) {
        await this.sleep(sleepMs);
      }
    }
  }

  /**
   * How long to sleep: until the earliest unleased timer is due, at most `pollIntervalMs` (the
   * poll still finds expired leases and, on a shared database, timers another replica armed).
   * A `poke()` (a timer armed here) ends the sleep early.
   */
  private async untilNextDue(): Promise<number> {
    const { store, clock, pollIntervalMs } = this.settings;
    let next: number | undefined;
    try {
      next = await store.nextTimerDueAt();
    } catch {
      // The claim of the next round reports the store's trouble; poll as before meanwhile.
      return pollIntervalMs;
    }
    if (next === undefined) {
      return pollIntervalMs;
    }
    // A timer due now that the round did not take (claimed by another replica since): no spin.
    return Math.min(pollIntervalMs, Math.max(MIN_SLEEP_MS, next - clock.now()));
  }

  private flags(): { stopping: boolean; poked: boolean } {
    return { stopping: this.stopping, poked: this.poked };
  }

  /** Sleeps on the clock, ended early by `poke()` or `stop()`. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      void this.settings.clock.sleep(ms).then(resolve);
    }).finally(() => {
      this.wake = undefined;
    });
  }

  /** Runs one timer's handler and records what happened; never throws. */
  private async fire(timer: Timer): Promise<void> {
    if (this.stopping) {
      // Claimed in a batch that `stop()` interrupted: not started, so given back unfired.
      await this.release(timer);
      return;
    }
    const log = this.settings.logger.child({
      conversationId: timer.conversationId,
      ruleId: timer.ruleId,
      phase: timer.phase,
      attempt: timer.attempts + 1,
    });
    this.inFlight.add(timer);
    try {
      let result: TimerHandlerResult;
      try {
        result = await this.settings.handle(timer);
      } catch (e: unknown) {
        const error = coerceError(e);
        log.warn('timer handler failed', { error });
        result = { status: 'retry', reason: error.message };
      }
      if (result.status === 'done') {
        await this.settings.store.completeTimer(timer);
      } else if (this.givenBack.has(timer)) {
        // Failed after the shutdown's bound (its Genesys call cut short): not counted as an
        // attempt, and left due now for the next start.
        return;
      } else {
        await this.retryOrGiveUp(timer, result, log);
      }
    } catch (e: unknown) {
      log.error('timer bookkeeping failed; it fires again when its lease ends', {
        error: coerceError(e),
      });
    } finally {
      this.inFlight.delete(timer);
    }
  }

  private async retryOrGiveUp(
    timer: Timer,
    result: { reason: string; retryAt?: number },
    log: Logger,
  ): Promise<void> {
    const { store, clock, maxAttempts, onGiveUp } = this.settings;
    const attempt = timer.attempts + 1;
    if (attempt >= maxAttempts) {
      try {
        await onGiveUp(timer, result.reason);
      } catch (e: unknown) {
        log.error('timer give-up hook failed; removing the timer anyway', {
          error: coerceError(e),
        });
      }
      await store.completeTimer(timer);
      return;
    }
    const now = clock.now();
    const backoff = retryBackoffMs(
      timer.attempts,
      this.settings.retryBackoffMs,
      this.settings.maxRetryBackoffMs,
    );
    const dueAt =
      result.retryAt !== undefined && result.retryAt > now ? result.retryAt : now + backoff;
    log.info('timer will be retried', { reason: result.reason, retryAt: dueAt, maxAttempts });
    await store.retryTimer(timer, dueAt);
  }
}

/** The default `onGiveUp`: an error log and a `failed` outcome, so the failure is on record. */
function defaultGiveUp(store: Store, clock: Clock, logger: Logger) {
  return async (timer: Timer, reason: string): Promise<void> => {
    const attempts = timer.attempts + 1;
    logger.error('timer gave up after repeated failures', {
      conversationId: timer.conversationId,
      ruleId: timer.ruleId,
      phase: timer.phase,
      attempts,
      reason,
    });
    await store.recordOutcome({
      conversationId: timer.conversationId,
      ruleId: timer.ruleId,
      kind: 'failed',
      reason: `gave up after ${attempts} attempts: ${reason}`,
      details: { phase: timer.phase, attempts, armedAt: timer.armedAt },
      at: clock.now(),
    });
  };
}

/** Drops keys whose value is `undefined`, so they do not override defaults when spread. */
function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

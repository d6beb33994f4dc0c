import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../timers/clock';
import { parseRateLimitReset } from './retry';

/** Fraction of Genesys's rate-limit window used after which closer starts pacing itself. */
export const PACING_THRESHOLD = 0.9;

/**
 * Share of each rate-limit window kept for urgent requests (`asUrgent`), at least one request:
 * ordinary ones stop there, so an on-demand ending during a backlog does not wait for the reset.
 */
export const URGENT_RESERVE = 0.01;

const urgency = new AsyncLocalStorage<true>();

/**
 * Runs `work` with its Genesys requests ahead of the queued ones (an on-demand ending someone is
 * waiting for must not queue behind a backlog of timer firings): in every RateBudget they take the
 * next free slot before other waiters, and a token at once even when the bucket is empty (the
 * debt delays the next ordinary request, so the sustained rate is unchanged). Genesys's own window
 * (inin-ratelimit pacing) still applies to them.
 */
export function asUrgent<T>(work: () => Promise<T>): Promise<T> {
  return urgency.run(true, work);
}

/** Options for {@link RateBudget}. */
export interface RateBudgetOptions {
  /** Requests in flight at once, shared by every caller of one client. */
  maxConcurrency: number;
  /** Sustained request rate (token bucket, burst of one second's worth). `Infinity` disables. */
  requestsPerSecond: number;
  clock: Clock;
}

/**
 * The concurrency and request-rate budget shared by every caller of one GenesysClient.
 *
 * Three brakes, all sleeping on the injected Clock (with a ManualClock, a caller that exceeds the
 * burst waits until the test advances time):
 * 1. a FIFO semaphore of `maxConcurrency` slots;
 * 2. a token bucket of `requestsPerSecond` (capacity: one second's worth);
 * 3. pacing from Genesys's `inin-ratelimit-count/allowed/reset` headers: once the window is 90 %
 *    used, the remaining requests are spread over the rest of the window, and when it is used up
 *    nothing is sent until it resets — cheaper than collecting 429s. The last `URGENT_RESERVE` of
 *    each window is left to urgent requests (`asUrgent`).
 *
 * The rate is also learned from those headers: `allowed` requests per window, the window's length
 * taken as the longest `reset` seen (it counts down from the window's length). Their meaning is
 * not documented by Genesys (docs/genesys/facts.md §6), so what they say can only LOWER the rate
 * below `requestsPerSecond`, never raise it: a misread header makes closer slower, never the cause
 * of 429s. To use more of a larger limit, raise `requestsPerSecond` (GENESYS_REQUESTS_PER_SECOND).
 */
export class RateBudget {
  private readonly options: RateBudgetOptions;
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];
  /** Urgent callers at the head of `waiters` (see `asUrgent`). */
  private urgentWaiting = 0;
  private tokens: number;
  private refilledAt: number;
  /** Pacing from headers: earliest start of the next request, and the spacing until `windowEndsAt`. */
  private nextStartAt = 0;
  private pacingIntervalMs = 0;
  private windowEndsAt = 0;
  /** The window is used up (urgent reserve included) until then: nothing is sent. */
  private usedUpUntil = 0;
  /**
   * The current window's end as closely as known: `reset` is whole seconds (rounded up), so each
   * answer says "ends by now + reset"; the earliest such bound of one window is kept.
   */
  private windowEndBound = Number.POSITIVE_INFINITY;
  private lastCount = 0;
  /** Processes sharing `requestsPerSecond` (see `shareWith`). */
  private sharers = 1;
  /** The longest `inin-ratelimit-reset` seen, in ms: the window's length as far as known. */
  private windowMsSeen = 0;
  /** The OAuth client's rate as the headers tell (allowed per window), per second. */
  private headerRate = Number.POSITIVE_INFINITY;

  constructor(options: RateBudgetOptions) {
    this.options = options;
    this.tokens = this.capacity();
    this.refilledAt = options.clock.now();
  }

  /** Waits for a slot and a token; returns the function that frees the slot (call exactly once). */
  async acquire(): Promise<() => void> {
    const urgent = urgency.getStore() === true;
    await this.takeSlot(urgent);
    try {
      await this.takeToken(urgent);
      await this.waitForPacing(urgent);
    } catch (e: unknown) {
      this.releaseSlot();
      throw e;
    }
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.releaseSlot();
      }
    };
  }

  /** Reads Genesys's rate-limit headers from any response and adjusts pacing. */
  observe(headers: Record<string, string>): void {
    const count = Number(headers['inin-ratelimit-count']);
    const allowed = Number(headers['inin-ratelimit-allowed']);
    const resetMs = parseRateLimitReset(headers['inin-ratelimit-reset']);
    if (
      !Number.isFinite(count) ||
      !Number.isFinite(allowed) ||
      allowed <= 0 ||
      resetMs === undefined
    ) {
      return;
    }
    this.learn(allowed, resetMs);
    const now = this.options.clock.now();
    if (count < this.lastCount || now >= this.windowEndBound) {
      this.windowEndBound = Number.POSITIVE_INFINITY; // a new window
    }
    this.lastCount = count;
    this.windowEndBound = Math.min(this.windowEndBound, now + resetMs);
    if (count / allowed < PACING_THRESHOLD) {
      this.pacingIntervalMs = 0;
      this.windowEndsAt = 0;
      return;
    }
    this.windowEndsAt = this.windowEndBound;
    const untilReset = this.windowEndsAt - now;
    if (count >= allowed) {
      this.usedUpUntil = this.windowEndsAt;
    }
    // Ordinary requests leave the urgent reserve unused.
    const remaining = allowed - count - Math.max(1, Math.ceil(allowed * URGENT_RESERVE));
    if (remaining <= 0) {
      this.nextStartAt = Math.max(this.nextStartAt, this.windowEndsAt);
      this.pacingIntervalMs = 0;
    } else {
      this.pacingIntervalMs = untilReset / remaining;
    }
  }

  /**
   * The request rate is the OAuth client's, shared by `processes` replicas (the live replica
   * count): from now on this process takes `requestsPerSecond / processes` (burst: one second of
   * that). Whole numbers >= 1; anything else counts as 1.
   */
  shareWith(processes: number): void {
    const sharers = Number.isSafeInteger(processes) && processes >= 1 ? processes : 1;
    if (sharers === this.sharers) {
      return;
    }
    this.sharers = sharers;
    this.tokens = Math.min(this.tokens, this.capacity());
  }

  /**
   * This process's share of the request rate, per second: `requestsPerSecond`, or the rate the
   * rate-limit headers tell when that is lower, divided among the replicas.
   */
  get requestsPerSecond(): number {
    return Math.min(this.options.requestsPerSecond, this.headerRate) / this.sharers;
  }

  /** The OAuth client's rate as learned from the headers (Infinity until they were seen). */
  get learnedRequestsPerSecond(): number {
    return this.headerRate;
  }

  private learn(allowed: number, resetMs: number): void {
    this.windowMsSeen = Math.max(this.windowMsSeen, resetMs);
    if (this.windowMsSeen <= 0) {
      return;
    }
    const rate = (allowed * 1000) / this.windowMsSeen;
    if (rate !== this.headerRate) {
      this.headerRate = rate;
      this.tokens = Math.min(this.tokens, this.capacity());
    }
  }

  /** Requests currently holding a slot (for metrics and tests). */
  get active(): number {
    return this.inFlight;
  }

  private capacity(): number {
    return Math.max(1, this.requestsPerSecond);
  }

  private takeSlot(urgent: boolean): Promise<void> {
    if (this.inFlight < this.options.maxConcurrency) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      // The slot is handed over directly by releaseSlot, so inFlight stays counted. Urgent
      // callers queue after earlier urgent ones, ahead of the rest.
      if (urgent) {
        this.waiters.splice(this.urgentWaiting, 0, resolve);
        this.urgentWaiting += 1;
      } else {
        this.waiters.push(resolve);
      }
    });
  }

  private releaseSlot(): void {
    const next = this.waiters.shift();
    if (next !== undefined && this.urgentWaiting > 0) {
      // The head was urgent (they are all ahead of the others).
      this.urgentWaiting -= 1;
    }
    if (next === undefined) {
      this.inFlight -= 1;
    } else {
      next();
    }
  }

  private async takeToken(urgent: boolean): Promise<void> {
    // Bounded: each pass either takes a token or sleeps until one is due.
    for (;;) {
      // Read per pass: the share may change while a caller sleeps.
      const rate = this.requestsPerSecond;
      if (!Number.isFinite(rate)) {
        return;
      }
      const now = this.options.clock.now();
      const elapsed = Math.max(0, now - this.refilledAt);
      this.tokens = Math.min(this.capacity(), this.tokens + (elapsed * rate) / 1000);
      this.refilledAt = now;
      // Urgent: a token now, borrowed from the next ones if need be (at most a second's worth).
      if (this.tokens >= 1 || (urgent && this.tokens > 1 - this.capacity())) {
        this.tokens -= 1;
        return;
      }
      await this.options.clock.sleep(Math.ceil(((1 - this.tokens) * 1000) / rate));
    }
  }

  private async waitForPacing(urgent: boolean): Promise<void> {
    const now = this.options.clock.now();
    if (urgent) {
      // The reserve: only a window used up to `allowed` holds an urgent request back.
      if (this.usedUpUntil > now) {
        await this.options.clock.sleep(this.usedUpUntil - now);
      }
      return;
    }
    const startAt = Math.max(now, this.nextStartAt);
    if (this.pacingIntervalMs > 0 && now < this.windowEndsAt) {
      this.nextStartAt = startAt + this.pacingIntervalMs;
    }
    if (startAt > now) {
      await this.options.clock.sleep(startAt - now);
    }
  }
}

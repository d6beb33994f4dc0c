import type { Clock } from '../timers/clock';
import { parseRateLimitReset } from './retry';

/** Fraction of Genesys's rate-limit window used after which closer starts pacing itself. */
export const PACING_THRESHOLD = 0.9;

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
 *    nothing is sent until it resets — cheaper than collecting 429s.
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
  private tokens: number;
  private refilledAt: number;
  /** Pacing from headers: earliest start of the next request, and the spacing until `windowEndsAt`. */
  private nextStartAt = 0;
  private pacingIntervalMs = 0;
  private windowEndsAt = 0;
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
    await this.takeSlot();
    try {
      await this.takeToken();
      await this.waitForPacing();
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
    if (count / allowed < PACING_THRESHOLD) {
      this.pacingIntervalMs = 0;
      this.windowEndsAt = 0;
      return;
    }
    const remaining = allowed - count;
    this.windowEndsAt = now + resetMs;
    if (remaining <= 0) {
      this.nextStartAt = Math.max(this.nextStartAt, this.windowEndsAt);
      this.pacingIntervalMs = 0;
    } else {
      this.pacingIntervalMs = resetMs / remaining;
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

  private takeSlot(): Promise<void> {
    if (this.inFlight < this.options.maxConcurrency) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      // The slot is handed over directly by releaseSlot, so inFlight stays counted.
      this.waiters.push(resolve);
    });
  }

  private releaseSlot(): void {
    const next = this.waiters.shift();
    if (next === undefined) {
      this.inFlight -= 1;
    } else {
      next();
    }
  }

  private async takeToken(): Promise<void> {
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
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.options.clock.sleep(Math.ceil(((1 - this.tokens) * 1000) / rate));
    }
  }

  private async waitForPacing(): Promise<void> {
    const now = this.options.clock.now();
    const startAt = Math.max(now, this.nextStartAt);
    if (this.pacingIntervalMs > 0 && now < this.windowEndsAt) {
      this.nextStartAt = startAt + this.pacingIntervalMs;
    }
    if (startAt > now) {
      await this.options.clock.sleep(startAt - now);
    }
  }
}

/**
 * Per-OAuth-client fixed-window rate limiting with Genesys's `inin-ratelimit-*` headers
 * (docs/genesys/facts.md §6: count, allowed, reset in seconds) and `Retry-After` on 429.
 */
import type { Clock } from '../timers/clock';
import { SimHttpError } from './errors';
import type { SimRateLimit } from './types';

interface Window {
  start: number;
  count: number;
}

/** The outcome for one request: headers to send, and whether it is over the limit. */
export interface RateDecision {
  headers: Record<string, string>;
  limited: boolean;
  retryAfterSeconds: number;
}

export class RateLimiter {
  private windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    private limit: SimRateLimit | undefined,
  ) {}

  set(limit: SimRateLimit | undefined): void {
    this.limit = limit === undefined ? undefined : { ...limit };
    this.windows = new Map();
  }

  /** Counts a request by `clientId`; undefined when no limit is configured. */
  take(clientId: string): RateDecision | undefined {
    const limit = this.limit;
    if (limit === undefined) {
      return undefined;
    }
    const now = this.clock.now();
    const windowMs = limit.windowSeconds * 1000;
    let window = this.windows.get(clientId);
    if (!window || now >= window.start + windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(clientId, window);
    }
    const limited = window.count >= limit.requests;
    if (!limited) {
      window.count += 1;
    }
    const reset = Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
    return {
      limited,
      retryAfterSeconds: reset,
      headers: {
        'inin-ratelimit-count': String(window.count),
        'inin-ratelimit-allowed': String(limit.requests),
        'inin-ratelimit-reset': String(reset),
      },
    };
  }

  /** The 429 error for the current limit. */
  error(): SimHttpError {
    return new SimHttpError(429, 'too.many.requests', {
      limit: String(this.limit?.requests ?? 0),
      seconds: String(this.limit?.windowSeconds ?? 0),
    });
  }
}

/**
 * When to retry a Genesys request and how long to wait: pure functions, no I/O, so every rule is
 * unit-tested. Policy (docs/genesys/facts.md §6 — the official JS SDK has no retry, the Go SDK's is the model):
 * retry network errors, 5xx except 501, and 429; honour `Retry-After` (seconds or HTTP date) or
 * else `inin-ratelimit-reset` (seconds) on 429, up to a cap; otherwise jittered exponential
 * backoff. Non-idempotent requests are only re-sent after a failure that proves nothing happened.
 */

/** Network error codes raised before the request could reach Genesys: safe to re-send anything. */
const CONNECT_PHASE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** How an attempt failed. */
export type AttemptFailure =
  | { kind: 'status'; status: number; headers: Record<string, string> }
  | { kind: 'timeout' }
  | { kind: 'network'; errorCode: string | undefined };

/** The decision after a failed attempt. */
export type RetryDecision =
  | { retry: true; delayMs: number; reason: string; ambiguous: boolean }
  | {
      retry: false;
      reason: 'not-retryable' | 'exhausted' | 'retry-after-too-long';
      /** Whether the request may have taken effect although it failed. */
      ambiguous: boolean;
      /** The wait Genesys asked for, when that was the reason to give up. */
      retryAfterMs?: number;
    };

/** Retry tuning; see GenesysClientOptions for the defaults. */
export interface RetryPolicy {
  maxRetries: number;
  baseBackoffMs: number;
  maxRetryAfterMs: number;
  /** Upper bound of one computed backoff (not of Retry-After). Default 30 s. */
  maxBackoffMs?: number;
}

/** Statuses worth retrying: 429 and 5xx except 501 Not Implemented. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

/**
 * Whether the request may have been processed although the attempt failed. 429 and 503 are
 * rejections at the door; connect-phase network errors never reached Genesys. Everything else
 * (500, 502, 504, timeouts, resets mid-request) may have taken effect.
 */
export function isAmbiguousFailure(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'status':
      return failure.status !== 429 && failure.status !== 503 && failure.status >= 500;
    case 'timeout':
      return true;
    case 'network':
      return failure.errorCode === undefined || !CONNECT_PHASE_CODES.has(failure.errorCode);
    default: {
      const exhaustive: never = failure;
      return exhaustive;
    }
  }
}

/**
 * Parses `Retry-After`: delta seconds (`"120"`, also `"1.5"`) or an HTTP date. Returns the wait
 * in ms (never negative), or undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const text = value.trim();
  if (text === '') {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Math.ceil(Number(text) * 1000);
  }
  // An HTTP date always has a weekday or month name; this keeps "-5" from parsing as a year.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.max(0, date - nowMs);
}

/** Parses `inin-ratelimit-reset` (seconds until the rate-limit window resets) into ms. */
export function parseRateLimitReset(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) {
    return undefined;
  }
  return Math.ceil(Number(value) * 1000);
}

/**
 * Exponential backoff with "equal jitter": attempt 1 waits between base/2 and base, attempt 2
 * between base and 2·base, … capped at `maxMs`. Half is fixed so a retry never fires instantly.
 *
 * @param attempt 1-based number of the retry about to happen.
 * @param random source of randomness in [0, 1) (injected by tests).
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  random: () => number = Math.random,
  maxMs = 30_000,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}

/**
 * The wait Genesys asked for on a 429/503: `Retry-After`, else (429 only) `inin-ratelimit-reset`.
 */
export function requestedWaitMs(
  status: number,
  headers: Record<string, string>,
  nowMs: number,
): number | undefined {
  const retryAfter = parseRetryAfter(headers['retry-after'], nowMs);
  if (retryAfter !== undefined) {
    return retryAfter;
  }
  return status === 429 ? parseRateLimitReset(headers['inin-ratelimit-reset']) : undefined;
}

/**
 * Decides whether to retry after a failed attempt.
 *
 * @param retriesSoFar retries already made for this request (0 after the first attempt).
 */
export function decideRetry(input: {
  failure: AttemptFailure;
  retriesSoFar: number;
  policy: RetryPolicy;
  nowMs: number;
  random?: () => number;
}): RetryDecision {
  const { failure, policy } = input;
  const ambiguous = isAmbiguousFailure(failure);
  if (failure.kind === 'status' && !isRetryableStatus(failure.status)) {
    return { retry: false, reason: 'not-retryable', ambiguous: false };
  }
  if (input.retriesSoFar >= policy.maxRetries) {
    return { retry: false, reason: 'exhausted', ambiguous };
  }
  const backoff = backoffDelay(
    input.retriesSoFar + 1,
    policy.baseBackoffMs,
    input.random,
    policy.maxBackoffMs,
  );
  if (failure.kind === 'status') {
    const asked = requestedWaitMs(failure.status, failure.headers, input.nowMs);
    if (asked !== undefined) {
      if (asked > policy.maxRetryAfterMs) {
        return { retry: false, reason: 'retry-after-too-long', ambiguous, retryAfterMs: asked };
      }
      return { retry: true, delayMs: asked, reason: `status ${failure.status}`, ambiguous };
    }
    return { retry: true, delayMs: backoff, reason: `status ${failure.status}`, ambiguous };
  }
  const reason = failure.kind === 'timeout' ? 'timeout' : `network ${failure.errorCode ?? 'error'}`;
  return { retry: true, delayMs: backoff, reason, ambiguous };
}

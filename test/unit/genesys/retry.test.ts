import {
  backoffDelay,
  decideRetry,
  parseRateLimitReset,
  parseRetryAfter,
} from '../../../src/genesys';
import {
  isAmbiguousFailure,
  isRetryableStatus,
  type RetryPolicy,
} from '../../../src/genesys/retry';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const policy: RetryPolicy = { maxRetries: 3, baseBackoffMs: 100, maxRetryAfterMs: 10_000 };

describe('parseRetryAfter', () => {
  it('reads delta seconds', () => {
    expect(parseRetryAfter('3', NOW)).toBe(3000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
  });

  it('reads an HTTP date relative to now', () => {
    const inTen = new Date(NOW + 10_000).toUTCString();
    expect(parseRetryAfter(inTen, NOW)).toBe(10_000);
  });

  it('never returns a negative wait for a past date', () => {
    expect(parseRetryAfter(new Date(NOW - 60_000).toUTCString(), NOW)).toBe(0);
  });

  it('ignores absent, empty and garbage values', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
  });
});

describe('parseRateLimitReset', () => {
  it('reads seconds', () => {
    expect(parseRateLimitReset('61')).toBe(61_000);
    expect(parseRateLimitReset(undefined)).toBeUndefined();
    expect(parseRateLimitReset('x')).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with equal jitter', () => {
    expect(backoffDelay(1, 100, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, () => 0.999999)).toBe(100);
    expect(backoffDelay(3, 100, () => 0)).toBe(200);
    expect(backoffDelay(3, 100, () => 0.5)).toBe(300);
  });

  it('is capped', () => {
    expect(backoffDelay(30, 250, () => 0.999999, 30_000)).toBe(30_000);
  });

  it('stays within [half, full] of the ceiling for random jitter', () => {
    for (let attempt = 1; attempt <= 6; attempt += 1) {
      const delay = backoffDelay(attempt, 100);
      const ceiling = 100 * 2 ** (attempt - 1);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});

describe('isRetryableStatus / isAmbiguousFailure', () => {
  it('retries 429 and 5xx except 501', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 415, 501].some(isRetryableStatus)).toBe(false);
  });

  it('treats 429, 503 and connect errors as unambiguous rejections', () => {
    const headers = {};
    expect(isAmbiguousFailure({ kind: 'status', status: 429, headers })).toBe(false);
    expect(isAmbiguousFailure({ kind: 'status', status: 503, headers })).toBe(false);
    expect(isAmbiguousFailure({ kind: 'network', errorCode: 'ECONNREFUSED' })).toBe(false);
    expect(isAmbiguousFailure({ kind: 'status', status: 500, headers })).toBe(true);
    expect(isAmbiguousFailure({ kind: 'status', status: 504, headers })).toBe(true);
    expect(isAmbiguousFailure({ kind: 'timeout' })).toBe(true);
    expect(isAmbiguousFailure({ kind: 'network', errorCode: 'UND_ERR_SOCKET' })).toBe(true);
  });
});

describe('decideRetry', () => {
  const random = (): number => 0;

  it('honours Retry-After on 429', () => {
    const decision = decideRetry({
      failure: { kind: 'status', status: 429, headers: { 'retry-after': '2' } },
      retriesSoFar: 0,
      policy,
      nowMs: NOW,
      random,
    });
    expect(decision).toEqual({
      retry: true,
      delayMs: 2000,
      reason: 'status 429',
      ambiguous: false,
    });
  });

  it('falls back to inin-ratelimit-reset on 429 without Retry-After', () => {
    const decision = decideRetry({
      failure: { kind: 'status', status: 429, headers: { 'inin-ratelimit-reset': '4' } },
      retriesSoFar: 0,
      policy,
      nowMs: NOW,
      random,
    });
    expect(decision.retry && decision.delayMs).toBe(4000);
  });

  it('gives up when Retry-After exceeds the cap', () => {
    const decision = decideRetry({
      failure: { kind: 'status', status: 429, headers: { 'retry-after': '120' } },
      retriesSoFar: 0,
      policy,
      nowMs: NOW,
      random,
    });
    expect(decision).toEqual({
      retry: false,
      reason: 'retry-after-too-long',
      ambiguous: false,
      retryAfterMs: 120_000,
    });
  });

  it('uses backoff for 5xx and network errors', () => {
    const decision = decideRetry({
      failure: { kind: 'status', status: 502, headers: {} },
      retriesSoFar: 2,
      policy,
      nowMs: NOW,
      random,
    });
    expect(decision).toEqual({ retry: true, delayMs: 200, reason: 'status 502', ambiguous: true });
    const network = decideRetry({
      failure: { kind: 'network', errorCode: 'ECONNRESET' },
      retriesSoFar: 0,
      policy,
      nowMs: NOW,
      random,
    });
    expect(network.retry && network.delayMs).toBe(50);
  });

  it('stops after maxRetries', () => {
    const decision = decideRetry({
      failure: { kind: 'timeout' },
      retriesSoFar: 3,
      policy,
      nowMs: NOW,
      random,
    });
    expect(decision).toEqual({ retry: false, reason: 'exhausted', ambiguous: true });
  });

  it('never retries 4xx other than 429', () => {
    for (const status of [400, 401, 403, 404, 409]) {
      const decision = decideRetry({
        failure: { kind: 'status', status, headers: { 'retry-after': '1' } },
        retriesSoFar: 0,
        policy,
        nowMs: NOW,
      });
      expect(decision.retry).toBe(false);
    }
  });
});

import { TIMER_SCHEDULER_DEFAULTS, retryBackoffMs } from '../../../src/timers';

describe('retryBackoffMs', () => {
  it('doubles from the base per failed attempt', () => {
    expect([0, 1, 2, 3].map((n) => retryBackoffMs(n, 1000, 60_000))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
  });

  it('is capped at the maximum, even for huge attempt counts', () => {
    expect(retryBackoffMs(6, 1000, 60_000)).toBe(60_000);
    expect(retryBackoffMs(10_000, 1000, 60_000)).toBe(60_000);
  });

  it('treats a negative attempt count as the first failure', () => {
    expect(retryBackoffMs(-3, 1000, 60_000)).toBe(1000);
  });

  it('with the defaults, all 7 retries before giving up take about 10.6 minutes', () => {
    const { retryBackoffMs: base, maxRetryBackoffMs: max, maxAttempts } = TIMER_SCHEDULER_DEFAULTS;
    let total = 0;
    for (let failed = 0; failed < maxAttempts - 1; failed += 1) {
      total += retryBackoffMs(failed, base, max);
    }
    expect(total).toBe(635_000);
  });
});

import { RateBudget } from '../../../src/genesys/rate-budget';
import { RecordingClock } from './support/test-clock';

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i += 1) {
    await Promise.resolve();
  }
}

describe('RateBudget', () => {
  it('lets at most maxConcurrency callers in, handing slots over in FIFO order', async () => {
    const clock = new RecordingClock();
    const budget = new RateBudget({ maxConcurrency: 2, requestsPerSecond: Infinity, clock });
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const callers = [1, 2, 3, 4].map((n) =>
      budget.acquire().then((release) => {
        order.push(n);
        releases.push(release);
      }),
    );
    await flush();
    expect(order).toEqual([1, 2]);
    expect(budget.active).toBe(2);
    releases[0]?.();
    releases[0]?.(); // releasing twice frees one slot only
    await flush();
    expect(order).toEqual([1, 2, 3]);
    releases[1]?.();
    await Promise.all(callers);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(budget.active).toBe(2);
  });

  it('spaces requests beyond the burst by the token rate on the injected clock', async () => {
    const clock = new RecordingClock();
    const budget = new RateBudget({ maxConcurrency: 10, requestsPerSecond: 2, clock });
    (await budget.acquire())();
    (await budget.acquire())();
    let third = false;
    const pending = budget.acquire().then((release) => {
      third = true;
      release();
    });
    await flush();
    expect(third).toBe(false);
    expect(clock.slept).toEqual([500]);
    clock.advance(500);
    await pending;
    expect(third).toBe(true);
  });

  it('waits for the window reset when inin-ratelimit says it is used up', async () => {
    const clock = new RecordingClock();
    const budget = new RateBudget({ maxConcurrency: 10, requestsPerSecond: Infinity, clock });
    budget.observe({
      'inin-ratelimit-count': '180',
      'inin-ratelimit-allowed': '180',
      'inin-ratelimit-reset': '7',
    });
    let started = false;
    const pending = budget.acquire().then((release) => {
      started = true;
      release();
    });
    await flush();
    expect(started).toBe(false);
    expect(clock.slept).toEqual([7000]);
    clock.advance(7000);
    await pending;
    expect(started).toBe(true);
  });

  it('spreads the last 10 % of the window and ignores a window far from full', async () => {
    const clock = new RecordingClock();
    const budget = new RateBudget({ maxConcurrency: 10, requestsPerSecond: Infinity, clock });
    budget.observe({
      'inin-ratelimit-count': '50',
      'inin-ratelimit-allowed': '180',
      'inin-ratelimit-reset': '30',
    });
    (await budget.acquire())();
    (await budget.acquire())();
    expect(clock.slept).toEqual([]);
    budget.observe({
      'inin-ratelimit-count': '95',
      'inin-ratelimit-allowed': '100',
      'inin-ratelimit-reset': '10',
    });
    (await budget.acquire())(); // first one goes now, the next is 2 s later
    const second = budget.acquire();
    await flush();
    expect(clock.slept).toEqual([2000]);
    clock.advance(2000);
    (await second)();
  });
});

describe('RateBudget, rate learned from inin-ratelimit headers', () => {
  const headers = (count: number, allowed: number, reset: number): Record<string, string> => ({
    'inin-ratelimit-count': String(count),
    'inin-ratelimit-allowed': String(allowed),
    'inin-ratelimit-reset': String(reset),
  });

  it('lowers the rate to allowed per window, the window being the longest reset seen', () => {
    const budget = new RateBudget({
      maxConcurrency: 1,
      requestsPerSecond: 100,
      clock: new RecordingClock(),
    });
    budget.observe(headers(40, 300, 30)); // mid-window: 300 per >= 30 s
    expect(budget.requestsPerSecond).toBe(10);
    budget.observe(headers(1, 300, 60)); // a window's first request: its full length
    expect(budget.requestsPerSecond).toBe(5);
    budget.observe(headers(2, 300, 59));
    expect(budget.requestsPerSecond).toBe(5);
    budget.shareWith(2);
    expect(budget.requestsPerSecond).toBe(2.5);
  });

  it('never raises the rate above requestsPerSecond', () => {
    const budget = new RateBudget({
      maxConcurrency: 1,
      requestsPerSecond: 4,
      clock: new RecordingClock(),
    });
    budget.observe(headers(1, 6000, 60));
    expect(budget.learnedRequestsPerSecond).toBe(100);
    expect(budget.requestsPerSecond).toBe(4);
  });

  it('paces requests at the learned rate', async () => {
    const clock = new RecordingClock();
    const budget = new RateBudget({ maxConcurrency: 10, requestsPerSecond: 50, clock });
    budget.observe(headers(1, 20, 10)); // 2 per second
    (await budget.acquire())();
    (await budget.acquire())();
    const third = budget.acquire();
    await flush();
    expect(clock.slept).toEqual([500]);
    clock.advance(500);
    (await third)();
  });
});

describe('RateBudget.shareWith', () => {
  it("takes this process's share of the rate when replicas share the OAuth client", async () => {
    const clock = new RecordingClock();
    const budget = new RateBudget({ maxConcurrency: 10, requestsPerSecond: 6, clock });
    budget.shareWith(3);
    expect(budget.requestsPerSecond).toBe(2);
    // Burst: one second of the share (2), then one request per 500 ms instead of per 167 ms.
    (await budget.acquire())();
    (await budget.acquire())();
    const third = budget.acquire();
    await flush();
    expect(clock.slept).toEqual([500]);
    clock.advance(500);
    (await third)();
    budget.shareWith(1);
    expect(budget.requestsPerSecond).toBe(6);
  });

  it.each([0, -1, 1.5, Number.NaN])('counts %s processes as one', (processes) => {
    const budget = new RateBudget({
      maxConcurrency: 1,
      requestsPerSecond: 10,
      clock: new RecordingClock(),
    });
    budget.shareWith(processes);
    expect(budget.requestsPerSecond).toBe(10);
  });
});

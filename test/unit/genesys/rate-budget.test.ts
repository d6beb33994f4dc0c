import { asUrgent, RateBudget } from '../../../src/genesys/rate-budget';
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
    // 5 left, one of them kept for urgent requests: the first goes now, the next 2.5 s later.
    (await budget.acquire())();
    const second = budget.acquire();
    await flush();
    expect(clock.slept).toEqual([2500]);
    clock.advance(2500);
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

describe('RateBudget, the window end from whole-second resets', () => {
  it('keeps the earliest end an answer of the same window implies', async () => {
    const clock = new RecordingClock();
    const budget = new RateBudget({ maxConcurrency: 10, requestsPerSecond: Infinity, clock });
    const headers = (count: number, reset: number): Record<string, string> => ({
      'inin-ratelimit-count': String(count),
      'inin-ratelimit-allowed': '150',
      'inin-ratelimit-reset': String(reset),
    });
    budget.observe(headers(140, 3)); // ends by 3,000
    clock.advance(900);
    budget.observe(headers(150, 3)); // "by 3,900": still by 3,000, and used up
    const next = budget.acquire();
    await flush();
    expect(clock.slept).toEqual([2100]);
    clock.advance(2100);
    (await next)();
    budget.observe(headers(1, 5)); // a new window: its own end
    budget.observe(headers(140, 5));
    const first = budget.acquire();
    const second = budget.acquire();
    await flush();
    (await first)();
    expect(clock.slept).toEqual([2100, 5000 / 8]);
    clock.advance(5000 / 8);
    (await second)();
  });
});

describe('RateBudget, urgent callers (asUrgent)', () => {
  it('hands the next free slot to an urgent caller before earlier ordinary waiters', async () => {
    const clock = new RecordingClock();
    const budget = new RateBudget({ maxConcurrency: 1, requestsPerSecond: Infinity, clock });
    const first = await budget.acquire();
    const order: string[] = [];
    const ordinary = [1, 2].map((n) =>
      budget.acquire().then((release) => {
        order.push(`ordinary ${n}`);
        release();
      }),
    );
    const urgent = asUrgent(() => budget.acquire()).then((release) => {
      order.push('urgent');
      release();
    });
    await flush();
    first();
    await Promise.all([...ordinary, urgent]);
    expect(order).toEqual(['urgent', 'ordinary 1', 'ordinary 2']);
    expect(budget.active).toBe(0);
  });

  it('may use the reserve at the end of a window that holds ordinary callers back', async () => {
    const clock = new RecordingClock();
    const budget = new RateBudget({ maxConcurrency: 10, requestsPerSecond: Infinity, clock });
    budget.observe({
      'inin-ratelimit-count': '99',
      'inin-ratelimit-allowed': '100',
      'inin-ratelimit-reset': '4',
    });
    (await asUrgent(() => budget.acquire()))();
    expect(clock.slept).toEqual([]);
    const ordinary = budget.acquire();
    await flush();
    expect(clock.slept).toEqual([4000]);
    budget.observe({
      'inin-ratelimit-count': '100',
      'inin-ratelimit-allowed': '100',
      'inin-ratelimit-reset': '4',
    });
    const urgent = asUrgent(() => budget.acquire());
    await flush();
    expect(clock.slept).toEqual([4000, 4000]);
    clock.advance(4000);
    (await ordinary)();
    (await urgent)();
  });

  it('takes a token at once when the bucket is empty; the debt delays the next ordinary caller', async () => {
    const clock = new RecordingClock();
    const budget = new RateBudget({ maxConcurrency: 10, requestsPerSecond: 2, clock });
    (await budget.acquire())();
    (await budget.acquire())();
    (await asUrgent(() => budget.acquire()))();
    expect(clock.slept).toEqual([]);
    const next = budget.acquire();
    await flush();
    expect(clock.slept).toEqual([1000]);
    clock.advance(1000);
    (await next)();
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

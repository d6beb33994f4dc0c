import { PassThrough } from 'node:stream';
import { createLogger } from '../../../src/observability/logger';
import type { Store, Timer, TimerInput } from '../../../src/store';
import { openStore } from '../../../src/store';
import type { TimerHandlerResult, TimerSchedulerOptions } from '../../../src/timers';
import { ManualClock, TimerScheduler } from '../../../src/timers';
import type { TempDatabase } from '../../helpers/sqlite';
import { tempDatabaseUrl } from '../../helpers/sqlite';

const T0 = Date.UTC(2026, 0, 1);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** A promise with its resolve exposed. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets pending promise callbacks and I/O run (bounded; not a timing assertion). */
async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i += 1) {
    await new Promise<void>((resolve) => {
      setImmediate(resolve);
    });
  }
}

/** A ManualClock that lets a test wait until the scheduler loop goes to sleep (it is idle then). */
class ObservedClock extends ManualClock {
  private sleeping: ReturnType<typeof deferred<void>> | undefined;

  override sleep(ms: number): Promise<void> {
    this.sleeping?.resolve();
    return super.sleep(ms);
  }

  /** Resolves at the next `sleep()` call. */
  nextSleep(): Promise<void> {
    this.sleeping = deferred();
    return this.sleeping.promise;
  }
}

describe('TimerScheduler', () => {
  let database: TempDatabase;
  let store: Store;
  let clock: ObservedClock;
  let fired: Timer[];
  let schedulers: TimerScheduler[];
  let n = 0;

  const conv = (): string => {
    n += 1;
    return `conv-${n}`;
  };
  const arm = (timer: Partial<TimerInput> & { conversationId: string }): Promise<void> =>
    store.upsertTimer({ ruleId: 'idle', phase: 'warn', dueAt: clock.now(), ...timer }, clock.now());
  const scheduler = (
    options: Partial<TimerSchedulerOptions> = {},
    handle: (timer: Timer) => Promise<TimerHandlerResult> = () =>
      Promise.resolve({ status: 'done' }),
  ): TimerScheduler => {
    const s = new TimerScheduler({
      store,
      clock,
      handle: async (timer) => {
        fired.push(timer);
        return handle(timer);
      },
      ...options,
    });
    schedulers.push(s);
    return s;
  };

  beforeEach(async () => {
    database = await tempDatabaseUrl();
    clock = new ObservedClock(T0);
    store = await openStore(database.url, { clock });
    fired = [];
    schedulers = [];
  });

  afterEach(async () => {
    try {
      for (const s of schedulers) {
        await s.stop();
      }
      await store.close();
    } finally {
      await database.remove();
    }
  });

  describe('runDue', () => {
    it('fires a timer when it is due, not before, and removes it', async () => {
      const c = conv();
      await arm({ conversationId: c, dueAt: T0 + MINUTE, data: { n: 1 } });
      const s = scheduler();
      expect(await s.runDue()).toBe(0);
      clock.advance(MINUTE - 1);
      expect(await s.runDue()).toBe(0);
      expect(fired).toEqual([]);
      clock.advance(1);
      expect(await s.runDue()).toBe(1);
      expect(fired).toEqual([expect.objectContaining({ conversationId: c, data: { n: 1 } })]);
      expect(await store.countTimers()).toBe(0);
      expect(await s.runDue()).toBe(0);
    });

    it('handles every due timer across batches, oldest first, with bounded concurrency', async () => {
      for (let i = 0; i < 23; i += 1) {
        await arm({ conversationId: conv(), dueAt: T0 - i });
      }
      let running = 0;
      let peak = 0;
      const s = scheduler({ batchSize: 5, concurrency: 3 }, async () => {
        running += 1;
        peak = Math.max(peak, running);
        await flush(1);
        running -= 1;
        return { status: 'done' };
      });
      expect(await s.runDue()).toBe(23);
      expect(peak).toBe(3);
      const dueTimes = fired.map((t) => t.dueAt);
      expect(dueTimes.slice(0, 5).every((d) => d <= T0 - 18)).toBe(true);
      expect(await store.countTimers()).toBe(0);
    });

    it('stops one run at maxPerRun and leaves the rest for the next', async () => {
      for (let i = 0; i < 7; i += 1) {
        await arm({ conversationId: conv() });
      }
      const s = scheduler({ batchSize: 2, maxPerRun: 5 });
      expect(await s.runDue()).toBe(5);
      expect(await s.runDue()).toBe(2);
    });

    it('retries a throwing handler with doubling backoff, then gives up once and removes it', async () => {
      const c = conv();
      await arm({ conversationId: c });
      const gaveUp: [Timer, string][] = [];
      const s = scheduler(
        {
          maxAttempts: 3,
          retryBackoffMs: SECOND,
          onGiveUp: (timer, reason) => {
            gaveUp.push([timer, reason]);
            return Promise.resolve();
          },
        },
        () => Promise.reject(new Error('Genesys said 503')),
      );
      expect(await s.runDue()).toBe(1);
      expect(await store.listTimers(c)).toEqual([
        expect.objectContaining({ attempts: 1, dueAt: T0 + SECOND }),
      ]);
      clock.advance(SECOND);
      expect(await s.runDue()).toBe(1);
      expect((await store.listTimers(c))[0]).toMatchObject({
        attempts: 2,
        dueAt: T0 + 3 * SECOND,
      });
      clock.advance(2 * SECOND - 1);
      expect(await s.runDue()).toBe(0);
      clock.advance(1);
      expect(await s.runDue()).toBe(1);
      expect(fired.map((t) => t.attempts)).toEqual([0, 1, 2]);
      expect(gaveUp).toEqual([[expect.objectContaining({ attempts: 2 }), 'Genesys said 503']]);
      expect(await store.listTimers(c)).toEqual([]);
    });

    it("honours a handler's retryAt when it is in the future", async () => {
      const c = conv();
      await arm({ conversationId: c });
      const s = scheduler({ retryBackoffMs: SECOND }, () =>
        Promise.resolve({ status: 'retry', reason: 'rate limited', retryAt: T0 + 30 * SECOND }),
      );
      await s.runDue();
      expect((await store.listTimers(c))[0]).toMatchObject({
        dueAt: T0 + 30 * SECOND,
        attempts: 1,
      });
    });

    it('by default records a failed outcome when it gives up', async () => {
      const c = conv();
      await arm({ conversationId: c, phase: 'close' });
      const s = scheduler({ maxAttempts: 1 }, () =>
        Promise.resolve({ status: 'retry', reason: 'no permission' }),
      );
      await s.runDue();
      expect(await store.listOutcomes({ conversationId: c })).toEqual([
        expect.objectContaining({
          ruleId: 'idle',
          kind: 'failed',
          reason: 'gave up after 1 attempts: no permission',
          details: { phase: 'close', attempts: 1, armedAt: T0 },
          at: T0,
        }),
      ]);
      expect(await store.countTimers()).toBe(0);
    });

    it('removes the timer even when the give-up hook throws, and logs it', async () => {
      const lines: string[] = [];
      const stream = new PassThrough();
      stream.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
      const c = conv();
      await arm({ conversationId: c });
      const s = scheduler(
        {
          maxAttempts: 1,
          logger: createLogger({ stream, level: 'warn' }),
          onGiveUp: () => Promise.reject(new Error('hook broke')),
        },
        () => Promise.reject(new Error('boom')),
      );
      expect(await s.runDue()).toBe(1);
      expect(await store.countTimers()).toBe(0);
      await flush();
      expect(lines.join('')).toContain('give-up hook failed');
      expect(lines.join('')).toContain(c);
    });

    it('keeps a timer re-armed while its handler runs, and fires the new version later', async () => {
      const c = conv();
      await arm({ conversationId: c });
      const s = scheduler({}, async (timer) => {
        if (timer.phase === 'warn') {
          await arm({ conversationId: c, phase: 'close', dueAt: T0 + 5 * MINUTE });
        }
        return { status: 'done' };
      });
      expect(await s.runDue()).toBe(1);
      expect(await store.listTimers(c)).toEqual([
        expect.objectContaining({ phase: 'close', dueAt: T0 + 5 * MINUTE, armedAt: T0 }),
      ]);
      clock.advance(5 * MINUTE);
      expect(await s.runDue()).toBe(1);
      expect(fired.map((t) => t.phase)).toEqual(['warn', 'close']);
      expect(await store.countTimers()).toBe(0);
    });

    it('fires once after a restart between arming and firing (timers live in the database)', async () => {
      const c = conv();
      await arm({ conversationId: c, dueAt: T0 + MINUTE });
      await store.close(); // process down
      clock.advance(10 * MINUTE); // the timer fell due meanwhile
      store = await openStore(database.url, { clock });
      const s = scheduler();
      expect(await s.runDue()).toBe(1);
      expect(await s.runDue()).toBe(0);
      expect(fired.map((t) => t.conversationId)).toEqual([c]);
    });

    it('leaves a timer leased by another claimant alone until its lease has ended', async () => {
      const c = conv();
      await arm({ conversationId: c });
      // Another scheduler (one that is still alive) claimed it.
      expect(await store.claimDueTimers(clock.now(), 10, MINUTE)).toHaveLength(1);
      const s = scheduler({ leaseMs: MINUTE });
      expect(await s.runDue()).toBe(0);
      clock.advance(MINUTE);
      expect(await s.runDue()).toBe(1);
      expect(await s.runDue()).toBe(0);
    });

    it('fires again at once after a crash mid-firing: reopening the SQLite file voids the dead process’s lease', async () => {
      const c = conv();
      await arm({ conversationId: c });
      // A scheduler claimed it and the process died before completing it.
      expect(await store.claimDueTimers(clock.now(), 10, MINUTE)).toHaveLength(1);
      await store.close();
      store = await openStore(database.url, { clock });
      const s = scheduler({ leaseMs: MINUTE });
      expect(await s.runDue()).toBe(1);
      expect(await s.runDue()).toBe(0);
    });
  });

  describe('start / poke / stop', () => {
    it('fires late timers on start, polls on the clock, and wakes early on poke', async () => {
      const late = conv();
      await arm({ conversationId: late, dueAt: T0 - MINUTE });
      const s = scheduler({ pollIntervalMs: 10 * SECOND });
      s.start();
      await clock.nextSleep(); // first round done: the late timer fired
      expect(fired.map((t) => t.conversationId)).toEqual([late]);

      const soon = conv();
      await arm({ conversationId: soon, dueAt: T0 + SECOND });
      clock.advance(SECOND); // due now, but the loop sleeps until T0 + 10s
      await flush();
      expect(fired.map((t) => t.conversationId)).toEqual([late]);
      s.poke();
      await clock.nextSleep();
      expect(fired.map((t) => t.conversationId)).toEqual([late, soon]);

      const polled = conv();
      await arm({ conversationId: polled, dueAt: T0 + 11 * SECOND });
      clock.advance(10 * SECOND); // ends the poll sleep
      await clock.nextSleep();
      expect(fired.map((t) => t.conversationId)).toEqual([late, soon, polled]);
      await s.stop();
    });

    it('sleeps until the next timer is due rather than a whole poll interval', async () => {
      const s = scheduler({ pollIntervalMs: 10 * SECOND });
      const c = conv();
      await arm({ conversationId: c, dueAt: T0 + 300 });
      const asleep = clock.nextSleep();
      s.start();
      await asleep;
      expect(clock.nextWakeAt()).toBe(T0 + 300);
      const next = clock.nextSleep();
      clock.advance(300);
      await next;
      expect(fired.map((t) => t.conversationId)).toEqual([c]);
    });

    it('claims the next batch while a slow handler of the previous one still runs', async () => {
      const slow = deferred<TimerHandlerResult>();
      const ids = [conv(), conv(), conv(), conv()];
      for (const [i, conversationId] of ids.entries()) {
        await arm({ conversationId, dueAt: T0 - 10 + i });
      }
      const s = scheduler({ batchSize: 2, concurrency: 2 }, (timer) =>
        timer.conversationId === ids[0] ? slow.promise : Promise.resolve({ status: 'done' }),
      );
      const run = s.runDue();
      await flush(20);
      // The first timer's handler has not finished; the other three fired meanwhile.
      expect(fired.map((t) => t.conversationId)).toEqual(ids);
      expect(await store.countTimers()).toBe(1);
      slow.resolve({ status: 'done' });
      expect(await run).toBe(4);
      expect(await store.countTimers()).toBe(0);
    });

    it('logs a failed round and keeps polling', async () => {
      const c = conv();
      await arm({ conversationId: c });
      let failures = 1;
      const flaky: Store = Object.create(store) as Store;
      flaky.claimDueTimers = (...args) =>
        failures-- > 0
          ? Promise.reject(new Error('database is locked'))
          : store.claimDueTimers(...args);
      const lines: string[] = [];
      const stream = new PassThrough();
      stream.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
      const s = scheduler({
        store: flaky,
        logger: createLogger({ stream }),
        pollIntervalMs: SECOND,
      });
      s.start();
      await clock.nextSleep();
      expect(fired).toEqual([]);
      const next = clock.nextSleep();
      clock.advance(SECOND);
      await next;
      expect(fired.map((t) => t.conversationId)).toEqual([c]);
      await s.stop();
      expect(lines.join('')).toContain('database is locked');
    });

    it('stop waits for an in-flight handler, and the loop claims nothing after', async () => {
      const release = deferred<TimerHandlerResult>();
      const started = deferred();
      const c = conv();
      await arm({ conversationId: c });
      const s = scheduler({}, () => {
        started.resolve();
        return release.promise;
      });
      s.start();
      await started.promise;
      let stopped = false;
      const stopping = s.stop().then(() => {
        stopped = true;
      });
      await flush();
      expect(stopped).toBe(false);
      release.resolve({ status: 'done' });
      await stopping;
      expect(await store.countTimers()).toBe(0);
      await arm({ conversationId: conv() });
      expect(await s.runDue()).toBe(0); // stopped: handles nothing until start()
    });

    it('stop gives up waiting after stopTimeoutMs and releases the unfinished timer (due again at once)', async () => {
      const never = deferred<TimerHandlerResult>();
      const started = deferred();
      const c = conv();
      await arm({ conversationId: c });
      const s = scheduler({ stopTimeoutMs: 20 }, () => {
        started.resolve();
        return never.promise;
      });
      s.start();
      await started.promise;
      await s.stop();
      const [again] = await store.claimDueTimers(clock.now(), 10, MINUTE);
      expect(again).toMatchObject({ conversationId: c, attempts: 0 });
      await store.releaseTimer(again!);
      never.resolve({ status: 'retry', reason: 'late' }); // lets the orphaned handler finish
      await flush();
    });

    /** Three due timers, one handler at a time: resolves once the first one's handler runs. */
    const firstOfThreeRunning = async (
      result: Promise<TimerHandlerResult>,
    ): Promise<{ s: TimerScheduler; ids: string[] }> => {
      const started = deferred();
      const ids = [conv(), conv(), conv()];
      for (const conversationId of ids) {
        await arm({ conversationId });
      }
      const s = scheduler({ concurrency: 1 }, () => {
        started.resolve();
        return result;
      });
      s.start();
      await started.promise;
      return { s, ids };
    };

    it('stop(waitMs) gives claimed timers of the interrupted batch back unfired', async () => {
      const release = deferred<TimerHandlerResult>();
      const { s, ids } = await firstOfThreeRunning(release.promise);
      const stopping = s.stop(60_000);
      release.resolve({ status: 'done' });
      await stopping;
      // The first ran to the end; the two waiting their turn were never fired, and are claimable.
      expect(fired.map((t) => t.conversationId)).toEqual([ids[0]]);
      const left = await store.claimDueTimers(clock.now(), 10, MINUTE);
      expect(left.map((t) => t.conversationId).sort()).toEqual([ids[1], ids[2]].sort());
      expect(left.every((t) => t.attempts === 0)).toBe(true);
    });

    it('stop(waitMs) gives the waiting ones back at once, while the running handler still hangs', async () => {
      // A shutdown's bound may end the process before a slow handler returns: the timers waiting
      // behind it must not stay leased until then (the thread made this race common).
      const never = deferred<TimerHandlerResult>();
      const { s, ids } = await firstOfThreeRunning(never.promise);
      await s.stop(1);
      // Nothing is leased any more: the running one was given back at the bound, the two waiting
      // ones at once, all without their handler finishing.
      const left = await store.claimDueTimers(clock.now(), 10, MINUTE);
      expect(left.map((t) => t.conversationId).sort()).toEqual([...ids].sort());
      expect(fired.map((t) => t.conversationId)).toEqual([ids[0]]);
      for (const timer of left) {
        await store.releaseTimer(timer);
      }
      never.resolve({ status: 'retry', reason: 'late' });
      await flush();
    });
  });
});

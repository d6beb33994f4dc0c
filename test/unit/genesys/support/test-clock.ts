import type { Clock } from '../../../../src/timers/clock';

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/**
 * A manual clock that also records every sleep (so a test can assert "waited 2 s before the
 * retry" without wall-clock timing) and can tell when the next sleeper wakes.
 */
export class RecordingClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  /** Every sleep requested, in ms, in order. */
  readonly slept: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    return new Promise((resolve) => {
      this.sleepers.push({ wakeAt: this.current + Math.max(0, ms), resolve });
      this.wake();
    });
  }

  advance(ms: number): void {
    this.current += ms;
    this.wake();
  }

  /** Wake time of the earliest pending sleeper, if any. */
  nextWakeAt(): number | undefined {
    const times = this.sleepers.map((s) => s.wakeAt);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  private wake(): void {
    const due = this.sleepers.filter((s) => s.wakeAt <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.wakeAt > this.current);
    for (const sleeper of due) {
      sleeper.resolve();
    }
  }
}

/**
 * Awaits `promise` while fast-forwarding `clock` to each pending sleeper's wake time, so code that
 * sleeps on the clock (backoff, Retry-After) completes without real waiting. Bounded: gives up
 * after `maxTicks` real 2 ms ticks.
 */
export async function runWithClock<T>(
  clock: RecordingClock,
  promise: Promise<T>,
  maxTicks = 2500,
): Promise<T> {
  const state = { settled: false };
  promise.then(
    () => {
      state.settled = true;
    },
    () => {
      state.settled = true;
    },
  );
  for (let tick = 0; tick < maxTicks && !state.settled; tick += 1) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    const next = clock.nextWakeAt();
    if (next !== undefined) {
      clock.advance(next - clock.now());
    }
  }
  return promise;
}

import { ManualClock } from '../../../../src/timers/clock';

/**
 * A manual clock that also records every sleep, so a test can assert "waited 2 s before the
 * retry" without wall-clock timing.
 */
export class RecordingClock extends ManualClock {
  /** Every sleep requested, in ms, in order. */
  readonly slept: number[] = [];

  override sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    return super.sleep(ms);
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

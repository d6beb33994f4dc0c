/**
 * The one source of "now" for timers, rules and the Genesys client. Production uses the system
 * clock; tests inject a `ManualClock` so hours of idle time pass in milliseconds.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

/** Wall-clock time and real `setTimeout` sleeps. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, Math.max(0, ms));
    }),
};

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/**
 * A clock that only moves when told to (`advance`, `set`). Sleeps resolve when the clock passes
 * their wake time. Used by tests and by the simulator's fast-forward control.
 */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];

  /** @param start start time in ms since the epoch (default 2026-01-01T00:00:00Z). */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ wakeAt: this.current + Math.max(0, ms), resolve });
      this.wake();
    });
  }

  /** Moves time forward by `ms` and wakes every sleeper now due. */
  advance(ms: number): void {
    this.current += ms;
    this.wake();
  }

  /** Wake time of the earliest pending sleeper, if any (tests fast-forward to it). */
  nextWakeAt(): number | undefined {
    const times = this.sleepers.map((s) => s.wakeAt);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** Sets the absolute time (never backwards). */
  set(epochMs: number): void {
    this.current = Math.max(this.current, epochMs);
    this.wake();
  }

  private wake(): void {
    const due = this.sleepers.filter((s) => s.wakeAt <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.wakeAt > this.current);
    for (const sleeper of due) {
      sleeper.resolve();
    }
  }
}

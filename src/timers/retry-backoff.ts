/**
 * Delay before the next attempt of a failed timer: `baseMs * 2^failedAttempts`, capped at `maxMs`.
 * No jitter: timers of one process are already spread by their due times, and determinism keeps
 * the schedule testable.
 *
 * @param failedAttempts failures before this one (0 for the first failure).
 */
export function retryBackoffMs(failedAttempts: number, baseMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(0, failedAttempts), 30);
  return Math.min(maxMs, baseMs * 2 ** exponent);
}

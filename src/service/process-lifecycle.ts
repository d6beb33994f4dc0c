/**
 * Time after the shutdown bound before a stuck step makes the process exit with code 1 anyway
 * (ms): every step is bounded by `CLOSER_SHUTDOWN_TIMEOUT` itself, so this only fires for a close
 * that hangs (a driver that never answers).
 */
export const SHUTDOWN_GRACE_MS = 5_000;

/** Resolves at the first SIGINT or SIGTERM. */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

/**
 * Runs shutdown `steps` in order, each after the previous one; a failing step is reported and
 * the next still runs. If all of them take longer than `timeoutMs`, the process exits with code
 * 1 (a stuck close must not keep a stopped service alive).
 */
export async function runShutdown(
  steps: readonly (readonly [name: string, step: () => unknown])[],
  onError: (name: string, error: unknown) => void,
  timeoutMs: number,
): Promise<void> {
  const timer = setTimeout(() => {
    process.stderr.write('closer: shutdown took too long, exiting\n');
    process.exit(1);
  }, timeoutMs);
  timer.unref();
  try {
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error: unknown) {
        onError(name, error);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Exits with `code` once the event loop is empty, or after `ms` if work abandoned by the shutdown
 * (a Genesys call cut short, whose ending is recorded for the next start) still holds it open.
 */
export function exitSoon(code: number, ms: number): void {
  process.exitCode = code;
  setTimeout(() => {
    process.exit(code);
  }, ms).unref();
}

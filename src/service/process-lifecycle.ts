/** Longest a graceful shutdown may take before the process exits anyway (ms). */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

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
  steps: readonly (readonly [name: string, step: () => Promise<void> | void])[],
  onError: (name: string, error: unknown) => void,
  timeoutMs: number = SHUTDOWN_TIMEOUT_MS,
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

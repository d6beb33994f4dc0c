/**
 * Resolves `true` if `promise` settles (either way) within `ms` real milliseconds, else `false`:
 * a bound on waiting (shutdown), never on domain time, so it does not use the injected clock. The
 * timer does not keep the process alive.
 */
export function withinMs(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timeout: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timeout = setTimeout(() => {
      resolve(false);
    }, ms);
    timeout.unref();
  });
  const done = promise.then(
    () => true,
    () => true,
  );
  return Promise.race([done, timedOut]).finally(() => {
    clearTimeout(timeout);
  });
}

/**
 * Runs `work` over `items` with at most `concurrency` running at once and resolves when all have
 * settled. `work` is expected not to throw; if it does, the rest still run and the first error is
 * rethrown at the end.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (e: unknown) {
        firstError ??= { error: e };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(concurrency), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (firstError !== undefined) {
    throw firstError.error;
  }
}

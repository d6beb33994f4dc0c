/**
 * Runs synchronous work (better-sqlite3 is synchronous) and returns its result as a Promise, turning
 * a throw into a rejection, so callers of the async `Store` interface see one error channel.
 */
export function settle<T>(work: () => T, mapError: (e: unknown) => unknown = (e) => e): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (e: unknown) {
    return Promise.reject(toError(mapError(e)));
  }
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value), { cause: value });
}

import { StoreError } from '../store-error';

/** Wraps a driver error as `STORE_QUERY_FAILED` naming the operation; store errors pass through. */
export function toStoreError(operation: string, e: unknown): StoreError {
  if (e instanceof StoreError) {
    return e;
  }
  const code = sqliteCode(e);
  // The unique key of one `terminated` outcome per (conversation, episode) (migration 0004).
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' && /outcomes\.conversation_id/.test(errorText(e))) {
    return new StoreError(
      'STORE_ALREADY_ENDED',
      'A terminated outcome is already recorded for this conversation episode',
      { cause: e, details: { operation, sqliteCode: code } },
    );
  }
  return new StoreError('STORE_QUERY_FAILED', `SQLite ${operation} failed`, {
    cause: e,
    details: { operation, sqliteCode: code },
  });
}

function sqliteCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') {
    return e.code;
  }
  return undefined;
}

/**
 * The driver error's message, read by shape: an error from the native driver can come from another
 * realm (a test runner's module context) where `instanceof Error` is false.
 */
function errorText(e: unknown): string {
  return typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string'
    ? e.message
    : '';
}

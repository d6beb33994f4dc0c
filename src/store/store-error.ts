import { CloserError, type ErrorAnswerTable } from '../errors';

/**
 * Stable codes of {@link StoreError}:
 * - `STORE_BAD_URL`: the database URL is not one of the accepted forms.
 * - `STORE_OPEN_FAILED`: the database file or its folder could not be created or opened, or the
 *   PostgreSQL server refused the login (wrong password, no such database).
 * - `STORE_UNAVAILABLE`: the PostgreSQL server cannot be reached or dropped the connection (down,
 *   restarting, network, no free connection in time). Transient: retry later; intake answers 503
 *   with `Retry-After`. `details.pgCode` / `details.errno` name the driver's code.
 * - `STORE_SERVER_TOO_OLD`: the PostgreSQL server is older than closer supports;
 *   `details.found` and `details.needed` name the versions.
 * - `STORE_SCHEMA_TOO_NEW`: the database was migrated by a newer closer; refusing to run on it.
 * - `STORE_MIGRATION_FAILED`: a migration failed and was rolled back.
 * - `STORE_ALREADY_ENDED`: a second `terminated` outcome for a (conversation, episode), refused
 *   by the database's unique key (nothing of that write was stored).
 * - `STORE_CLOSED`: the store was used after `close()`.
 * - `STORE_LOCKED`: another closer process uses the same SQLite file (one process per file).
 * - `STORE_QUERY_FAILED`: the database refused a statement (disk full, busy past the timeout…);
 *   `details.sqliteCode` or `details.pgCode` names the driver's code when there is one.
 */
export type StoreErrorCode =
  | 'STORE_BAD_URL'
  | 'STORE_OPEN_FAILED'
  | 'STORE_UNAVAILABLE'
  | 'STORE_SERVER_TOO_OLD'
  | 'STORE_SCHEMA_TOO_NEW'
  | 'STORE_MIGRATION_FAILED'
  | 'STORE_ALREADY_ENDED'
  | 'STORE_CLOSED'
  | 'STORE_LOCKED'
  | 'STORE_QUERY_FAILED';

/** Any failure of the durable store; branch on `code`. */
export class StoreError extends CloserError {
  declare readonly code: StoreErrorCode;

  constructor(
    code: StoreErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, options);
  }
}

/**
 * How closer's HTTP answers a store failure: the database being unusable is a retryable 503
 * (EventBridge and CRMs retry; nothing is acknowledged that is not stored).
 */
export const STORE_ERRORS = {
  STORE_BAD_URL: { status: 500, retryable: false },
  STORE_OPEN_FAILED: { status: 503, retryable: true },
  STORE_UNAVAILABLE: { status: 503, retryable: true },
  STORE_SERVER_TOO_OLD: { status: 500, retryable: false },
  STORE_SCHEMA_TOO_NEW: { status: 500, retryable: false },
  STORE_MIGRATION_FAILED: { status: 500, retryable: false },
  STORE_ALREADY_ENDED: { status: 409, retryable: false },
  STORE_CLOSED: { status: 503, retryable: true },
  STORE_LOCKED: { status: 503, retryable: true },
  STORE_QUERY_FAILED: { status: 503, retryable: true },
} as const satisfies ErrorAnswerTable<StoreErrorCode>;

/**
 * Whether `error` says the database could not be reached (`STORE_UNAVAILABLE`) or the store is
 * closed (`STORE_CLOSED`, shutting down): the work was not done and should be tried again later,
 * not recorded as failed.
 */
export function isStoreUnavailable(error: unknown): boolean {
  return (
    error instanceof StoreError &&
    (error.code === 'STORE_UNAVAILABLE' || error.code === 'STORE_CLOSED')
  );
}

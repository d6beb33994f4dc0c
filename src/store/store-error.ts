import { CloserError, type ErrorAnswerTable } from '../errors';

/**
 * Stable codes of {@link StoreError}:
 * - `STORE_BAD_URL`: the database URL is not one of the accepted forms.
 * - `STORE_UNSUPPORTED`: a recognised back end that this build cannot use yet (PostgreSQL).
 * - `STORE_OPEN_FAILED`: the database file or its folder could not be created or opened.
 * - `STORE_SCHEMA_TOO_NEW`: the database was migrated by a newer closer; refusing to run on it.
 * - `STORE_MIGRATION_FAILED`: a migration failed and was rolled back.
 * - `STORE_ALREADY_ENDED`: a second terminal outcome for a (conversation, rule); see
 *   {@link StoreAlreadyEndedError}.
 * - `STORE_CLOSED`: the store was used after `close()`.
 * - `STORE_LOCKED`: another closer process uses the same SQLite file (one process per file).
 * - `STORE_QUERY_FAILED`: the database refused a statement (disk full, busy past the timeout…);
 *   `details.sqliteCode` names the driver's code when there is one.
 */
export type StoreErrorCode =
  | 'STORE_BAD_URL'
  | 'STORE_UNSUPPORTED'
  | 'STORE_OPEN_FAILED'
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
  STORE_UNSUPPORTED: { status: 500, retryable: false },
  STORE_OPEN_FAILED: { status: 503, retryable: true },
  STORE_SCHEMA_TOO_NEW: { status: 500, retryable: false },
  STORE_MIGRATION_FAILED: { status: 500, retryable: false },
  STORE_ALREADY_ENDED: { status: 409, retryable: false },
  STORE_CLOSED: { status: 503, retryable: true },
  STORE_LOCKED: { status: 503, retryable: true },
  STORE_QUERY_FAILED: { status: 503, retryable: true },
} as const satisfies ErrorAnswerTable<StoreErrorCode>;

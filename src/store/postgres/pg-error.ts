import { StoreError } from '../store-error';

/** SQLSTATEs of "the server is not there for us right now": retry later. */
const UNAVAILABLE_STATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
]);
/** Node socket errors of an unreachable server. */
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
/**
 * The pg driver reports a lost connection and a pool wait that timed out with plain `Error`s
 * carrying no code: their messages are the only signal it gives.
 */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection timeout|not queryable|Connection ended/i;

function codeOf(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') {
    return e.code;
  }
  return undefined;
}

function constraintOf(e: unknown): string | undefined {
  if (
    typeof e === 'object' &&
    e !== null &&
    'constraint' in e &&
    typeof e.constraint === 'string'
  ) {
    return e.constraint;
  }
  return undefined;
}

/** SQLSTATEs after which the statement or transaction, rolled back, can simply run again. */
const CONFLICT_STATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected: PostgreSQL chose this transaction to break a lock cycle
]);

/**
 * Whether a driver error (or a `StoreError` made from one) is a conflict with a concurrent
 * transaction that rolled this one back: run again, it normally succeeds.
 */
export function isTransactionConflict(e: unknown): boolean {
  const code = e instanceof StoreError ? e.details.pgCode : codeOf(e);
  return typeof code === 'string' && CONFLICT_STATES.has(code);
}

/** Whether a driver error means the server is unreachable or went away (not a refused statement). */
export function isUnavailable(e: unknown): boolean {
  const code = codeOf(e);
  if (code !== undefined && (UNAVAILABLE_STATES.has(code) || UNAVAILABLE_ERRNOS.has(code))) {
    return true;
  }
  // SQLSTATE class 08: connection exception.
  if (code !== undefined && /^08[0-9A-Z]{3}$/.test(code)) {
    return true;
  }
  if (e instanceof AggregateError) {
    return e.errors.some(isUnavailable);
  }
  return e instanceof Error && UNAVAILABLE_MESSAGES.test(e.message);
}

/**
 * The one mapping from pg driver errors to {@link StoreError}s (store errors pass through):
 * unreachable → `STORE_UNAVAILABLE`; wrong password, unknown database or role →
 * `STORE_OPEN_FAILED`; the one-terminated-outcome key → `STORE_ALREADY_ENDED`; anything else →
 * `STORE_QUERY_FAILED`. `details.pgCode` carries the SQLSTATE or socket error code.
 */
export function toStoreError(operation: string, e: unknown): StoreError {
  if (e instanceof StoreError) {
    return e;
  }
  const pgCode = codeOf(e);
  const details = { operation, pgCode };
  const reason = e instanceof Error ? e.message : String(e);
  if (isUnavailable(e)) {
    return new StoreError(
      'STORE_UNAVAILABLE',
      `PostgreSQL is unavailable (${operation}): ${reason}`,
      { cause: e, details },
    );
  }
  if (pgCode !== undefined && /^(28|3D)/.test(pgCode)) {
    return new StoreError('STORE_OPEN_FAILED', `PostgreSQL refused the login: ${reason}`, {
      cause: e,
      details,
    });
  }
  if (pgCode === '23505' && constraintOf(e) === 'outcomes_one_terminated') {
    return new StoreError(
      'STORE_ALREADY_ENDED',
      'A terminated outcome is already recorded for this conversation episode',
      { cause: e, details },
    );
  }
  return new StoreError('STORE_QUERY_FAILED', `PostgreSQL ${operation} failed: ${reason}`, {
    cause: e,
    details,
  });
}

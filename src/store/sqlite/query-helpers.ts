import type { Timer } from '../store';
import { StoreError } from '../store-error';

/** Default page size of `listOutcomes`. */
export const DEFAULT_OUTCOME_LIMIT = 100;
/** Largest page `listOutcomes` returns, whatever limit is asked. */
export const MAX_OUTCOME_LIMIT = 1000;

/** Orders timers with equal due times by key, so claims come back in a stable order. */
export function compareKeys(a: Timer, b: Timer): number {
  return compareText(a.conversationId, b.conversationId) || compareText(a.ruleId, b.ruleId);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A limit as a whole number >= 0 (NaN → 0, +Infinity → no practical limit). */
export function nonNegativeInt(value: number): number {
  if (Number.isNaN(value)) {
    return 0;
  }
  return Math.max(0, Math.floor(Math.min(value, Number.MAX_SAFE_INTEGER)));
}

/** Wraps a driver error as `STORE_QUERY_FAILED` naming the operation; store errors pass through. */
export function toStoreError(operation: string, e: unknown): StoreError {
  return e instanceof StoreError
    ? e
    : new StoreError('STORE_QUERY_FAILED', `SQLite ${operation} failed`, {
        cause: e,
        details: { operation, sqliteCode: sqliteCode(e) },
      });
}

function sqliteCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') {
    return e.code;
  }
  return undefined;
}

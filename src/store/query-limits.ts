import type { Timer } from './store';

/** Default page size of `listOutcomes`. */
export const DEFAULT_OUTCOME_LIMIT = 100;
/** Largest page `listOutcomes` returns, whatever limit is asked. */
export const MAX_OUTCOME_LIMIT = 1000;

/** The page size `listOutcomes` uses for an asked `limit` (default 100, capped at 1000). */
export function outcomePageSize(limit: number | undefined): number {
  return Math.min(nonNegativeInt(limit ?? DEFAULT_OUTCOME_LIMIT), MAX_OUTCOME_LIMIT);
}

/** Orders timers with equal due times by key, so claims come back in a stable order. */
export function compareKeys(a: Timer, b: Timer): number {
  return compareText(a.conversationId, b.conversationId) || compareText(a.ruleId, b.ruleId);
}

/** Oldest due first, then by key: the order `claimDueTimers` returns. */
export function compareDue(a: Timer, b: Timer): number {
  return a.dueAt - b.dueAt || compareKeys(a, b);
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

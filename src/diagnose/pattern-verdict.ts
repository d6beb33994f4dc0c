import { matchesPattern, type EventPattern } from '../rules';

/** Whether a pattern matched a value and, when not, why (one line and the structured detail). */
export interface PatternVerdict {
  matched: boolean;
  /** One line naming the field that failed, what the pattern wanted and what it found. */
  why?: string;
  /** The structured explanation (JSON), when there is one. */
  failures?: unknown;
}

/** Matches `pattern` against `value` and says why it failed. */
export function patternVerdict(pattern: EventPattern, value: unknown): PatternVerdict {
  return matchesPattern(pattern, value)
    ? { matched: true }
    : { matched: false, why: 'the pattern does not match' };
}

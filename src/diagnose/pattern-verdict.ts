import { explainPattern, type EventPattern, type PatternFailure } from '../rules';

/** Whether a pattern matched a value and, when not, why (one line and the structured detail). */
export interface PatternVerdict {
  matched: boolean;
  /** One line naming each failing field, what the pattern wanted and what it found. */
  why?: string;
  /** Every failing field and `$or` (see `patternExplanationSchema`). */
  failures?: PatternFailure[];
}

/** Matches `pattern` against `value` with the matcher's own walk (`explainPattern`). */
export function patternVerdict(pattern: EventPattern, value: unknown): PatternVerdict {
  const explained = explainPattern(pattern, value);
  return explained.matched
    ? { matched: true }
    : { matched: false, why: explained.text, failures: explained.failures };
}

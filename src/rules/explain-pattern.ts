import { compilePattern } from './compile-pattern';
import type { EventPattern } from './event-pattern-types';
import { describeFailures } from './describe-failures';
import type { PatternExplanation, PatternFailure } from './pattern-explanation';
import { walkPattern } from './pattern-walker';

/**
 * Whether `event` matches `pattern` and, when it does not, why: every failing field with what the
 * pattern wanted and what the event held (`missing`, a value not in the list, an `anything-but`
 * hit, a number out of range, `exists: false` but present, …), and for a `$or` each branch's own
 * reasons; plus a one-line text for people. Runs the very walk `matchesPattern` runs, so
 * `explainPattern(p, e).matched === matchesPattern(p, e)` always.
 *
 * The pattern should have passed `validatePattern` (as for `matchesPattern`). Slower than
 * `matchesPattern` (it checks every field and builds the result): for testing rules, not for the
 * event path.
 */
export function explainPattern(pattern: EventPattern, event: unknown): PatternExplanation {
  const failures: PatternFailure[] = [];
  const matched = walkPattern(compilePattern(pattern), event, failures);
  return { matched, text: matched ? 'matched' : describeFailures(failures), failures };
}

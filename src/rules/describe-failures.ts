import type { FieldFailure, MatcherMiss, PatternFailure } from './pattern-explanation';
import { showValue as show } from './show-value';

/**
 * The one-line text of an explanation's failures, e.g.
 * `detail.state: found "stopped", wanted "running" or "pending"; $or: no branch matched ([1] type:
 * missing, wanted "ticket.closed" | [2] status: found "open", wanted {"equals-ignore-case":"RESOLVED"})`.
 */
export function describeFailures(failures: readonly PatternFailure[]): string {
  return failures.map(describeFailure).join('; ');
}

function describeFailure(failure: PatternFailure): string {
  switch (failure.kind) {
    case 'field':
      return describeField(failure);
    case 'or': {
      const where = failure.path === '' ? '$or' : `$or in ${failure.path}`;
      const branches = failure.branches.map(
        (reasons, i) => `[${i + 1}] ${reasons.map(describeFailure).join(' and ')}`,
      );
      return `${where}: no branch matched (${branches.join(' | ')})`;
    }
    case 'elements': {
      const listed = failure.elements.map(
        ({ index, failures }) => `[${index}] ${failures.map(describeFailure).join(' and ')}`,
      );
      const more = failure.count > failure.elements.length ? ' | …' : '';
      const objects = failure.count === 1 ? '1 object' : `${failure.count} objects`;
      return `${failure.path}: no element matched (${objects}: ${listed.join(' | ')}${more})`;
    }
    default: {
      const unexpected: never = failure;
      return String(unexpected);
    }
  }
}

function describeField(failure: FieldFailure): string {
  const path = failure.path === '' ? '(event)' : failure.path;
  const found =
    failure.found.length === 0
      ? failure.holdsObject === true
        ? 'holds an object, not a value'
        : 'missing'
      : `found ${failure.found.map(show).join(', ')}${failure.foundCount === undefined ? '' : ` (${failure.foundCount} values)`}`;
  const wanted = failure.checks.map(({ matcher, miss }) => {
    const note = MISS_NOTES[miss];
    return note === '' ? show(matcher) : `${show(matcher)} (${note})`;
  });
  return `${path}: ${found}, wanted ${wanted.join(' or ')}`;
}

/** A short note after a wanted entry; empty where the found value already says it all. */
const MISS_NOTES: Record<MatcherMiss, string> = {
  missing: '',
  present: 'but present',
  'not-equal': '',
  excluded: 'excluded',
  'out-of-range': 'out of range',
  'wrong-type': 'wrong type',
  mismatch: 'no match',
  'unknown-operator': 'unknown operator',
};

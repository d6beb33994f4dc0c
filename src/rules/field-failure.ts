import type { CompiledLeaf } from './compile-pattern';
import { holdsObject, leafValues } from './event-slots';
import type { EventSlot } from './event-slots';
import type { FieldFailure, MatcherMiss } from './pattern-explanation';
import type { CompiledMatcher, EventLeaf } from './pattern-matchers';

/** The most values a field failure lists (a field can be a long array). */
export const MAX_FOUND_VALUES = 20;

/**
 * What an explanation says about a leaf list that matched none of a field's values: the list as
 * written, the values found, and why each entry missed.
 */
export function fieldFailure(
  leaf: CompiledLeaf,
  slots: readonly EventSlot[],
  path: string,
): FieldFailure {
  const values = leafValues(slots);
  return {
    kind: 'field',
    path,
    wanted: [...leaf.source],
    found: values.slice(0, MAX_FOUND_VALUES),
    ...(values.length > MAX_FOUND_VALUES ? { foundCount: values.length } : {}),
    ...(values.length === 0 && holdsObject(slots) ? { holdsObject: true } : {}),
    checks: leaf.matchers.map((matcher) => ({
      matcher: matcher.source,
      miss: missOf(matcher, values),
    })),
  };
}

/** Why an entry that matched no value missed (descriptive only: the verdict is already known). */
function missOf(matcher: CompiledMatcher, values: readonly EventLeaf[]): MatcherMiss {
  if (matcher.kind === 'exists') {
    return matcher.exists === true ? 'missing' : 'present';
  }
  if (values.length === 0) {
    return 'missing';
  }
  switch (matcher.kind) {
    case 'literal':
      return 'not-equal';
    case 'anything-but':
      return 'excluded';
    case 'numeric':
      return values.some((value) => typeof value === 'number') ? 'out-of-range' : 'wrong-type';
    case 'unknown':
      return 'unknown-operator';
    default:
      return values.some((value) => typeof value === 'string') ? 'mismatch' : 'wrong-type';
  }
}

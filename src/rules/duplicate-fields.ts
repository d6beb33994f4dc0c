import { isPlainObject, OR_KEY } from './event-pattern-types';
import { formatPath } from './format-path';
import type { PatternProblem } from './pattern-problem';

/**
 * Fields given twice in one alternative of a pattern. Dotted names equal nesting, so
 * `{ "detail.state": [...], "detail": { "state": [...] } }` names `detail.state` twice, and a
 * `$or` branch naming a field that is also matched outside the `$or` names it twice in that
 * alternative. aws/event-ruler (what EventBridge runs) does not combine the two: by default the
 * later one silently replaces the earlier (its `JsonRuleCompilerTest.testWithRuleOverride`), or,
 * when told not to override, it refuses the rule ("Path `name` cannot be allowed multiple times").
 * closer refuses it, so that a pattern never means something other than what it says.
 */
export function duplicateFieldProblems(pattern: unknown): PatternProblem[] {
  const leaves: Leaf[] = [];
  collect(pattern, [], [], [], leaves, { next: 0 });
  const problems: PatternProblem[] = [];
  const byField = new Map<string, Leaf[]>();
  for (const leaf of leaves) {
    const same = byField.get(leaf.field) ?? [];
    const earlier = same.find((other) => together(other.branches, leaf.branches));
    if (earlier !== undefined) {
      const where = formatPath(earlier.path);
      problems.push({
        path: leaf.path,
        message:
          leaf.branches.length === earlier.branches.length
            ? `names the same field as ${where} (dotted names equal nesting): give it once`
            : `names the same field as ${where}, which also applies in this $or branch: give it once`,
      });
    }
    same.push(leaf);
    byField.set(leaf.field, same);
  }
  return problems;
}

/** A leaf list: its dotted field, where it is written, and the `$or` branches it sits in. */
interface Leaf {
  field: string;
  path: Array<string | number>;
  /** `[or id, branch index]` for every `$or` around it. */
  branches: ReadonlyArray<readonly [number, number]>;
}

function collect(
  pattern: unknown,
  fields: readonly string[],
  path: Array<string | number>,
  branches: ReadonlyArray<readonly [number, number]>,
  out: Leaf[],
  ors: { next: number },
): void {
  if (!isPlainObject(pattern)) {
    return;
  }
  for (const key of Object.keys(pattern)) {
    const value = pattern[key];
    if (key === OR_KEY && Array.isArray(value)) {
      const id = ors.next++;
      (value as unknown[]).forEach((branch, index) => {
        collect(branch, fields, [...path, key, index], [...branches, [id, index]], out, ors);
      });
      continue;
    }
    if (Array.isArray(value)) {
      out.push({ field: [...fields, key].join('.'), path: [...path, key], branches });
    } else {
      collect(value, [...fields, key], [...path, key], branches, out, ors);
    }
  }
}

/** Whether two leaves can hold in the same alternative: no `$or` puts them in different branches. */
function together(
  a: ReadonlyArray<readonly [number, number]>,
  b: ReadonlyArray<readonly [number, number]>,
): boolean {
  return !a.some(([id, index]) =>
    b.some(([otherId, otherIndex]) => otherId === id && otherIndex !== index),
  );
}

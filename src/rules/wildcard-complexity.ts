/**
 * How "complex" the wildcard patterns of one field are, in aws/event-ruler's sense, so that
 * closer refuses the patterns Amazon EventBridge refuses with "Rule is too complex - try using
 * fewer wildcard characters or fewer repeating character sequences after a wildcard character".
 *
 * The measure (event-ruler `MachineComplexityEvaluator`, and its README, "Wildcard matching"
 * performance notes): the largest number of wildcard-pattern prefixes that one input value can
 * match at the same time. `*aa` against `aa` is matched by `*`, `*a` and `*aa`: complexity 3.
 * Every `*` followed by repeated characters multiplies the prefixes a value can be "inside of".
 * This module computes it exactly for the patterns of one field by walking every set of states the
 * patterns can be in together (checked against all the numbers in event-ruler's own
 * `MachineComplexityEvaluatorTest`).
 */

/**
 * The largest complexity closer accepts for the wildcard patterns of one field.
 *
 * event-ruler leaves the threshold to its caller (its README shows the check without a number;
 * its tests evaluate with a cap of 100) and AWS does not publish the number. It is set from
 * EventBridge's observed answers: AWS accepts patterns of complexity 7 (`["*\/init/*", "*\/dir/*"]`
 * under anything-but, localstack's AWS-validated `content_anything_wildcard_list`) and 8 (four
 * `*.ext` suffix patterns on one field), and refuses 11 (`*:*:*:*:*:event-bus/*`, localstack's
 * AWS-validated `content_wildcard_complex_EXC`) and 16 (four `*\/dir/*.ext` patterns). Any limit
 * from 8 to 10 fits every known answer; 10 refuses the fewest patterns.
 */
export const MAX_WILDCARD_COMPLEXITY = 10;

/** Past this many distinct state sets the patterns are reported as too complex (bounded work). */
const MAX_STATE_SETS = 10_000;

const STAR = -1;

/**
 * The complexity of the wildcard patterns `values` of one field (distinct values; escapes as in
 * `wildcard`), capped at `cap`: the walk stops as soon as the cap is reached. Characters are
 * counted as UTF-8 bytes, as event-ruler does.
 */
export function wildcardComplexity(
  values: readonly string[],
  cap: number = MAX_WILDCARD_COMPLEXITY + 1,
): number {
  const patterns = [...new Set(values)].map(tokens);
  const alphabet = new Set<number>();
  for (const pattern of patterns) {
    for (const token of pattern) {
      if (token !== STAR) {
        alphabet.add(token);
      }
    }
  }
  // One byte that no pattern names stands for all such bytes: it only feeds the `*` loops.
  const inputs = [...alphabet, 256];
  const start = patterns.map((pattern) => closure(pattern, [0]));
  const seen = new Set<string>([key(start)]);
  const pending = [start];
  let highest = 0;
  while (pending.length > 0) {
    const current = pending.pop() ?? [];
    for (const input of inputs) {
      const next = current.map((positions, i) => step(patterns[i] ?? [], positions, input));
      const size = next.reduce((sum, positions) => sum + positions.length, 0);
      if (size === 0) {
        continue;
      }
      if (size >= cap) {
        return cap;
      }
      highest = Math.max(highest, size);
      const id = key(next);
      if (!seen.has(id)) {
        if (seen.size >= MAX_STATE_SETS) {
          return cap;
        }
        seen.add(id);
        pending.push(next);
      }
    }
  }
  return highest;
}

/** A wildcard value as UTF-8 bytes, with {@link STAR} for each unescaped `*`. */
function tokens(value: string): number[] {
  const out: number[] = [];
  let literal = '';
  const flush = (): void => {
    out.push(...Buffer.from(literal, 'utf8'));
    literal = '';
  };
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i] ?? '';
    if (char === '\\') {
      literal += value[i + 1] ?? '\\';
      i += 1;
    } else if (char === '*') {
      flush();
      out.push(STAR);
    } else {
      literal += char;
    }
  }
  flush();
  return out;
}

/**
 * Positions are prefix lengths: position k means the first k tokens are matched. A position
 * just before a `*` is also just after it (the star may match nothing).
 */
function closure(pattern: readonly number[], positions: readonly number[]): number[] {
  const out = new Set(positions);
  for (const position of positions) {
    let at = position;
    while (pattern[at] === STAR) {
      at += 1;
      out.add(at);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** The positions after reading one byte; position 0 (nothing read) never survives a step. */
function step(pattern: readonly number[], positions: readonly number[], input: number): number[] {
  const next: number[] = [];
  for (const position of positions) {
    if (position > 0 && pattern[position - 1] === STAR) {
      next.push(position);
    }
    if (position < pattern.length && pattern[position] === input) {
      next.push(position + 1);
    }
  }
  return next.length === 0 ? next : closure(pattern, next);
}

function key(state: readonly (readonly number[])[]): string {
  return state.map((positions) => positions.join(',')).join('|');
}

import { isIP } from 'node:net';
import { anythingButProblem } from './anything-but-problem';
import { duplicateFieldProblems } from './duplicate-fields';
import { isPlainObject, OR_KEY, PATTERN_OPERATORS } from './event-pattern-types';
import type { EventPattern } from './event-pattern-types';
import { formatPath } from './format-path';
import type { PatternProblem } from './pattern-problem';
import { showValue as show } from './show-value';
import { wildcardProblem } from './wildcard';
import { MAX_WILDCARD_COMPLEXITY, wildcardComplexity } from './wildcard-complexity';

export { formatPath } from './format-path';
export type { PatternProblem } from './pattern-problem';

const NUMERIC_OPS = new Set(['=', '<', '<=', '>', '>=']);
const KNOWN = PATTERN_OPERATORS.join(', ');

/**
 * Checks a pattern's syntax and returns one readable line per problem, each starting with the
 * path inside the pattern (e.g. `queueId[0]: unknown operator "prefx" (known: prefix, …)`).
 * An empty list means the pattern is valid.
 */
export function validatePattern(pattern: unknown): string[] {
  return collectPatternProblems(pattern).map(({ path, message }) =>
    path.length === 0 ? message : `${formatPath(path)}: ${message}`,
  );
}

/** Type guard: true when {@link validatePattern} finds no problem. */
export function isEventPattern(value: unknown): value is EventPattern {
  return collectPatternProblems(value).length === 0;
}

/** Like {@link validatePattern} but keeps paths structured (used by the rules schema). */
export function collectPatternProblems(pattern: unknown): PatternProblem[] {
  const problems: PatternProblem[] = [];
  checkPattern(pattern, [], problems);
  // Only a pattern whose parts are all valid is worth checking as a whole.
  return problems.length > 0 ? problems : duplicateFieldProblems(pattern);
}

type Path = Array<string | number>;

function checkPattern(pattern: unknown, path: Path, problems: PatternProblem[]): void {
  if (!isPlainObject(pattern)) {
    problems.push({ path, message: `a pattern must be an object of fields, got ${show(pattern)}` });
    return;
  }
  const keys = Object.keys(pattern);
  if (keys.length === 0) {
    problems.push({ path, message: 'a pattern must name at least one field' });
    return;
  }
  for (const key of keys) {
    const value = pattern[key];
    const at = [...path, key];
    if (key === OR_KEY) {
      checkOr(value, at, problems);
    } else if (Array.isArray(value)) {
      checkLeaf(value as unknown[], at, problems);
    } else if (isPlainObject(value)) {
      checkPattern(value, at, problems);
    } else {
      problems.push({
        path: at,
        message: `must be a list of values, e.g. [${show(value)}], or a nested pattern`,
      });
    }
  }
}

function checkOr(value: unknown, path: Path, problems: PatternProblem[]): void {
  if (!Array.isArray(value) || value.length < 2) {
    problems.push({ path, message: '$or must be a list of at least two patterns' });
    return;
  }
  (value as unknown[]).forEach((inner, index) => {
    checkPattern(inner, [...path, index], problems);
  });
}

function checkLeaf(values: unknown[], path: Path, problems: PatternProblem[]): void {
  if (values.length === 0) {
    problems.push({ path, message: 'must list at least one value' });
    return;
  }
  const before = problems.length;
  values.forEach((matcher, index) => {
    const problem = matcherProblem(matcher);
    if (problem !== undefined) {
      problems.push({ path: [...path, index], message: problem });
    }
  });
  // Complexity is only worth measuring on wildcards that are themselves valid.
  const wildcards = problems.length === before ? wildcardsOf(values) : [];
  if (wildcards.length > 0 && wildcardComplexity(wildcards) > MAX_WILDCARD_COMPLEXITY) {
    problems.push({
      path,
      message: `these wildcards are too complex for EventBridge ("Rule is too complex"): a value can match more than ${MAX_WILDCARD_COMPLEXITY} of their prefixes at once; use fewer * or fewer repeated characters after a *`,
    });
  }
}

/**
 * The wildcard values of one (valid) leaf list, `wildcard` and `anything-but` `wildcard` alike:
 * EventBridge weighs them together (see `wildcard-complexity.ts`). Equal values of one kind count
 * once, as event-ruler keeps one pattern for them. Each leaf list is measured on its own; event-ruler
 * measures the state machine of a field, which can also gather the same field's wildcards from
 * several `$or` branches, so closer may accept a few such patterns that EventBridge refuses.
 */
function wildcardsOf(values: readonly unknown[]): string[] {
  const plain = new Set<string>();
  const negated = new Set<string>();
  for (const matcher of values) {
    if (!isPlainObject(matcher)) {
      continue;
    }
    if (typeof matcher.wildcard === 'string') {
      plain.add(matcher.wildcard);
    }
    const but = matcher['anything-but'];
    if (isPlainObject(but) && but.wildcard !== undefined) {
      const list: unknown[] = Array.isArray(but.wildcard)
        ? (but.wildcard as unknown[])
        : [but.wildcard];
      list.forEach((item) => {
        if (typeof item === 'string') {
          negated.add(item);
        }
      });
    }
  }
  return [...plain, ...negated];
}

function matcherProblem(matcher: unknown): string | undefined {
  if (matcher === null || typeof matcher === 'string' || typeof matcher === 'boolean') {
    return undefined;
  }
  if (typeof matcher === 'number') {
    return Number.isFinite(matcher) ? undefined : `${String(matcher)} is not a JSON number`;
  }
  if (Array.isArray(matcher)) {
    return 'a list inside a list is not allowed';
  }
  if (!isPlainObject(matcher)) {
    return `${show(matcher)} is not a value or an operator`;
  }
  const keys = Object.keys(matcher);
  if (keys.length !== 1) {
    return `an operator object must have exactly one key (${KNOWN}), got ${keys.length === 0 ? 'none' : keys.join(', ')}`;
  }
  const [operator = ''] = keys;
  const argument = matcher[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return stringOrIgnoreCase(operator, argument);
    case 'equals-ignore-case':
      return typeof argument === 'string'
        ? undefined
        : `equals-ignore-case needs a string, got ${show(argument)}`;
    case 'wildcard':
      return typeof argument === 'string'
        ? wildcardProblem(argument)
        : `wildcard needs a string, got ${show(argument)}`;
    case 'anything-but':
      return anythingButProblem(argument);
    case 'numeric':
      return numericProblem(argument);
    case 'exists':
      return typeof argument === 'boolean'
        ? undefined
        : `exists needs true or false, got ${show(argument)}`;
    case 'cidr':
      return cidrProblem(argument);
    default:
      return `unknown operator ${JSON.stringify(operator)} (known: ${KNOWN})`;
  }
}

function stringOrIgnoreCase(operator: string, argument: unknown): string | undefined {
  if (typeof argument === 'string') {
    return undefined;
  }
  if (isPlainObject(argument)) {
    const keys = Object.keys(argument);
    const inner = argument['equals-ignore-case'];
    if (keys.length === 1 && typeof inner === 'string') {
      return undefined;
    }
  }
  return `${operator} needs a string or { equals-ignore-case: string }, got ${show(argument)}`;
}

/**
 * `numeric` takes one comparison, or a lower and an upper bound. Any finite JSON number is
 * accepted: aws/event-ruler, which EventBridge runs, compares the whole range of IEEE-754 doubles
 * since September 2024 (aws/event-ruler#188; its README, "Numeric matching", now says numeric
 * matching has the precision and range of Java's `double`). The ±5e9 closer enforced before came
 * from that README's earlier wording; the EventBridge user guide has said ±1.0e9 and later ±5.0e9
 * with 15 significant digits. closer parses numbers as doubles and compares exactly those.
 */
function numericProblem(argument: unknown): string | undefined {
  const usage =
    'numeric needs [op, number] or [">"|">=", low, "<"|"<=", high], op one of = < <= > >=';
  if (!Array.isArray(argument) || (argument.length !== 2 && argument.length !== 4)) {
    return usage;
  }
  const parts = argument as unknown[];
  const comparisons: Array<{ op: string; value: number }> = [];
  for (let i = 0; i < parts.length; i += 2) {
    const op = parts[i];
    const value = parts[i + 1];
    if (
      typeof op !== 'string' ||
      !NUMERIC_OPS.has(op) ||
      typeof value !== 'number' ||
      !Number.isFinite(value)
    ) {
      return usage;
    }
    comparisons.push({ op, value });
  }
  const [first, second] = comparisons;
  if (first === undefined || second === undefined) {
    return undefined;
  }
  const lower = comparisons.find((c) => c.op === '>' || c.op === '>=');
  const upper = comparisons.find((c) => c.op === '<' || c.op === '<=');
  if (lower === undefined || upper === undefined) {
    return 'numeric with two comparisons needs one lower bound (> or >=) and one upper bound (< or <=)';
  }
  if (lower.value >= upper.value) {
    return `numeric: the lower bound ${lower.value} must be below the upper bound ${upper.value}`;
  }
  return undefined;
}

function cidrProblem(argument: unknown): string | undefined {
  if (typeof argument !== 'string') {
    return `cidr needs a string such as "10.0.0.0/24", got ${show(argument)}`;
  }
  const [address = '', bits, ...rest] = argument.split('/');
  const family = isIP(address);
  const max = family === 4 ? 32 : 128;
  if (
    family === 0 ||
    bits === undefined ||
    rest.length > 0 ||
    !/^\d{1,3}$/.test(bits) ||
    Number(bits) > max
  ) {
    return `cidr ${JSON.stringify(argument)} is not an IPv4 or IPv6 block such as "10.0.0.0/24"`;
  }
  return undefined;
}

import { isIP } from 'node:net';
import { isPlainObject, OR_KEY, PATTERN_OPERATORS } from './event-pattern-types';
import type { EventPattern } from './event-pattern-types';
import { wildcardProblem } from './wildcard';

/** One problem found in a pattern, with its path inside the pattern. */
export interface PatternProblem {
  path: Array<string | number>;
  message: string;
}

/**
 * EventBridge limits numeric matching to this magnitude (aws/event-ruler README, "Numeric
 * matching": -5.0e9 to +5.0e9 inclusive).
 */
export const NUMERIC_LIMIT = 5e9;

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
  return problems;
}

/** `['detail', 'state', 0]` → `detail.state[0]`; keys that are not plain names are quoted. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') {
      out += `[${step}]`;
    } else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(step)) {
      out += out === '' ? step : `.${step}`;
    } else {
      out += `[${JSON.stringify(step)}]`;
    }
  }
  return out;
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
  values.forEach((matcher, index) => {
    const problem = matcherProblem(matcher);
    if (problem !== undefined) {
      problems.push({ path: [...path, index], message: problem });
    }
  });
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

function anythingButProblem(argument: unknown): string | undefined {
  if (typeof argument === 'string') {
    return undefined;
  }
  if (typeof argument === 'number') {
    return Number.isFinite(argument)
      ? undefined
      : `anything-but: ${String(argument)} is not a JSON number`;
  }
  if (Array.isArray(argument)) {
    const list = argument as unknown[];
    const allStrings = list.every((item) => typeof item === 'string');
    const allNumbers = list.every((item) => typeof item === 'number' && Number.isFinite(item));
    if (list.length > 0 && (allStrings || allNumbers)) {
      return undefined;
    }
    return 'anything-but needs a non-empty list of only strings or only numbers';
  }
  if (isPlainObject(argument)) {
    const keys = Object.keys(argument);
    const [key = ''] = keys;
    const inner = argument[key];
    if (keys.length === 1 && (key === 'prefix' || key === 'suffix') && typeof inner === 'string') {
      return undefined;
    }
    if (keys.length === 1 && (key === 'equals-ignore-case' || key === 'wildcard')) {
      const list: unknown[] = Array.isArray(inner) ? (inner as unknown[]) : [inner];
      if (list.length === 0 || !list.every((item) => typeof item === 'string')) {
        return `anything-but ${key} needs a string or a non-empty list of strings`;
      }
      if (key === 'wildcard') {
        return list.map((item) => wildcardProblem(item)).find((p) => p !== undefined);
      }
      return undefined;
    }
    return `anything-but takes a value, a list, or one of { prefix | suffix | equals-ignore-case | wildcard }, got ${show(argument)}`;
  }
  return `anything-but needs a string, a number or a list, got ${show(argument)}`;
}

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
    if (Math.abs(value) > NUMERIC_LIMIT) {
      return `numeric: ${value} is outside EventBridge's range of -5e9 to 5e9`;
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

function show(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  try {
    // JSON.stringify returns undefined for functions and symbols despite its declared type.
    return JSON.stringify(value) || typeof value;
  } catch {
    return typeof value;
  }
}

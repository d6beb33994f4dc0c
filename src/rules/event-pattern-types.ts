/**
 * Types of an Amazon EventBridge event pattern as closer accepts them. A pattern is an object whose
 * keys name fields of the event; each value is either a list of matchers (a leaf: any matcher may
 * match) or a nested pattern (the field must be an object matching it). A key with dots is the same
 * as nesting (`"state.status"` is `state` → `status`). The special key `$or` holds two or more
 * patterns of which at least one must match.
 */

/** An exact value: matches an equal string, number (compared numerically), boolean or null. */
export type PatternLiteral = string | number | boolean | null;

/**
 * A content filter such as `{ prefix: "web" }` or `{ numeric: [">", 0] }` — exactly one operator
 * key. See {@link PATTERN_OPERATORS}.
 */
export type PatternOperator = Readonly<Record<string, unknown>>;

/** One entry of a leaf list. */
export type PatternMatcher = PatternLiteral | PatternOperator;

/** An EventBridge event pattern (validated by `validatePattern`). */
export interface EventPattern {
  readonly [field: string]: readonly PatternMatcher[] | EventPattern | readonly EventPattern[];
}

/** The content-filter operators closer implements, as EventBridge names them. */
export const PATTERN_OPERATORS = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
] as const;

/** Name of an operator in {@link PATTERN_OPERATORS}. */
export type PatternOperatorName = (typeof PATTERN_OPERATORS)[number];

/** The key that turns a list of patterns into an OR. */
export const OR_KEY = '$or';

/** Whether a value is a plain JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { BlockList, isIP } from 'node:net';
import { isPlainObject } from './event-pattern-types';
import type { PatternMatcher } from './event-pattern-types';
import { matchesWildcardPieces, wildcardPieces } from './wildcard';

/**
 * One entry of a leaf list (`"running"`, `{ prefix: "web" }`, `{ numeric: [">", 0] }`, …)
 * compiled once into a test on a single event value. The matcher and the explainer both test
 * values only through these, so they cannot disagree on what a matcher accepts.
 *
 * Semantics (EventBridge user guide, "Comparison operators for use in event patterns";
 * aws/event-ruler README): literals match an equal string, number (by value: `300` matches
 * `3.0e2`), boolean or null; `prefix`, `suffix`, `equals-ignore-case`, `wildcard` and `cidr`
 * match strings only, `numeric` JSON numbers only; `anything-but` matches every value it does not
 * exclude — so its `prefix`/`suffix`/`equals-ignore-case`/`wildcard` forms, which can only exclude
 * strings, let numbers, booleans and null through.
 */

/** A single JSON value an event field can hold (arrays are looked into, objects are not values). */
export type EventLeaf = string | number | boolean | null;

/** What kind of test a compiled matcher is, for explanations. */
export type MatcherKind =
  | 'literal'
  | 'prefix'
  | 'suffix'
  | 'equals-ignore-case'
  | 'wildcard'
  | 'anything-but'
  | 'numeric'
  | 'cidr'
  | 'exists'
  | 'unknown';

/** A leaf-list entry ready to test event values. */
export interface CompiledMatcher {
  /** The entry as written in the pattern. */
  readonly source: PatternMatcher;
  readonly kind: MatcherKind;
  /** For `exists`: whether the field must be present (true) or absent (false). */
  readonly exists?: boolean;
  /** Whether one event value satisfies the entry (`exists` is decided on the field, not here). */
  readonly test: (value: EventLeaf) => boolean;
}

const never = (): boolean => false;

/** Compiles one leaf-list entry; an entry the validator would refuse compiles to "never matches". */
export function compileMatcher(source: PatternMatcher): CompiledMatcher {
  if (!isPlainObject(source)) {
    return { source, kind: 'literal', test: (value) => value === source };
  }
  const [operator] = Object.keys(source);
  const argument: unknown = operator === undefined ? undefined : source[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return { source, kind: operator, test: affixTest(operator, argument) };
    case 'equals-ignore-case':
      return {
        source,
        kind: operator,
        test: typeof argument === 'string' ? onStrings(ignoreCaseTest([argument])) : never,
      };
    case 'wildcard':
      return {
        source,
        kind: operator,
        test: typeof argument === 'string' ? onStrings(wildcardTest([argument])) : never,
      };
    case 'anything-but':
      return { source, kind: operator, test: anythingButTest(argument) };
    case 'numeric':
      return { source, kind: operator, test: numericTest(argument) };
    case 'cidr':
      return {
        source,
        kind: operator,
        test: typeof argument === 'string' ? cidrTest(argument) : never,
      };
    case 'exists':
      return { source, kind: operator, exists: argument === true, test: never };
    default:
      return { source, kind: 'unknown', test: never };
  }
}

type StringTest = (text: string) => boolean;

function stringsOf(argument: unknown): string[] {
  const list: unknown[] = Array.isArray(argument) ? (argument as unknown[]) : [argument];
  return list.filter((item): item is string => typeof item === 'string');
}

/** A string test as a value test: other values never pass. */
function onStrings(test: StringTest): (value: EventLeaf) => boolean {
  return (value) => typeof value === 'string' && test(value);
}

function affixTest(kind: 'prefix' | 'suffix', argument: unknown): (value: EventLeaf) => boolean {
  const test = affixStringTest(kind, argument);
  return test === undefined ? never : onStrings(test);
}

/** `prefix: "x"` or `prefix: { equals-ignore-case: "x" }` (and the same for suffix). */
function affixStringTest(kind: 'prefix' | 'suffix', argument: unknown): StringTest | undefined {
  if (typeof argument === 'string') {
    return kind === 'prefix'
      ? (text) => text.startsWith(argument)
      : (text) => text.endsWith(argument);
  }
  if (isPlainObject(argument) && typeof argument['equals-ignore-case'] === 'string') {
    const part = argument['equals-ignore-case'].toLowerCase();
    return kind === 'prefix'
      ? (text) => text.toLowerCase().startsWith(part)
      : (text) => text.toLowerCase().endsWith(part);
  }
  return undefined;
}

function ignoreCaseTest(values: readonly string[]): StringTest {
  const lower = new Set(values.map((value) => value.toLowerCase()));
  const upper = new Set(values.map((value) => value.toUpperCase()));
  return (text) => lower.has(text.toLowerCase()) || upper.has(text.toUpperCase());
}

function wildcardTest(values: readonly string[]): StringTest {
  const compiled = values.map(wildcardPieces);
  return (text) => compiled.some((pieces) => matchesWildcardPieces(pieces, text));
}

function anythingButTest(argument: unknown): (value: EventLeaf) => boolean {
  if (!isPlainObject(argument)) {
    // A value or a list of values: everything else matches, whatever its type.
    const excluded = new Set<unknown>(
      Array.isArray(argument) ? (argument as unknown[]) : [argument],
    );
    return (value) => !excluded.has(value);
  }
  const [form] = Object.keys(argument);
  const strings = stringsOf(form === undefined ? undefined : argument[form]);
  let hit: StringTest;
  switch (form) {
    case 'prefix':
      hit = (text) => strings.some((part) => text.startsWith(part));
      break;
    case 'suffix':
      hit = (text) => strings.some((part) => text.endsWith(part));
      break;
    case 'equals-ignore-case':
      hit = ignoreCaseTest(strings);
      break;
    case 'wildcard':
      hit = wildcardTest(strings);
      break;
    default:
      return never;
  }
  // These forms can only exclude strings: a number, boolean or null is "anything but" them
  // (localstack's AWS-validated content_anything_prefix_int_value / _null cases).
  return (value) => typeof value !== 'string' || !hit(value);
}

function numericTest(argument: unknown): (value: EventLeaf) => boolean {
  if (!Array.isArray(argument) || argument.length === 0 || argument.length % 2 !== 0) {
    return never;
  }
  const parts = argument as unknown[];
  const checks: Array<(n: number) => boolean> = [];
  for (let i = 0; i < parts.length; i += 2) {
    const bound = parts[i + 1];
    if (typeof bound !== 'number') {
      return never;
    }
    switch (parts[i]) {
      case '=':
        checks.push((n) => n === bound);
        break;
      case '<':
        checks.push((n) => n < bound);
        break;
      case '<=':
        checks.push((n) => n <= bound);
        break;
      case '>':
        checks.push((n) => n > bound);
        break;
      case '>=':
        checks.push((n) => n >= bound);
        break;
      default:
        return never;
    }
  }
  return (value) => typeof value === 'number' && checks.every((check) => check(value));
}

function cidrTest(cidr: string): (value: EventLeaf) => boolean {
  const [network = '', bits = ''] = cidr.split('/');
  const version = isIP(network);
  if (version === 0 || !/^\d+$/.test(bits)) {
    return never;
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  try {
    list.addSubnet(network, Number(bits), family);
  } catch {
    return never;
  }
  return (value) =>
    typeof value === 'string' && isIP(value) === version && list.check(value, family);
}

import { BlockList, isIP } from 'node:net';
import { isPlainObject, OR_KEY } from './event-pattern-types';
import type { EventPattern, PatternMatcher } from './event-pattern-types';
import { matchesWildcard } from './wildcard';

/**
 * Amazon EventBridge event-pattern matching (content filtering), as documented in the EventBridge
 * user guide ("Event patterns", "Content filtering", "Comparison operators") and aws/event-ruler:
 *
 * - every field named in the pattern must match (AND); `$or` needs one of its patterns to match;
 * - a leaf list matches when any of its matchers matches (OR);
 * - when the event value is an array, it matches when any element matches (intersection);
 *   arrays of objects are matched element by element against a nested pattern;
 * - literals match exactly, numbers numerically (`300` matches `3.0e2`), `null` only `null`, and
 *   an empty string only `""`;
 * - `exists` looks at leaves only: a field holding an object (or an empty array) does not
 *   "exist" for `{ exists: true }` and does match `{ exists: false }`;
 * - every other matcher, `anything-but` included, needs the field to be present.
 *
 * The pattern should have passed `validatePattern`; an unknown operator simply never matches.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: EventPattern, value: unknown): boolean {
  const fields = isPlainObject(value) ? value : undefined;
  for (const key of Object.keys(pattern)) {
    const spec = pattern[key];
    if (key === OR_KEY && Array.isArray(spec)) {
      const alternatives = spec as readonly unknown[];
      if (
        !alternatives.some((alt) => isPlainObject(alt) && matchObject(alt as EventPattern, value))
      ) {
        return false;
      }
      continue;
    }
    const fieldValue =
      fields !== undefined && Object.prototype.hasOwnProperty.call(fields, key)
        ? fields[key]
        : undefined;
    if (Array.isArray(spec)) {
      if (!matchLeaf(spec as readonly PatternMatcher[], fieldValue)) {
        return false;
      }
    } else if (isPlainObject(spec)) {
      if (!matchNested(spec, fieldValue)) {
        return false;
      }
    } else {
      return false;
    }
  }
  return true;
}

function matchNested(pattern: EventPattern, value: unknown): boolean {
  if (Array.isArray(value)) {
    const objects = flatten(value).filter(isPlainObject);
    if (objects.length === 0) {
      return matchObject(pattern, undefined);
    }
    return objects.some((element) => matchObject(pattern, element));
  }
  return matchObject(pattern, value);
}

type Leaf = string | number | boolean | null;

function flatten(value: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of value) {
    if (Array.isArray(item)) {
      out.push(...flatten(item as unknown[]));
    } else {
      out.push(item);
    }
  }
  return out;
}

function isLeaf(value: unknown): value is Leaf {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** The leaf values of a field: the value itself, or the primitive elements of an array. */
function leafValues(value: unknown): Leaf[] {
  if (value === undefined) {
    return [];
  }
  if (Array.isArray(value)) {
    return flatten(value).filter(isLeaf);
  }
  return isLeaf(value) ? [value] : [];
}

function matchLeaf(matchers: readonly PatternMatcher[], value: unknown): boolean {
  const values = leafValues(value);
  return matchers.some((matcher) => {
    if (isPlainObject(matcher) && 'exists' in matcher) {
      return matcher.exists === true ? values.length > 0 : values.length === 0;
    }
    return values.some((leaf) => matchValue(matcher, leaf));
  });
}

function matchValue(matcher: PatternMatcher, leaf: Leaf): boolean {
  if (!isPlainObject(matcher)) {
    return equalLiteral(matcher, leaf);
  }
  const [operator] = Object.keys(matcher);
  const argument = operator === undefined ? undefined : matcher[operator];
  switch (operator) {
    case 'prefix':
      return typeof leaf === 'string' && affix(argument, leaf, 'prefix');
    case 'suffix':
      return typeof leaf === 'string' && affix(argument, leaf, 'suffix');
    case 'equals-ignore-case':
      return (
        typeof leaf === 'string' && typeof argument === 'string' && sameIgnoringCase(leaf, argument)
      );
    case 'wildcard':
      return (
        typeof leaf === 'string' && typeof argument === 'string' && matchesWildcard(argument, leaf)
      );
    case 'anything-but':
      return anythingBut(argument, leaf);
    case 'numeric':
      return typeof leaf === 'number' && numeric(argument, leaf);
    case 'cidr':
      return typeof leaf === 'string' && typeof argument === 'string' && inCidr(argument, leaf);
    default:
      return false;
  }
}

function equalLiteral(literal: unknown, leaf: Leaf): boolean {
  // JSON numbers compare by value: 300, 300.0 and 3.0e2 are the same number once parsed.
  return literal === leaf;
}

function sameIgnoringCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase();
}

function affix(argument: unknown, leaf: string, kind: 'prefix' | 'suffix'): boolean {
  const test = (text: string, part: string): boolean =>
    kind === 'prefix' ? text.startsWith(part) : text.endsWith(part);
  if (typeof argument === 'string') {
    return test(leaf, argument);
  }
  if (isPlainObject(argument) && typeof argument['equals-ignore-case'] === 'string') {
    return test(leaf.toLowerCase(), argument['equals-ignore-case'].toLowerCase());
  }
  return false;
}

function anythingBut(argument: unknown, leaf: Leaf): boolean {
  if (Array.isArray(argument)) {
    return !(argument as unknown[]).some((item) => equalLiteral(item, leaf));
  }
  if (!isPlainObject(argument)) {
    return !equalLiteral(argument, leaf);
  }
  // The pattern forms of anything-but apply to strings only.
  if (typeof leaf !== 'string') {
    return false;
  }
  const [key] = Object.keys(argument);
  const inner = key === undefined ? undefined : argument[key];
  const list = (Array.isArray(inner) ? (inner as unknown[]) : [inner]).filter(
    (item): item is string => typeof item === 'string',
  );
  switch (key) {
    case 'prefix':
      return typeof inner === 'string' && !leaf.startsWith(inner);
    case 'suffix':
      return typeof inner === 'string' && !leaf.endsWith(inner);
    case 'equals-ignore-case':
      return list.length > 0 && !list.some((item) => sameIgnoringCase(item, leaf));
    case 'wildcard':
      return list.length > 0 && !list.some((item) => matchesWildcard(item, leaf));
    default:
      return false;
  }
}

function numeric(argument: unknown, leaf: number): boolean {
  if (!Array.isArray(argument)) {
    return false;
  }
  const parts = argument as unknown[];
  for (let i = 0; i < parts.length; i += 2) {
    const op = parts[i];
    const bound = parts[i + 1];
    if (typeof bound !== 'number') {
      return false;
    }
    const ok =
      op === '='
        ? leaf === bound
        : op === '<'
          ? leaf < bound
          : op === '<='
            ? leaf <= bound
            : op === '>'
              ? leaf > bound
              : op === '>='
                ? leaf >= bound
                : false;
    if (!ok) {
      return false;
    }
  }
  return parts.length > 0;
}

const blockLists = new Map<string, { list: BlockList; family: 'ipv4' | 'ipv6' } | null>();

function inCidr(cidr: string, address: string): boolean {
  let entry = blockLists.get(cidr);
  if (entry === undefined) {
    entry = buildBlockList(cidr);
    if (blockLists.size > 1000) {
      blockLists.clear();
    }
    blockLists.set(cidr, entry);
  }
  if (entry === null) {
    return false;
  }
  const family = isIP(address);
  if ((family === 4 ? 'ipv4' : family === 6 ? 'ipv6' : undefined) !== entry.family) {
    return false;
  }
  return entry.list.check(address, entry.family);
}

function buildBlockList(cidr: string): { list: BlockList; family: 'ipv4' | 'ipv6' } | null {
  const [network = '', bits = ''] = cidr.split('/');
  const version = isIP(network);
  if (version === 0 || !/^\d+$/.test(bits)) {
    return null;
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  try {
    list.addSubnet(network, Number(bits), family);
  } catch {
    return null;
  }
  return { list, family };
}

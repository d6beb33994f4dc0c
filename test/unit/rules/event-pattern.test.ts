import { matchesPattern } from '../../../src/rules/event-pattern';
import type { EventPattern } from '../../../src/rules/event-pattern-types';
import {
  formatPath,
  isEventPattern,
  validatePattern,
} from '../../../src/rules/event-pattern-validate';

describe('validatePattern', () => {
  it('accepts every operator form', () => {
    expect(
      validatePattern({
        a: ['x', 1, true, null],
        b: [{ prefix: 'p' }, { prefix: { 'equals-ignore-case': 'P' } }, { suffix: 's' }],
        c: [{ 'equals-ignore-case': 'x' }, { wildcard: 'a*b\\*c\\\\' }, { exists: false }],
        d: [
          { 'anything-but': 'x' },
          { 'anything-but': 3 },
          { 'anything-but': ['x', 'y'] },
          { 'anything-but': [1, 2] },
          { 'anything-but': { prefix: 'p' } },
          { 'anything-but': { prefix: ['p', 'q'] } },
          { 'anything-but': { suffix: 's' } },
          { 'anything-but': { suffix: ['.png', '.jpg'] } },
          { 'anything-but': { 'equals-ignore-case': ['a', 'B'] } },
          { 'anything-but': { wildcard: '*/lib/*' } },
        ],
        e: [{ numeric: ['>=', 0] }, { numeric: ['<', 5, '>', 1] }, { cidr: '::1/128' }],
        f: [{ numeric: ['>', 1.7e12] }, { numeric: ['>=', -1e300, '<', 1e300] }],
        'g.h': [{ wildcard: '*/init/*' }, { 'anything-but': { wildcard: ['*/dir/*', '*.tmp'] } }],
        nested: { deeper: { $or: [{ x: ['1'] }, { y: ['2'] }] } },
      }),
    ).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['a non-object pattern', ['x'], 'a pattern must be an object of fields, got ["x"]'],
    ['an empty pattern', {}, 'a pattern must name at least one field'],
    [
      'a bare value instead of a list',
      { messageType: 'webmessaging' },
      'messageType: must be a list of values, e.g. ["webmessaging"], or a nested pattern',
    ],
    ['an empty list', { a: [] }, 'a: must list at least one value'],
    ['a list in a list', { a: [['x']] }, 'a[0]: a list inside a list is not allowed'],
    [
      'an unknown operator',
      { a: [{ prefx: 'x' }] },
      'a[0]: unknown operator "prefx" (known: prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr)',
    ],
    [
      'two operators in one object',
      { a: [{ prefix: 'x', suffix: 'y' }] },
      'a[0]: an operator object must have exactly one key (prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr), got prefix, suffix',
    ],
    [
      'a numeric prefix',
      { a: [{ prefix: 5 }] },
      'a[0]: prefix needs a string or { equals-ignore-case: string }, got 5',
    ],
    [
      'exists with a string',
      { a: [{ exists: 'yes' }] },
      'a[0]: exists needs true or false, got "yes"',
    ],
    [
      'a mixed anything-but list',
      { a: [{ 'anything-but': ['x', 1] }] },
      'a[0]: anything-but needs a non-empty list of only strings or only numbers',
    ],
    [
      'anything-but numeric',
      { a: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'a[0]: anything-but takes a value, a list, or one of { prefix | suffix | equals-ignore-case | wildcard }, got {"numeric":[">",1]}',
    ],
    [
      'numeric with a bad op',
      { a: [{ numeric: ['>>', 1] }] },
      'a[0]: numeric needs [op, number] or [">"|">=", low, "<"|"<=", high], op one of = < <= > >=',
    ],
    [
      'numeric with two lower bounds',
      { a: [{ numeric: ['>', 1, '>=', 2] }] },
      'a[0]: numeric with two comparisons needs one lower bound (> or >=) and one upper bound (< or <=)',
    ],
    [
      'numeric with an empty range',
      { a: [{ numeric: ['>', 5, '<', 1] }] },
      'a[0]: numeric: the lower bound 5 must be below the upper bound 1',
    ],
    [
      'an empty anything-but prefix',
      { a: [{ 'anything-but': { prefix: '' } }] },
      'a[0]: anything-but prefix cannot be empty (it would exclude every string)',
    ],
    [
      'an empty string in an anything-but suffix list',
      { a: [{ 'anything-but': { suffix: ['.png', ''] } }] },
      'a[0]: anything-but suffix cannot be empty (it would exclude every string)',
    ],
    [
      'an anything-but prefix list with a number',
      { a: [{ 'anything-but': { prefix: ['init', 5] } }] },
      'a[0]: anything-but prefix needs a string or a non-empty list of strings',
    ],
    [
      'an empty anything-but prefix list',
      { a: [{ 'anything-but': { prefix: [] } }] },
      'a[0]: anything-but prefix needs a string or a non-empty list of strings',
    ],
    [
      'wildcards too complex for EventBridge',
      { arn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] },
      'arn: these wildcards are too complex for EventBridge ("Rule is too complex"): a value can match more than 10 of their prefixes at once; use fewer * or fewer repeated characters after a *',
    ],
    [
      'the same field given dotted and nested',
      { 'detail.state': ['a'], detail: { state: ['b'] } },
      'detail.state: names the same field as ["detail.state"] (dotted names equal nesting): give it once',
    ],
    [
      'a field given outside and inside a $or branch',
      { name: ['a', 'b'], $or: [{ name: [{ 'anything-but': 'a' }] }, { other: ['x'] }] },
      '$or[0].name: names the same field as name, which also applies in this $or branch: give it once',
    ],
    [
      'a bad cidr',
      { ip: [{ cidr: '10.0.0.0/33' }] },
      'ip[0]: cidr "10.0.0.0/33" is not an IPv4 or IPv6 block such as "10.0.0.0/24"',
    ],
    [
      'consecutive wildcards',
      { a: [{ wildcard: 'a**b' }] },
      'a[0]: wildcard "a**b": consecutive * are not allowed',
    ],
    [
      'a bad wildcard escape',
      { a: [{ wildcard: 'a\\b' }] },
      'a[0]: wildcard "a\\\\b": a backslash may only escape * or \\',
    ],
    [
      '$or with one branch',
      { $or: [{ a: ['x'] }] },
      '$or: $or must be a list of at least two patterns',
    ],
    [
      'a bad $or branch',
      { $or: [{ a: ['x'] }, { b: 'y' }] },
      '$or[1].b: must be a list of values, e.g. ["y"], or a nested pattern',
    ],
    [
      'a quoted key in the path',
      { detail: { 'a b': [] } },
      'detail["a b"]: must list at least one value',
    ],
  ])('reports %s', (_name, pattern, problem) => {
    expect(validatePattern(pattern)).toEqual([problem]);
    expect(isEventPattern(pattern)).toBe(false);
  });

  it('reports every problem, not only the first', () => {
    expect(validatePattern({ a: [], b: [{ nope: 1 }], c: 'x' })).toHaveLength(3);
  });
});

describe('formatPath', () => {
  it('joins names with dots and indexes with brackets', () => {
    expect(formatPath(['rules', 0, 'match', 'queueId', 2])).toBe('rules[0].match.queueId[2]');
    expect(formatPath(['x y', 'z'])).toBe('["x y"].z');
  });
});

describe('matchesPattern', () => {
  const m = (pattern: unknown, event: unknown): boolean =>
    matchesPattern(pattern as EventPattern, event);

  it('exists true matches null and false but not an object or an empty array', () => {
    expect(m({ a: [{ exists: true }] }, { a: null })).toBe(true);
    expect(m({ a: [{ exists: true }] }, { a: false })).toBe(true);
    expect(m({ a: [{ exists: true }] }, { a: { b: 1 } })).toBe(false);
    expect(m({ a: [{ exists: true }] }, { a: [] })).toBe(false);
  });

  it('exists false matches when the parent object is missing entirely', () => {
    expect(m({ detail: { a: [{ exists: false }] } }, { other: 1 })).toBe(true);
  });

  it('anything-but matches when any array element is not excluded', () => {
    expect(m({ a: [{ 'anything-but': 'x' }] }, { a: ['x', 'y'] })).toBe(true);
    expect(m({ a: [{ 'anything-but': 'x' }] }, { a: ['x'] })).toBe(false);
  });

  it('anything-but pattern forms exclude strings only: numbers, booleans and null pass', () => {
    for (const form of [
      { prefix: 'x' },
      { suffix: ['x', 'y'] },
      { 'equals-ignore-case': 'x' },
      { wildcard: '*x*' },
    ]) {
      const pattern = { a: [{ 'anything-but': form }] };
      expect([5, true, null].map((a) => m(pattern, { a }))).toEqual([true, true, true]);
      expect(m(pattern, { a: 'x' })).toBe(false);
      expect(m(pattern, {})).toBe(false);
    }
  });

  it('matches a number literal against an array of numbers', () => {
    expect(m({ a: [3] }, { a: [1, 2, 3.0] })).toBe(true);
  });

  it('ignores inherited properties', () => {
    expect(m({ toString: [{ exists: true }] }, {})).toBe(false);
  });

  it('a nested pattern never matches a string value', () => {
    expect(m({ detail: { state: ['x'] } }, { detail: 'x' })).toBe(false);
  });

  it('an unknown operator never matches (unvalidated input)', () => {
    expect(m({ a: [{ nope: 'x' }] }, { a: 'x' })).toBe(false);
  });

  it('wildcards span newlines and treat regex characters literally', () => {
    expect(m({ a: [{ wildcard: 'a.*' }] }, { a: 'a.\nb' })).toBe(true);
    expect(m({ a: [{ wildcard: 'a.*' }] }, { a: 'ab' })).toBe(false);
  });

  it('cidr ignores non-addresses and the other IP family', () => {
    expect(m({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'not-an-ip' })).toBe(false);
    expect(m({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '::ffff:10.0.0.1' })).toBe(false);
  });

  it('reads a field from a nested key and a dotted key of the same object together', () => {
    const pattern = { a: { b: [1], c: [2] } };
    expect(m(pattern, { a: { b: 1 }, 'a.c': 2 })).toBe(true);
    expect(m(pattern, { a: { b: 1 }, 'a.c': 3 })).toBe(false);
  });

  it('consumes a dotted event key segment by segment', () => {
    expect(m({ a: { 'b.c': [1] } }, { 'a.b.c': 1 })).toBe(true);
    expect(m({ a: { b: { c: [1] } } }, { 'a.b': [{ c: 2 }, { c: 1 }] })).toBe(true);
    expect(m({ a: { b: { c: [1] } } }, { 'a.bc': 1 })).toBe(false);
  });

  it('treats a field reached only through a dotted key as an object, not a value', () => {
    expect(m({ a: [{ exists: false }] }, { 'a.b': 1 })).toBe(true);
    expect(m({ a: [{ exists: true }] }, { 'a.b': 1 })).toBe(false);
  });

  it('keeps empty segments of names that start or end with a dot', () => {
    expect(m({ 'a.': ['x'] }, { 'a.': 'x' })).toBe(true);
    expect(m({ 'a.': ['x'] }, { a: { '': 'x' } })).toBe(true);
    expect(m({ 'a.': ['x'] }, { a: 'x' })).toBe(false);
    expect(m({ '.a': ['x'] }, { '': { a: 'x' } })).toBe(true);
  });

  it('matches the conversation facts shape used by inactivity rules', () => {
    const facts = {
      conversationId: 'c1',
      messageType: 'webmessaging',
      queueId: 'q-sales',
      purposes: ['customer', 'agent'],
    };
    expect(m({ messageType: ['webmessaging'], purposes: ['agent'] }, facts)).toBe(true);
    expect(m({ messageType: ['sms'] }, facts)).toBe(false);
    expect(m({ divisionId: [{ exists: false }] }, facts)).toBe(true);
    expect(m({ queueId: [{ 'anything-but': ['q-vip'] }] }, facts)).toBe(true);
  });
});

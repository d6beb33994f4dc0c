import { extractJsonPath, parseJsonPath } from '../../../src/rules/json-path';

describe('parseJsonPath', () => {
  it.each([
    ['$', []],
    ['$.data.conversationId', ['data', 'conversationId']],
    ['$.items[0].id', ['items', 0, 'id']],
    ["$['x-y']", ['x-y']],
    ['$["a b"].c', ['a b', 'c']],
    ["$['it\\'s']", ["it's"]],
    ['$.a-b', ['a-b']],
    ['$[2][10]', [2, 10]],
  ])('parses %j', (expression, steps) => {
    expect(parseJsonPath(expression)).toEqual({ ok: true, steps });
  });

  it.each(['data.id', '$.', '$..id', '$.a[*]', '$.a[-1]', "$['unclosed", '$.a b', '$[?(@.x)]'])(
    'refuses %j with a readable problem',
    (expression) => {
      const parsed = parseJsonPath(expression);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.problem).toContain(JSON.stringify(expression));
        expect(parsed.problem).toContain('$.a.b');
      }
    },
  );
});

describe('extractJsonPath', () => {
  const body = {
    type: 'ticket.closed',
    data: { conversationId: 'c-1', tags: ['a', { id: 'deep' }], 'x-y': 7, nothing: null },
  };

  it('reads nested keys, indexes and quoted keys', () => {
    expect(extractJsonPath(body, '$.data.conversationId')).toBe('c-1');
    expect(extractJsonPath(body, '$.data.tags[0]')).toBe('a');
    expect(extractJsonPath(body, '$.data.tags[1].id')).toBe('deep');
    expect(extractJsonPath(body, "$.data['x-y']")).toBe(7);
    expect(extractJsonPath(body, '$.data.nothing')).toBeNull();
    expect(extractJsonPath(body, '$')).toBe(body);
  });

  it('returns undefined for missing steps and wrong shapes', () => {
    expect(extractJsonPath(body, '$.data.missing')).toBeUndefined();
    expect(extractJsonPath(body, '$.data.tags[5]')).toBeUndefined();
    expect(extractJsonPath(body, '$.data[0]')).toBeUndefined();
    expect(extractJsonPath(body, '$.data.tags.id')).toBeUndefined();
    expect(extractJsonPath(body, '$.type.length')).toBeUndefined();
    expect(extractJsonPath(null, '$.a')).toBeUndefined();
    expect(extractJsonPath(body, 'not a path')).toBeUndefined();
  });

  it('reads only own properties', () => {
    expect(extractJsonPath({}, '$.constructor')).toBeUndefined();
    expect(extractJsonPath({}, '$.__proto__')).toBeUndefined();
  });
});

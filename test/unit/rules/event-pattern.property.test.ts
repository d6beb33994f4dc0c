import fc from 'fast-check';
import { matchesPattern } from '../../../src/rules/event-pattern';
import type { EventPattern } from '../../../src/rules/event-pattern-types';
import { explainPattern } from '../../../src/rules/explain-pattern';
import { patternExplanationSchema } from '../../../src/rules/pattern-explanation';

/**
 * Properties over generated patterns and events. The vocabularies are small on purpose, so that
 * generated events often hold the fields and values generated patterns ask for and both verdicts
 * come up. Patterns are not validated: the matcher must behave on anything.
 */

const KEYS = ['a', 'b', 'c', 'a.b', 'b.c'];
const leafValue = fc.constantFrom<unknown>('x', 'xy', 'Xy', '', '10.0.0.7', 2, 7.5, true, null);

const matcher = fc.oneof(
  leafValue,
  fc.record({ prefix: fc.constantFrom('x', 'X', '') }),
  fc.record({ suffix: fc.constantFrom('y', '') }),
  fc.record({ prefix: fc.record({ 'equals-ignore-case': fc.constantFrom('x', 'XY') }) }),
  fc.record({ 'equals-ignore-case': fc.constantFrom('xy', 'X') }),
  fc.record({ wildcard: fc.constantFrom('x*', '*y', '*', 'x*y*') }),
  fc.record({
    'anything-but': fc.oneof(
      leafValue,
      fc.array(fc.constantFrom('x', 'xy'), { minLength: 1, maxLength: 2 }),
      fc.record({ prefix: fc.constantFrom('x', ['x', 'X']) }),
      fc.record({ suffix: fc.constantFrom('y', ['y', 'z']) }),
      fc.record({ 'equals-ignore-case': fc.constantFrom('XY', ['x', 'xy']) }),
      fc.record({ wildcard: fc.constantFrom('x*', ['*y', 'x']) }),
    ),
  }),
  fc.record({ numeric: fc.constantFrom(['>', 1], ['=', 2], ['>=', 1, '<', 7.5], ['<=', 0]) }),
  fc.record({ exists: fc.boolean() }),
  fc.record({ cidr: fc.constantFrom('10.0.0.0/24', '10.0.1.0/24') }),
);

const { pattern } = fc.letrec<{ pattern: Record<string, unknown>; spec: unknown }>((tie) => ({
  pattern: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'pattern' },
    {
      weight: 3,
      arbitrary: fc.dictionary(fc.constantFrom(...KEYS), tie('spec'), { minKeys: 1, maxKeys: 2 }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.dictionary(fc.constantFrom(...KEYS), tie('spec'), { maxKeys: 1 }),
          fc.array(tie('pattern'), { minLength: 2, maxLength: 3 }),
        )
        .map(([fields, branches]) => ({ ...fields, $or: branches })),
    },
  ),
  spec: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'pattern' },
    { weight: 3, arbitrary: fc.array(matcher, { minLength: 1, maxLength: 4 }) },
    { weight: 1, arbitrary: tie('pattern') },
  ),
}));

/** Events over `keys`; with plain keys only, the matcher reads them on its allocation-free path. */
const events = (keys: readonly string[]): fc.Arbitrary<Record<string, unknown>> =>
  fc.letrec<{ event: Record<string, unknown>; value: unknown }>((tie) => ({
    event: fc.dictionary(fc.constantFrom(...keys), tie('value'), { maxKeys: 5 }),
    value: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'event' },
      leafValue,
      leafValue,
      tie('event'),
      fc.array(fc.oneof(leafValue, tie('event')), { maxLength: 3 }),
    ),
  }))['event'];

const event = events(KEYS);
const plainEvent = events(['a', 'b', 'c']);

/**
 * Moves a nested object's fields into its parent as dotted keys (`{a: {b: 1}}` → `{"a.b": 1}`),
 * wherever `pick` says so and no key would collide. EventBridge reads both the same way. In a
 * pattern, lists are leaf lists (left alone) except under `$or`, whose branches are patterns, and
 * an object holding a `$or` stays an object.
 */
function dotted(value: unknown, pick: () => boolean, isPattern: boolean): unknown {
  if (Array.isArray(value)) {
    return isPattern ? value : value.map((item: unknown) => dotted(item, pick, false));
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (isPattern && key === '$or' && Array.isArray(inner)) {
      out[key] = inner.map((branch: unknown) => dotted(branch, pick, true));
      continue;
    }
    const child = dotted(inner, pick, isPattern);
    const fields =
      typeof child === 'object' && child !== null && !Array.isArray(child)
        ? Object.entries(child)
        : [];
    const flat = fields.map(([name, item]) => [`${key}.${name}`, item] as const);
    if (
      fields.length > 0 &&
      !(isPattern && fields.some(([name]) => name === '$or')) &&
      flat.every(([name]) => !(name in value) && !(name in out)) &&
      pick()
    ) {
      for (const [name, item] of flat) {
        out[name] = item;
      }
    } else if (!(key in out)) {
      out[key] = child;
    }
  }
  return out;
}

describe('explainPattern and matchesPattern (properties)', () => {
  it('are fed both verdicts, so the properties below are not vacuous', () => {
    const samples = fc.sample(fc.tuple(pattern, event), { numRuns: 1000, seed: 7 });
    const matched = samples.filter(([p, e]) => matchesPattern(p as EventPattern, e)).length;
    expect(matched).toBeGreaterThan(50);
    expect(matched).toBeLessThan(950);
  });

  it('always agree, and a match is exactly an explanation without failures', () => {
    fc.assert(
      fc.property(pattern, event, (p, e) => {
        const explanation = explainPattern(p as EventPattern, e);
        expect(explanation.matched).toBe(matchesPattern(p as EventPattern, e));
        expect(explanation.failures.length === 0).toBe(explanation.matched);
        expect(patternExplanationSchema.safeParse(explanation).success).toBe(true);
      }),
      { numRuns: 4000 },
    );
  });

  it('match the same whether event fields are nested or dotted', () => {
    fc.assert(
      fc.property(pattern, plainEvent, fc.infiniteStream(fc.boolean()), (p, e, coins) => {
        const flat = dotted(e, () => coins.next().value as boolean, false);
        expect(matchesPattern(p as EventPattern, flat)).toBe(matchesPattern(p as EventPattern, e));
      }),
      { numRuns: 2000 },
    );
  });

  it('match the same whether pattern fields are nested or dotted', () => {
    fc.assert(
      fc.property(pattern, event, fc.infiniteStream(fc.boolean()), (p, e, coins) => {
        const flat = dotted(p, () => coins.next().value as boolean, true);
        expect(matchesPattern(flat as EventPattern, e)).toBe(matchesPattern(p as EventPattern, e));
      }),
      { numRuns: 2000 },
    );
  });
});

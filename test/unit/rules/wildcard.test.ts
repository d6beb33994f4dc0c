import fc from 'fast-check';
import { matchesWildcard, wildcardPieces, wildcardProblem } from '../../../src/rules/wildcard';
import {
  MAX_WILDCARD_COMPLEXITY,
  wildcardComplexity,
} from '../../../src/rules/wildcard-complexity';

describe('wildcardPieces', () => {
  it('splits at unescaped stars and resolves escapes', () => {
    expect(wildcardPieces('a*b\\*c*')).toEqual(['a', 'b*c', '']);
    expect(wildcardPieces('\\\\*x')).toEqual(['\\', 'x']);
    expect(wildcardPieces('plain')).toEqual(['plain']);
  });
});

describe('matchesWildcard', () => {
  it('anchors both ends and lets * match nothing', () => {
    expect(matchesWildcard('Simple*Service', 'SimpleService')).toBe(true);
    expect(matchesWildcard('Simple*Service', 'SimpleServices')).toBe(false);
    expect(matchesWildcard('*.png', 'a.png.txt')).toBe(false);
    expect(matchesWildcard('ab*ba', 'aba')).toBe(false);
  });

  it('finds middle pieces in order without overlapping the ends', () => {
    expect(matchesWildcard('a*b*c', 'axbyc')).toBe(true);
    expect(matchesWildcard('a*c*b', 'axbyc')).toBe(false);
    expect(matchesWildcard('*ab*ab', 'xab')).toBe(false);
  });

  it('answers on a long value that would make a backtracking RegExp crawl', () => {
    const value = ':'.repeat(20_000);
    // A `.*` RegExp for this wildcard backtracks polynomially on such input.
    expect(matchesWildcard('*:*:*:*:*:event-bus/*', value)).toBe(false);
  });

  // Reference: the same wildcard as an anchored RegExp with `.*` for each star.
  const asRegExp = (value: string): RegExp =>
    new RegExp(
      `^${wildcardPieces(value)
        .map((piece) => piece.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
        .join('.*')}$`,
      's',
    );

  it('agrees with a RegExp reference on generated wildcards and texts', () => {
    const char = fc.constantFrom('a', 'b', '*', '\\*', '.', '\n');
    const wildcard = fc
      .array(char, { maxLength: 8 })
      .map((chars) => chars.join(''))
      .filter((value) => wildcardProblem(value) === undefined);
    const text = fc
      .array(fc.constantFrom('a', 'b', '*', '.', '\n'), { maxLength: 12 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(wildcard, text, (value, input) => {
        expect(matchesWildcard(value, input)).toBe(asRegExp(value).test(input));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('wildcardComplexity', () => {
  // Expected values from aws/event-ruler's MachineComplexityEvaluatorTest (the largest number of
  // pattern prefixes one input can match at once), which define the measure.
  it.each<[string[], number]>([
    [['*'], 1],
    [['*aa'], 3],
    [['a*b*bb'], 5],
    [['*ab*b*b*'], 7],
    [['*a*a*a*a*a*a*a*a*'], 17],
    [['a*aaa', 'aa*aa'], 7],
    [['ab*cd', 'ab*wx', 'ab*yz'], 6],
    [['ab*c', 'ab*c'], 2],
    [['abc'], 1],
  ])('%j has complexity %i', (values, expected) => {
    expect(wildcardComplexity(values, 100)).toBe(expected);
  });

  it('stops at the cap', () => {
    expect(wildcardComplexity(['*a*a*a*a*a*a*a*a*'])).toBe(MAX_WILDCARD_COMPLEXITY + 1);
  });

  it('reads non-ASCII letters (as UTF-8 bytes, like event-ruler) without extra prefixes', () => {
    expect(wildcardComplexity(['*é'], 100)).toBe(2);
    expect(wildcardComplexity(['*éé'], 100)).toBe(3);
  });
});

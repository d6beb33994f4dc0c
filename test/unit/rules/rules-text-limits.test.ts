import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRules, MAX_LISTED_PROBLEMS } from '../../../src/rules/analyze-rules';
import {
  MAX_RULES_NESTING,
  MAX_RULES_TEXT_BYTES,
  rulesTextLimitProblem,
} from '../../../src/rules/rules-text-limits';

/**
 * Rules text over the size or nesting limit is refused before the YAML parser runs (deep nesting
 * overflowed its stack, and could abort the process), and garbage text is judged in linear time
 * with a bounded list of problems.
 */

const shipped = readFileSync(join(__dirname, '../../../config/rules.yaml'), 'utf8');

const codesOf = (text: string): string[] => analyzeRules(text).diagnostics.map((d) => d.code);

/** Wall time of `run` in ms. */
function timed(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

describe('rules text limits', () => {
  it('leaves the shipped rules file alone', () => {
    expect(rulesTextLimitProblem(shipped)).toBeUndefined();
    expect(analyzeRules(shipped).config).toBeDefined();
  });

  it('refuses text over the size limit, counted in UTF-8 bytes', () => {
    const head = 'rules: []\n# ';
    const atLimit = `${head}${'x'.repeat(MAX_RULES_TEXT_BYTES - head.length)}`;
    expect(Buffer.byteLength(atLimit)).toBe(MAX_RULES_TEXT_BYTES);
    expect(rulesTextLimitProblem(atLimit)).toBeUndefined();
    // One character more, as a 2-byte one: over by bytes, not by characters.
    const over = `${atLimit.slice(0, -1)}é`;
    expect(over.length).toBe(MAX_RULES_TEXT_BYTES);
    expect(rulesTextLimitProblem(over)?.code).toBe('RULES_TOO_LARGE');
    const [diagnostic] = analyzeRules(over).diagnostics;
    expect(diagnostic).toMatchObject({ severity: 'error', code: 'RULES_TOO_LARGE', line: 1 });
    expect(diagnostic?.message).toContain(`limit is ${MAX_RULES_TEXT_BYTES} bytes`);
  });

  it.each([
    ['flow lists', (n: number) => `rules: ${'['.repeat(n)}${']'.repeat(n)}`],
    ['flow mappings', (n: number) => `rules: ${'{a: '.repeat(n)}1${'}'.repeat(n)}`],
    ['compact block lists', (n: number) => `rules:\n${'- '.repeat(n)}x\n`],
    [
      'indented block mappings',
      (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
    ],
    [
      'lists inside mappings, one indentation step per two levels',
      (n: number) =>
        Array.from({ length: Math.ceil(n / 2) }, (_, i) => `${'  '.repeat(i)}- k${i}:`).join('\n'),
    ],
  ])('refuses %s nested past the limit and accepts shallower ones', (_name, nest) => {
    expect(rulesTextLimitProblem(nest(10))).toBeUndefined();
    expect(rulesTextLimitProblem(nest(2 * MAX_RULES_NESTING + 2))?.code).toBe('RULES_TOO_DEEP');
    expect(codesOf(nest(2 * MAX_RULES_NESTING + 2))).toEqual(['RULES_TOO_DEEP']);
  });

  it('places the refusal at the first token too deep', () => {
    const text = `dryRun: false\nrules: ${'['.repeat(100)}`;
    const [diagnostic] = analyzeRules(text).diagnostics;
    expect(diagnostic).toMatchObject({ code: 'RULES_TOO_DEEP', line: 2 });
    // `rules` is at depth 1 and its `:` adds one, so the 63rd `[` is the 65th level.
    expect(diagnostic?.column).toBe('rules: '.length + MAX_RULES_NESTING - 1);
  });

  it('does not count brackets inside quotes, comments or block scalars', () => {
    const brackets = '['.repeat(200);
    const text = [
      `a: "${brackets}"`,
      `b: '${brackets}'`,
      `# ${brackets}`,
      `c: |\n  ${brackets}`,
      `d: x${brackets}`,
      `e: ["${']'.repeat(200)}", [[x]]]`,
    ].join('\n');
    expect(rulesTextLimitProblem(text)).toBeUndefined();
    // A quoted `]` does not close a level: nesting hidden behind quoted brackets is still seen.
    const hidden = `rules: ${'[ "]", '.repeat(100)}${']'.repeat(100)}`;
    expect(rulesTextLimitProblem(hidden)?.code).toBe('RULES_TOO_DEEP');
  });

  it('refuses nesting built with aliases once they are expanded', () => {
    const deep = (inner: string): string => `${'['.repeat(30)}${inner}${']'.repeat(30)}`;
    const text = [
      `a0: &a0 ${deep('x')}`,
      `a1: &a1 ${deep('*a0')}`,
      `a2: &a2 ${deep('*a1')}`,
      'rules: *a2',
    ].join('\n');
    expect(rulesTextLimitProblem(text)).toBeUndefined();
    expect(codesOf(text)).toEqual(['RULES_TOO_DEEP']);
  });

  it(`lists at most ${MAX_LISTED_PROBLEMS} problems, then how many more`, () => {
    const analysis = analyzeRules(`[${','.repeat(5000)}]`);
    expect(analysis.diagnostics).toHaveLength(MAX_LISTED_PROBLEMS + 1);
    expect(analysis.diagnostics[0]).toMatchObject({ code: 'RULES_YAML_SYNTAX', line: 1 });
    expect(analysis.diagnostics[MAX_LISTED_PROBLEMS]).toMatchObject({
      severity: 'error',
      code: 'RULES_TOO_MANY_PROBLEMS',
    });
    expect(analysis.diagnostics[MAX_LISTED_PROBLEMS]?.message).toMatch(/^\d+ more problems/);
    const unknown = Array.from({ length: 500 }, (_, i) => `k${i}: 1`).join('\n');
    const codes = codesOf(`rules: []\n${unknown}`);
    expect(codes).toHaveLength(MAX_LISTED_PROBLEMS + 1);
    expect(codes.at(-1)).toBe('RULES_TOO_MANY_PROBLEMS');
  });

  it('reports duplicate keys in flow and block mappings, with their place', () => {
    const diagnostics = analyzeRules('rules: []\nx: { a: 1, b: 2, a: 3 }\nrules: []\n').diagnostics;
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ['RULES_YAML_SYNTAX', 2, 18, 'YAML: Map keys must be unique'],
      ['RULES_YAML_SYNTAX', 3, 1, 'YAML: Map keys must be unique'],
    ]);
    // Equal by value and type: the number 1 and the string "1" are different keys.
    expect(codesOf('rules: []\nx: { 1: a, "1": b }\n')).not.toContain('RULES_YAML_SYNTAX');
  });

  it('judges worst-case text at the size limit in linear time', () => {
    const fill = (unit: string): string =>
      unit.repeat(Math.floor((MAX_RULES_TEXT_BYTES - 16) / unit.length));
    const cases = [
      `[${fill(',')}]`,
      `rules: []\n${fill('k: 1\n')}`,
      Array.from({ length: 12_000 }, (_, i) => `k${i}: 1`).join('\n'),
      `[${fill('[],')}]`,
    ];
    for (const text of cases) {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_RULES_TEXT_BYTES);
      let diagnostics = 0;
      // Quadratic versions took from 20 s to minutes here; linear ones take about a second.
      const ms = timed(() => {
        diagnostics = analyzeRules(text).diagnostics.length;
      });
      expect(diagnostics).toBeLessThanOrEqual(MAX_LISTED_PROBLEMS + 1);
      expect(ms).toBeLessThan(15_000);
    }
  }, 90_000);
});

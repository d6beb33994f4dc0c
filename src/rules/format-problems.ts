import type { z } from 'zod';
import type { LineCounter, YAMLError } from 'yaml';
import { DURATION_ISSUE } from '../config/durations';
import { didYouMean } from './did-you-mean';
import { isPlainObject } from './event-pattern-types';
import { RULES_DIAGNOSTIC_CODES } from './rules-diagnostic';
import type { RulesDiagnostic, RulesDiagnosticCode, RulesSeverity } from './rules-diagnostic';
import { knownKeysAt } from './schema-keys';

/**
 * Turns zod issues and YAML errors into problems ops can read and find: each with the path it is
 * about (`rules[0].idle.after`), a stable code, and a message such as `"20 minutes" is not a
 * duration (use 90s, 20m, 1h)`; `analyze-rules.ts` places them in the file.
 */

/**
 * Error map passed to `safeParse`: replaces zod's generic texts ("Invalid input: expected string,
 * received undefined") with shorter ones. Schema-level messages (durations, patterns) win over it.
 */
export function rulesErrorMap(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) {
        return 'is required';
      }
      return `expected ${article(issue.expected)}, got ${show(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${show(issue.values[0])}, got ${show(issue.input)}`
        : `must be one of ${issue.values.map(show).join(', ')}; got ${show(issue.input)}`;
    default:
      return undefined;
  }
}

/** A problem found in the parsed data, not yet placed in the file. */
export interface PathProblem {
  path: Array<string | number>;
  /** Place it at the key (an unknown or misspelt name), not at the value. */
  atKey?: boolean;
  severity: RulesSeverity;
  code: RulesDiagnosticCode;
  message: string;
}

/**
 * One problem per issue; an unknown key gets its own problem at the key, with "did you mean"
 * from the settings `schema` allows there. Custom issues carry their code in `params.code`.
 * @param data the parsed file, to follow unions (a rule's `kind`) when naming known settings.
 */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  data: unknown,
): PathProblem[] {
  const problems: PathProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter(
      (step): step is string | number => typeof step === 'string' || typeof step === 'number',
    );
    if (issue.code === 'invalid_union') {
      // A union of shapes (`warn`: one warning or a list): the branch the value has the shape of
      // holds the real problems; report them at their own paths, not "invalid input" here.
      const fitting = issue.errors.filter(
        (branch) =>
          !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
      );
      const [branch] = fitting;
      if (fitting.length === 1 && branch !== undefined) {
        problems.push(
          ...problemsFromIssues(
            branch.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })),
            schema,
            data,
          ),
        );
        continue;
      }
    }
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, data, path);
      for (const key of issue.keys) {
        problems.push({
          path: [...path, key],
          atKey: true,
          severity: 'error',
          code: 'RULES_UNKNOWN_SETTING',
          message: `unknown setting${didYouMean(key, known)}${known.length === 0 ? '' : ` (known here: ${known.join(', ')})`}`,
        });
      }
      continue;
    }
    const params: unknown = issue.code === 'custom' ? issue.params : undefined;
    problems.push({
      path,
      ...(isPlainObject(params) && params.atKey === true ? { atKey: true } : {}),
      severity: 'error',
      code: codeOf(issue, params),
      message: issue.message,
    });
  }
  return problems;
}

function codeOf(issue: z.core.$ZodIssue, params: unknown): RulesDiagnosticCode {
  const named = isPlainObject(params) ? params.code : undefined;
  if (named === DURATION_ISSUE.invalid) {
    return 'RULES_INVALID_DURATION';
  }
  if (named === DURATION_ISSUE.outOfRange) {
    return 'RULES_DURATION_OUT_OF_RANGE';
  }
  if (typeof named === 'string' && Object.hasOwn(RULES_DIAGNOSTIC_CODES, named)) {
    return named as RulesDiagnosticCode;
  }
  switch (issue.code) {
    case 'invalid_type':
      return 'RULES_INVALID_TYPE';
    case 'invalid_value':
    case 'invalid_union':
      return 'RULES_INVALID_VALUE';
    default:
      return 'RULES_INVALID';
  }
}

/** A YAML syntax error, placed where the parser found it (`lineCounter`: the parse's own). */
export function yamlErrorDiagnostic(error: YAMLError, lineCounter: LineCounter): RulesDiagnostic {
  const [firstLine = error.message] = error.message.split('\n');
  const message = firstLine.replace(/ at line \d+, column \d+:?$/, '');
  const position = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
  return {
    severity: 'error',
    code: 'RULES_YAML_SYNTAX',
    path: '',
    message: `YAML: ${message}`,
    line: position.line,
    column: position.col,
  };
}

function article(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      return 'text';
    case 'boolean':
      return 'true or false';
    default:
      return `a ${expected}`;
  }
}

function show(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object' && value !== null) {
    return 'a mapping';
  }
  try {
    // JSON.stringify returns undefined for functions and symbols despite its declared type.
    return JSON.stringify(value) || typeof value;
  } catch {
    return typeof value;
  }
}

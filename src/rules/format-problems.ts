import type { z } from 'zod';
import type { YAMLError } from 'yaml';
import { formatPath } from './event-pattern-validate';

/**
 * Turns zod issues and YAML errors into the one-line-per-problem form ops read:
 * `rules[0].idle.after: "20 minutes" is not a duration (use 90s, 20m, 1h)`.
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

/** A problem as a line of text plus the path it is about (used to sort problems in file order). */
export interface LocatedProblem {
  path: Array<string | number>;
  text: string;
}

/** One line per issue; an unknown key gets its own line at its own path. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter(
      (step): step is string | number => typeof step === 'string' || typeof step === 'number',
    );
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const at = [...path, key];
        problems.push({ path: at, text: `${formatPath(at)}: unknown setting` });
      }
      continue;
    }
    problems.push({
      path,
      text: path.length === 0 ? issue.message : `${formatPath(path)}: ${issue.message}`,
    });
  }
  return problems;
}

/** `line 3, column 5: Map keys must be unique` from a YAML parse error. */
export function formatYamlError(error: YAMLError): string {
  const [firstLine = error.message] = error.message.split('\n');
  const message = firstLine.replace(/ at line \d+, column \d+:?$/, '');
  const position = error.linePos?.[0];
  return position === undefined
    ? `YAML: ${message}`
    : `line ${position.line}, column ${position.col}: ${message}`;
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

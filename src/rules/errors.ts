import { CloserError, type ErrorAnswerTable } from '../errors';
import { formatDiagnostic } from './rules-diagnostic';
import type { RulesDiagnostic } from './rules-diagnostic';

/**
 * A rules file was refused. `diagnostics` holds every error, each located in the file;
 * `problems` the same as compiler-style lines (`config/rules.yaml:14:7: error:
 * rules[0].idle.after: "20 minutes" is not a duration (use 90s, 20m, 1h)`). The message repeats
 * them under a one-line summary, so logging the error is enough for ops to fix the file.
 */
export class RulesValidationError extends CloserError {
  /** One line per problem, in file order. */
  readonly problems: readonly string[];
  /** The problems, structured (line, column, path, severity, code, message). */
  readonly diagnostics: readonly RulesDiagnostic[];
  /** Where the rules came from (a file path, or a label such as `<inline>`). */
  readonly origin: string;

  constructor(
    origin: string,
    diagnostics: readonly RulesDiagnostic[],
    options: { cause?: unknown } = {},
  ) {
    const problems = diagnostics.map((diagnostic) => formatDiagnostic(origin, diagnostic));
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      'RULES_INVALID',
      `Rules file ${origin} was refused (${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { ...options, details: { origin, problems, diagnostics: [...diagnostics] } },
    );
    this.problems = Object.freeze(problems);
    this.diagnostics = Object.freeze([...diagnostics]);
    this.origin = origin;
  }
}

/** How closer's HTTP API answers a refused rules file (`POST /v1/rules/validate`, …). */
export const RULES_ERRORS = {
  RULES_INVALID: { status: 422, retryable: false },
} as const satisfies ErrorAnswerTable;

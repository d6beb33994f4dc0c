import { CloserError, type ErrorAnswerTable } from '../errors';

/**
 * A rules file was refused. `problems` holds one readable line per problem, each naming where in
 * the file it is (`rules[0].idle.after: "20 minutes" is not a duration (use 90s, 20m, 1h)`, or
 * `line 3, column 5: …` for YAML syntax). The message repeats them under a one-line summary, so
 * logging the error is enough for ops to fix the file.
 */
export class RulesValidationError extends CloserError {
  /** One line per problem, in file order where known. */
  readonly problems: readonly string[];
  /** Where the rules came from (a file path, or a label such as `<inline>`). */
  readonly origin: string;

  constructor(origin: string, problems: readonly string[], options: { cause?: unknown } = {}) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      'RULES_INVALID',
      `Rules file ${origin} was refused (${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { ...options, details: { origin, problems: [...problems] } },
    );
    this.problems = Object.freeze([...problems]);
    this.origin = origin;
  }
}

/** How closer's HTTP API answers a refused rules file (`POST /v1/rules/validate`, …). */
export const RULES_ERRORS = {
  RULES_INVALID: { status: 422, retryable: false },
} as const satisfies ErrorAnswerTable;

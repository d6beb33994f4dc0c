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

/** Stable codes of {@link ScheduleGroupError}. */
export type ScheduleGroupErrorCode =
  /** The group or one of its schedules uses what closer does not interpret (docs/genesys/facts.md §15). */
  | 'SCHEDULE_GROUP_UNSUPPORTED'
  /** Genesys answered 404 for the group or one of its schedules. */
  | 'SCHEDULE_GROUP_NOT_FOUND'
  /** The OAuth client lacks a permission to read the group or its schedules. */
  | 'SCHEDULE_GROUP_FORBIDDEN'
  /** Genesys could not be read (network, 5xx, rate limit, token): tried again later. */
  | 'SCHEDULE_GROUP_UNAVAILABLE';

/**
 * A schedule taken from a Genesys schedule group (`schedules.<name>.genesysScheduleGroupId`)
 * cannot be used; the message names the rules-file schedule, the group and why. `details`:
 * `schedule` (the rules-file name), `scheduleGroupId`, and for a missing permission
 * `missingPermissions`.
 */
export class ScheduleGroupError extends CloserError {
  declare readonly code: ScheduleGroupErrorCode;

  constructor(
    code: ScheduleGroupErrorCode,
    message: string,
    details: Record<string, unknown>,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, { ...options, details });
  }
}

/** How closer's HTTP API answers a refused rules file (`POST /v1/rules/validate`, …). */
export const RULES_ERRORS = {
  RULES_INVALID: { status: 422, retryable: false },
} as const satisfies ErrorAnswerTable;

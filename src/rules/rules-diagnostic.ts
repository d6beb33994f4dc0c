/**
 * One finding about a rules file, located in the file, as `closer rules check`, hot reload and
 * `closer doctor` report it: `config/rules.yaml:14:7: error: rules[0].match.queueID: …`.
 *
 * Terminology: an *error* refuses the file (check exits 2, hot reload keeps the rules in force);
 * a *warning* is valid but probably not what was meant, and never refuses anything.
 */

/** `error` refuses the file; `warning` does not. */
export type RulesSeverity = 'error' | 'warning';

/**
 * Every diagnostic code, with what it means. Scripts match on the code, never on the message.
 * `RULES_*` come from the file alone; `ORG_*` from the online checks against the Genesys org.
 */
export const RULES_DIAGNOSTIC_CODES = {
  RULES_UNREADABLE: 'error: the file cannot be read',
  RULES_YAML_SYNTAX: 'error: the file is not valid YAML',
  RULES_TOO_LARGE: 'error: the text is over the size limit (MAX_RULES_TEXT_BYTES, 128 KiB)',
  RULES_TOO_DEEP: 'error: the text nests deeper than the limit (MAX_RULES_NESTING, 64 levels)',
  RULES_TOO_MANY_PROBLEMS: 'error (or warning): more problems than are listed (the first 100 are)',
  RULES_EMPTY: 'error: the file is empty',
  RULES_NOT_A_MAPPING: 'error: the file is not a YAML mapping',
  RULES_UNKNOWN_SETTING: 'error: a key the schema does not know (with "did you mean")',
  RULES_INVALID_TYPE: 'error: a value of the wrong type',
  RULES_INVALID_VALUE: 'error: a value outside the allowed ones',
  RULES_INVALID_DURATION: 'error: text that is not a duration',
  RULES_DURATION_OUT_OF_RANGE: 'error: a duration outside the bounds of docs (The rules file)',
  RULES_DUPLICATE_ID: 'error: two rules with the same id',
  RULES_UNKNOWN_FACT: 'error: an inactivity rule matches a fact closer does not build',
  RULES_FACT_SHAPE: 'error: a fact matched as an object although it holds a value',
  RULES_FACT_VALUE_CASE: 'error: an upper-case value for a fact closer lower-cases',
  RULES_FACT_VALUE_TYPO: 'error: a fact value one typo away from a known value',
  RULES_MATCH_NEVER_TRUE: 'error: a match no message conversation can satisfy',
  RULES_NOT_A_UUID: 'error: a Genesys id (queue, division, wrap-up code, …) that is not a UUID',
  RULES_PLACEHOLDER_ID: 'error: a placeholder id from an example, not replaced',
  RULES_WARNINGS_ORDER: 'error: staged warnings whose `before` is not strictly descending',
  RULES_MESSAGE_TOO_LONG: 'error: a message longer than every reachable channel accepts',
  RULES_INVALID: 'error: any other schema problem (pattern syntax, cross-field rules, …)',
  RULES_MESSAGE_TOO_LONG_FOR_SOME: 'warning: a message longer than some reachable channels accept',
  RULES_UNKNOWN_FACT_VALUE: 'warning: a fact value Genesys is not known to use',
  RULES_SECRET_UNSET: 'warning: a secret variable is not set where the check ran',
  RULES_COUNTS_QUEUE_WAIT: 'warning: customer silence counted while waiting in queue',
  RULES_EVENT_WITHOUT_TIME: 'warning: an event rule without eventTime',
  ORG_QUEUE_NOT_FOUND:
    'error: a queue the rules name does not exist in the org (a warning inside anything-but)',
  ORG_WRAPUP_CODE_NOT_FOUND: 'error: a wrap-up code the rules name does not exist in the org',
  ORG_TRANSFER_QUEUE_NOT_FOUND: 'error: a queue a transfer rule moves chats to does not exist',
  ORG_TRANSFER_FORBIDDEN:
    "error: a rule transfers, and the OAuth client's roles lack conversation:communication:blindTransfer",
  ORG_QUEUE_TIMER_ON: "warning: a queue's own message inactivity timer races a rule",
  ORG_MESSENGER_DISCONNECT_OFF: 'warning: a Messenger deployment hides the end of a chat',
  ORG_SCHEDULE_GROUP_NOT_FOUND:
    'error: a schedule group the rules take hours from does not exist in the org (or a schedule it names)',
  ORG_SCHEDULE_GROUP_UNREADABLE:
    'error: the OAuth client lacks a permission to read a schedule group the rules take hours from',
  ORG_SCHEDULE_GROUP_UNSUPPORTED:
    'error: a schedule group the rules take hours from uses what closer does not interpret (docs/genesys/facts.md §15)',
} as const satisfies Record<string, string>;

/** A stable diagnostic code (see {@link RULES_DIAGNOSTIC_CODES}). */
export type RulesDiagnosticCode = keyof typeof RULES_DIAGNOSTIC_CODES;

/** A located finding. `line`/`column` are 1-based; absent when it has no place in the file. */
export interface RulesDiagnostic {
  severity: RulesSeverity;
  code: RulesDiagnosticCode;
  /** Where in the file, e.g. `rules[0].match.queueID`; `''` for the file as a whole. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/**
 * The compiler-style line: `file:line:col: severity: path: message` (`file: severity: …` when
 * the finding has no position).
 */
export function formatDiagnostic(origin: string, diagnostic: RulesDiagnostic): string {
  const where =
    diagnostic.line === undefined
      ? origin
      : `${origin}:${diagnostic.line}:${diagnostic.column ?? 1}`;
  const what =
    diagnostic.path === '' ? diagnostic.message : `${diagnostic.path}: ${diagnostic.message}`;
  return `${where}: ${diagnostic.severity}: ${what}`;
}

/** The diagnostic as `--json` prints it: every key present, `null` where there is no position. */
export function diagnosticJson(
  origin: string,
  diagnostic: RulesDiagnostic,
): Record<string, string | number | null> {
  return {
    file: origin,
    line: diagnostic.line ?? null,
    column: diagnostic.column ?? null,
    path: diagnostic.path,
    severity: diagnostic.severity,
    code: diagnostic.code,
    message: diagnostic.message,
  };
}

/** True for a diagnostic that refuses the file. */
export function isError(diagnostic: RulesDiagnostic): boolean {
  return diagnostic.severity === 'error';
}

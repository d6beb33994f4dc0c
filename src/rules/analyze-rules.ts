import { LineCounter, parseDocument } from 'yaml';
import { formatPath } from './event-pattern-validate';
import { problemsFromIssues, rulesErrorMap, yamlErrorDiagnostic } from './format-problems';
import type { PathProblem } from './format-problems';
import { rulesFileSchema } from './rules-schema';
import type { RulesConfig } from './rules-schema';
import { rulesWarnings } from './rules-warnings';
import type { RulesDiagnostic } from './rules-diagnostic';
import { locator } from './yaml-locations';
import type { Locate } from './yaml-locations';

/**
 * Reads rules file text into the validated config and every diagnostic, each placed at its line
 * and column: YAML syntax, the schema (which refuses anything that can never fire), then the
 * warnings of a valid file. One function, so `closer rules check`, hot reload, start-up and
 * `POST /v1/rules/validate` judge a file alike.
 */

/** What {@link analyzeRules} found. */
export interface RulesAnalysis {
  /** The validated config; undefined when any diagnostic is an error. */
  config: RulesConfig | undefined;
  /** Errors and warnings, in file order. */
  diagnostics: RulesDiagnostic[];
  /** Places a path of the config in the file (for findings made later, e.g. online). */
  locate: Locate;
}

/**
 * Analyzes rules file text (YAML). Never throws for bad input.
 * @param env when given, warns about secret variables unset in it (see `rulesWarnings`).
 */
export function analyzeRules(text: string, env?: NodeJS.ProcessEnv): RulesAnalysis {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  const locate = locator(document, lineCounter);
  const whole = (code: RulesDiagnostic['code'], message: string): RulesAnalysis => ({
    config: undefined,
    diagnostics: [{ severity: 'error', code, path: '', message, line: 1, column: 1 }],
    locate,
  });
  if (document.errors.length > 0) {
    return { config: undefined, diagnostics: document.errors.map(yamlErrorDiagnostic), locate };
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch (thrown: unknown) {
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    return whole('RULES_YAML_SYNTAX', `YAML: ${reason}`);
  }
  if (data === null || data === undefined) {
    return whole('RULES_EMPTY', 'the file is empty: it needs at least `rules:`');
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    return whole(
      'RULES_NOT_A_MAPPING',
      'the file must be a YAML mapping with `rules:` (and optionally `dryRun:` and `sources:`)',
    );
  }
  const result = rulesFileSchema.safeParse(data, { error: rulesErrorMap });
  const problems = result.success
    ? rulesWarnings(result.data, env)
    : problemsFromIssues(result.error.issues, rulesFileSchema, data);
  return {
    config: result.success ? result.data : undefined,
    diagnostics: placeAll(problems, locate),
    locate,
  };
}

/** Places each problem in the file, in file order (ties keep their order). */
export function placeAll(problems: readonly PathProblem[], locate: Locate): RulesDiagnostic[] {
  return problems
    .map((problem, index) => ({
      problem,
      index,
      position: locate(problem.path, { atKey: problem.atKey === true }),
    }))
    .sort((a, b) => a.position.offset - b.position.offset || a.index - b.index)
    .map(({ problem, position }) => ({
      severity: problem.severity,
      code: problem.code,
      path: formatPath(problem.path),
      message: problem.message,
      line: position.line,
      column: position.column,
    }));
}

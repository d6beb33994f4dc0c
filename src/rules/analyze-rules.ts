import { isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { Document } from 'yaml';
import { formatPath } from './event-pattern-validate';
import { problemsFromIssues, rulesErrorMap, yamlErrorDiagnostic } from './format-problems';
import type { PathProblem } from './format-problems';
import { rulesFileSchema } from './rules-schema';
import type { RulesConfig } from './rules-schema';
import { rulesWarnings } from './rules-warnings';
import type { RulesDiagnostic } from './rules-diagnostic';
import { MAX_RULES_NESTING, rulesTextLimitProblem } from './rules-text-limits';
import { locator } from './yaml-locations';
import type { FilePosition, Locate } from './yaml-locations';

/**
 * Reads rules file text into the validated config and every diagnostic, each placed at its line
 * and column: the size and nesting limits (before any parsing), YAML syntax, the schema (which
 * refuses anything that can never fire), then the warnings of a valid file. One function, so
 * `closer rules check`, hot reload, start-up and `POST /v1/rules/validate` judge a file alike.
 */

/**
 * Most diagnostics listed for one text: the first 100 in file order (YAML errors) or data order
 * (the schema), then one `RULES_TOO_MANY_PROBLEMS` saying how many more there are. Garbage text
 * has one problem per character; listing them all made answers of megabytes.
 */
export const MAX_LISTED_PROBLEMS = 100;

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
  const limit = rulesTextLimitProblem(text);
  if (limit !== undefined) {
    const position = positionIn(text, limit.offset);
    return {
      config: undefined,
      diagnostics: [
        {
          severity: 'error',
          code: limit.code,
          path: '',
          message: limit.message,
          line: position.line,
          column: position.column,
        },
      ],
      locate: () => ({ line: 1, column: 1, offset: 0 }),
    };
  }
  const lineCounter = new LineCounter();
  // prettyErrors copies the line around each error, and the package's own uniqueKeys compares
  // every key with every other: both quadratic (a 128 KiB text took minutes). Keys are checked
  // below instead, in one pass.
  const document = parseWithoutStacks(() =>
    parseDocument(text, { prettyErrors: false, uniqueKeys: false, lineCounter }),
  );
  const locate = locator(document, lineCounter);
  const whole = (code: RulesDiagnostic['code'], message: string): RulesAnalysis => ({
    config: undefined,
    diagnostics: [{ severity: 'error', code, path: '', message, line: 1, column: 1 }],
    locate,
  });
  const syntax = [
    ...document.errors.map((error) => ({ offset: error.pos[0], error })),
    ...duplicateKeyOffsets(document).map((offset) => ({ offset, error: undefined })),
  ];
  if (syntax.length > 0) {
    const listed = syntax
      .sort((a, b) => a.offset - b.offset)
      .slice(0, MAX_LISTED_PROBLEMS)
      .map(({ offset, error }) =>
        error === undefined
          ? duplicateKeyDiagnostic(lineCounter.linePos(offset))
          : yamlErrorDiagnostic(error, lineCounter),
      );
    return { config: undefined, diagnostics: withCountOfRest(listed, syntax.length), locate };
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
  if (nestsDeeperThan(data, MAX_RULES_NESTING)) {
    // Only aliases get here (the text itself was within the limit): `*a` inside `&b [...]`
    // inside `&c [...]` nests the copies.
    return whole(
      'RULES_TOO_DEEP',
      `the rules nest deeper than ${MAX_RULES_NESTING} levels once aliases are expanded`,
    );
  }
  const result = rulesFileSchema.safeParse(data, { error: rulesErrorMap });
  const problems = result.success
    ? rulesWarnings(result.data, env)
    : problemsFromIssues(result.error.issues, rulesFileSchema, data);
  return {
    config: result.success ? result.data : undefined,
    diagnostics: withCountOfRest(
      placeAll(problems.slice(0, MAX_LISTED_PROBLEMS), locate),
      problems.length,
    ),
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

/** `listed`, plus one `RULES_TOO_MANY_PROBLEMS` when `total` is more than were listed. */
function withCountOfRest(listed: RulesDiagnostic[], total: number): RulesDiagnostic[] {
  if (total <= listed.length) {
    return listed;
  }
  const more = total - listed.length;
  const refused = listed.some((diagnostic) => diagnostic.severity === 'error');
  return [
    ...listed,
    {
      severity: refused ? 'error' : 'warning',
      code: 'RULES_TOO_MANY_PROBLEMS',
      path: '',
      message: `${more} more problem${more === 1 ? '' : 's'} not listed (the first ${listed.length} are)`,
    },
  ];
}

/**
 * Runs `parse` with stack traces off. The package makes an Error per syntax problem (one per
 * character of garbage), and capturing their stacks was most of the time spent on such text;
 * diagnostics never show a stack. Synchronous, so nothing else runs while the setting is off.
 */
function parseWithoutStacks<T>(parse: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parse();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Where a mapping repeats a key (YAML requires unique keys), as the package's `uniqueKeys` would
 * report it: scalar keys equal by value, in one pass with a set per mapping.
 */
function duplicateKeyOffsets(document: Document): number[] {
  const offsets: number[] = [];
  visit(document, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) {
          continue;
        }
        const value: unknown = pair.key.value;
        const identity = `${typeof value}:${String(value)}`;
        if (seen.has(identity)) {
          offsets.push(pair.key.range?.[0] ?? 0);
        }
        seen.add(identity);
      }
    },
  });
  return offsets;
}

function duplicateKeyDiagnostic(position: { line: number; col: number }): RulesDiagnostic {
  return {
    severity: 'error',
    code: 'RULES_YAML_SYNTAX',
    path: '',
    message: 'YAML: Map keys must be unique',
    line: position.line,
    column: position.col,
  };
}

/** 1-based line and column of a character offset (for findings made before parsing). */
function positionIn(text: string, offset: number): FilePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1, offset };
}

/** Whether parsed data nests objects and arrays deeper than `limit` (iterative, cycle-safe). */
function nestsDeeperThan(data: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: data, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, depth } = next;
    if (typeof value !== 'object' || value === null) {
      continue;
    }
    if (depth >= limit) {
      return true;
    }
    for (const child of Object.values(value)) {
      stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}

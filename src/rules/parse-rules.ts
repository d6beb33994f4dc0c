import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isNode, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { systemClock } from '../timers/clock';
import type { Clock } from '../timers/clock';
import { RulesValidationError } from './errors';
import { formatIssues, formatYamlError, rulesErrorMap } from './format-problems';
import type { LocatedProblem } from './format-problems';
import { rulesFileSchema } from './rules-schema';
import type { RulesConfig } from './rules-schema';

/** A validated rules file as it is in force: the config plus where and when it came from. */
export interface LoadedRules {
  /** Deeply frozen: a reload swaps the whole object, never edits it. */
  config: RulesConfig;
  /** 1 for the first load, +1 for each accepted change (per watcher). */
  version: number;
  /** sha256 (hex) of the file text. */
  hash: string;
  /** The file path (or origin label) it was read from. */
  path: string;
  /** When it was loaded (epoch ms, from the injected clock). */
  loadedAt: number;
}

/**
 * Parses and validates rules file text (YAML).
 * @param origin shown in the error message (a path, or e.g. `<inline>`).
 * @throws RulesValidationError listing every problem found, one line each.
 */
export function parseRules(text: string, origin: string): RulesConfig {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new RulesValidationError(origin, document.errors.map(formatYamlError));
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch (thrown: unknown) {
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    throw new RulesValidationError(origin, [`YAML: ${reason}`], { cause: thrown });
  }
  if (data === null || data === undefined) {
    throw new RulesValidationError(origin, ['the file is empty: it needs at least `rules:`']);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new RulesValidationError(origin, [
      'the file must be a YAML mapping with `rules:` (and optionally `dryRun:` and `sources:`)',
    ]);
  }
  const result = rulesFileSchema.safeParse(data, { error: rulesErrorMap });
  if (!result.success) {
    throw new RulesValidationError(
      origin,
      inFileOrder(formatIssues(result.error.issues), document),
      {
        cause: result.error,
      },
    );
  }
  return deepFreeze(result.data);
}

/** sha256 hex of the file text, used to tell a real change from a touch. */
export function hashRulesText(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Reads the file text, turning I/O errors into a RulesValidationError. */
export function readRulesText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (thrown: unknown) {
    const code =
      typeof thrown === 'object' && thrown !== null && 'code' in thrown
        ? String(thrown.code)
        : undefined;
    const reason =
      code === 'ENOENT'
        ? 'the file does not exist'
        : code === 'EISDIR'
          ? 'this is a directory, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : thrown instanceof Error
              ? thrown.message
              : String(thrown);
    throw new RulesValidationError(path, [`cannot read ${path}: ${reason}`], { cause: thrown });
  }
}

/**
 * Reads and validates a rules file.
 * @throws RulesValidationError when it cannot be read or is invalid.
 */
export function loadRulesFile(
  path: string,
  options: { clock?: Clock; version?: number } = {},
): LoadedRules {
  const text = readRulesText(path);
  return {
    config: parseRules(text, path),
    version: options.version ?? 1,
    hash: hashRulesText(text),
    path,
    loadedAt: (options.clock ?? systemClock).now(),
  };
}

/** Sorts problems by where their path starts in the file (nearest existing ancestor). */
function inFileOrder(problems: LocatedProblem[], document: Document): string[] {
  const offsetOf = (path: Array<string | number>): number => {
    for (let length = path.length; length >= 0; length -= 1) {
      const node: unknown = document.getIn(path.slice(0, length), true);
      if (isNode(node) && node.range !== undefined && node.range !== null) {
        return node.range[0];
      }
    }
    return 0;
  };
  return problems
    .map((problem, index) => ({ problem, index, offset: offsetOf(problem.path) }))
    .sort((a, b) => a.offset - b.offset || a.index - b.index)
    .map(({ problem }) => problem.text);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) {
      deepFreeze(inner);
    }
  }
  return value;
}

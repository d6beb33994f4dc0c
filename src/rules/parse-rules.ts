import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { systemClock } from '../timers/clock';
import type { Clock } from '../timers/clock';
import { RulesValidationError } from './errors';
import { analyzeRules } from './analyze-rules';
import { isError } from './rules-diagnostic';
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
 * Parses and validates rules file text (YAML). Warnings do not refuse (see `analyzeRules`).
 * @param origin the file name the problems are reported against (a path, or e.g. `<inline>`).
 * @throws RulesValidationError listing every error, each with its line and column.
 */
export function parseRules(text: string, origin: string): RulesConfig {
  const { config, diagnostics } = analyzeRules(text);
  if (config === undefined) {
    throw new RulesValidationError(origin, diagnostics.filter(isError));
  }
  return deepFreeze(config);
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
    throw new RulesValidationError(
      path,
      [
        {
          severity: 'error',
          code: 'RULES_UNREADABLE',
          path: '',
          message: `cannot read ${path}: ${reason}`,
        },
      ],
      { cause: thrown },
    );
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

/** Freezes `value` and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) {
      deepFreeze(inner);
    }
  }
  return value;
}

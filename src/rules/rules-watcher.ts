import { statSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../observability/logger';
import type { Clock } from '../timers/clock';
import { RulesValidationError } from './errors';
import { analyzeRules } from './analyze-rules';
import { deepFreeze, hashRulesText, parseRules, readRulesText } from './parse-rules';
import type { LoadedRules } from './parse-rules';
import { formatDiagnostic, isError } from './rules-diagnostic';

/** Options for {@link RulesWatcher}. */
export interface RulesWatcherOptions {
  /** The rules file to watch. */
  path: string;
  /** Source of `loadedAt`. */
  clock: Clock;
  logger: Logger;
  /** Called after a valid change was swapped in. */
  onChange?: (loaded: LoadedRules) => void;
  /** Called when a changed file was refused (the previous rules stay in force). */
  onRejected?: (error: RulesValidationError) => void;
  /** Quiet time after the last file-system event before the file is read (default 100 ms). */
  debounceMs?: number;
  /**
   * Interval of the fallback poll comparing mtime and size (default 2000 ms). It catches what
   * fs.watch misses: network file systems, some container bind mounts, editors that replace the
   * file by rename.
   */
  pollIntervalMs?: number;
  /**
   * Use fs.watch as well as polling (default true). Turn off where file-system events are
   * unreliable or inotify watches are exhausted; changes are then seen within one poll interval.
   */
  watchFs?: boolean;
}

/**
 * Keeps the rules in force in step with the rules file. A valid change is swapped in whole
 * (version + 1), its warnings logged; an invalid one — judged exactly as `closer rules check`
 * judges it (`analyzeRules`) — is logged with every problem at its line and column, and the last
 * good rules stay in force. Saving the same text again changes nothing. Watches the directory (so replacing the file
 * by rename is seen) with a debounce, plus a cheap poll as a fallback.
 *
 * The file-system timers are real timers: they pace I/O, not domain time.
 */
export class RulesWatcher {
  private loaded: LoadedRules;
  /** Hash of the last text evaluated (accepted or refused), so a refused file is logged once. */
  private lastSeenHash: string;
  private lastStat: string | undefined;
  private lastReadProblem: string | undefined;
  private fsWatcher: FSWatcher | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private readonly options: RulesWatcherOptions;

  /**
   * Loads the file once, synchronously, so `current()` always has rules.
   * @throws RulesValidationError when the file cannot be read or is invalid (fail fast at start).
   */
  constructor(options: RulesWatcherOptions) {
    this.options = options;
    this.lastStat = this.statKey();
    const text = readRulesText(options.path);
    this.loaded = {
      config: parseRules(text, options.path),
      version: 1,
      hash: hashRulesText(text),
      path: options.path,
      loadedAt: options.clock.now(),
    };
    this.lastSeenHash = this.loaded.hash;
  }

  /** The rules in force now. Cheap; call it per event rather than caching the result. */
  current(): LoadedRules {
    return this.loaded;
  }

  /** Starts watching (idempotent). */
  start(): void {
    if (this.pollTimer !== undefined) {
      return;
    }
    if (this.options.watchFs !== false) {
      this.watchDirectory();
    }
    this.pollTimer = setInterval(() => {
      const key = this.statKey();
      if (key !== this.lastStat) {
        this.schedule();
      }
    }, this.options.pollIntervalMs ?? 2000);
    this.pollTimer.unref();
  }

  private watchDirectory(): void {
    const file = basename(this.options.path);
    try {
      this.fsWatcher = watch(dirname(this.options.path), { persistent: false }, (_event, name) => {
        if (name === null || name === file) {
          this.schedule();
        }
      });
      this.fsWatcher.on('error', (error: Error) => {
        this.options.logger.warn('rules file watch failed; polling only', { error: error.message });
        this.fsWatcher?.close();
        this.fsWatcher = undefined;
      });
    } catch (thrown: unknown) {
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      this.options.logger.warn('cannot watch the rules directory; polling only', {
        error: message,
      });
    }
    this.pollTimer = setInterval(() => {
      const key = this.statKey();
      if (key !== this.lastStat) {
        this.schedule();
      }
    }, this.options.pollIntervalMs ?? 2000);
    this.pollTimer.unref();
  }

  /** Stops watching; the rules in force stay available through `current()`. */
  stop(): void {
    this.fsWatcher?.close();
    this.fsWatcher = undefined;
    if (this.pollTimer !== undefined) {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
    if (this.debounceTimer !== undefined) {
      clearTimeout(this.debounceTimer);
      this.debounceTimer = undefined;
    }
  }

  /**
   * Reads and applies the file now (manual reload, e.g. on SIGHUP or from the CLI). Returns the
   * rules in force after the call, or the error that refused the file (the old rules stay).
   */
  reload(): LoadedRules | RulesValidationError {
    return this.apply(true);
  }

  private schedule(): void {
    if (this.debounceTimer !== undefined) {
      clearTimeout(this.debounceTimer);
    }
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      this.apply(false);
    }, this.options.debounceMs ?? 100);
    this.debounceTimer.unref();
  }

  private apply(manual: boolean): LoadedRules | RulesValidationError {
    const { path, logger } = this.options;
    this.lastStat = this.statKey();
    let text: string;
    try {
      text = readRulesText(path);
    } catch (thrown: unknown) {
      const error =
        thrown instanceof RulesValidationError
          ? thrown
          : new RulesValidationError(path, [
              { severity: 'error', code: 'RULES_UNREADABLE', path: '', message: String(thrown) },
            ]);
      // While an editor replaces the file it may be missing for a moment: log once, keep rules.
      const problem = error.problems.join('; ');
      if (manual || problem !== this.lastReadProblem) {
        this.lastReadProblem = problem;
        logger.warn('rules file cannot be read; keeping the rules in force', {
          path,
          problems: error.problems,
          version: this.loaded.version,
        });
        if (manual) {
          this.options.onRejected?.(error);
        }
      }
      return error;
    }
    this.lastReadProblem = undefined;
    const hash = hashRulesText(text);
    if (hash === this.loaded.hash) {
      this.lastSeenHash = hash;
      return this.loaded;
    }
    if (hash === this.lastSeenHash && !manual) {
      return this.loaded;
    }
    this.lastSeenHash = hash;
    const analysis = analyzeRules(text);
    if (analysis.config === undefined) {
      const error = new RulesValidationError(path, analysis.diagnostics.filter(isError));
      // Each problem is a compiler-style line with its place in the file (file:line:col).
      logger.warn('rules file refused; keeping the rules in force', {
        path,
        problems: error.problems,
        version: this.loaded.version,
      });
      this.options.onRejected?.(error);
      return error;
    }
    this.loaded = {
      config: deepFreeze(analysis.config),
      version: this.loaded.version + 1,
      hash,
      path,
      loadedAt: this.options.clock.now(),
    };
    const warnings = analysis.diagnostics.map((d) => formatDiagnostic(path, d));
    logger.info('rules reloaded', {
      path,
      version: this.loaded.version,
      hash: this.loaded.hash.slice(0, 12),
      rules: this.loaded.config.rules.length,
      ...(warnings.length === 0 ? {} : { warnings }),
    });
    this.options.onChange?.(this.loaded);
    return this.loaded;
  }

  private statKey(): string | undefined {
    try {
      const stat = statSync(this.options.path);
      return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch {
      return undefined;
    }
  }
}

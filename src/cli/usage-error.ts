import type { CommanderError } from 'commander';
import { CloserError } from '../errors';

/**
 * The command line was wrong (unknown command or option, missing or invalid argument). Exit 2
 * (USAGE); printed with a hint — "did you mean …?" when something close exists — and the command
 * whose `--help` explains the usage. Code `USAGE`.
 */
export class UsageError extends CloserError {
  /** The known name closest to what was typed (`--message` for `--mesage`), if one is close. */
  readonly suggestion: string | undefined;
  /** The command whose usage was wrong, e.g. `closer terminate`. */
  readonly commandPath: string;
  /** What to do next: `did you mean --message?`, else `see \`closer terminate --help\``. */
  readonly hint: string;

  constructor(
    message: string,
    options: { commandPath: string; suggestion?: string | undefined; cause?: unknown },
  ) {
    const hint =
      options.suggestion === undefined
        ? `see \`${options.commandPath} --help\``
        : `did you mean ${options.suggestion}?`;
    super('USAGE', message, { cause: options.cause, details: { hint } });
    this.suggestion = options.suggestion;
    this.commandPath = options.commandPath;
    this.hint = hint;
  }
}

const SUGGESTION = /^\(Did you mean (.+)\?\)$/;

/**
 * Turns commander's parse error into a {@link UsageError}. Commander writes its suggestion as a
 * second line of the message (`error: unknown option '--mesage'\n(Did you mean --message?)`) and
 * exposes it nowhere else; it is lifted out here so `--json` can carry it in `hint`. Were
 * commander to change that wording, the suggestion would stay in the message (the e2e test says so).
 */
export function usageErrorFromCommander(error: CommanderError, commandPath: string): UsageError {
  const [first = '', ...rest] = error.message.replace(/^error: /, '').split('\n');
  let suggestion: string | undefined;
  const remaining: string[] = [];
  for (const line of rest) {
    const found = SUGGESTION.exec(line.trim());
    if (found?.[1] !== undefined) {
      suggestion = found[1];
    } else if (line.trim() !== '') {
      remaining.push(line.trim());
    }
  }
  return new UsageError([first, ...remaining].join(' '), { commandPath, suggestion, cause: error });
}

import { CloserError } from '../errors';

/** What a {@link SettingsError} carries besides its problems. */
export interface SettingsErrorOptions {
  /** Environment variables that must be set and are not, e.g. `['GENESYS_CLIENT_ID']`. */
  missingVariables?: readonly string[];
  /** What to do about it, in plain words. */
  fix?: string;
}

/**
 * Invalid or incomplete configuration. Code `CONFIG_INVALID`; `problems` holds one readable line
 * per problem (values are never echoed: some variables are secrets), `missingVariables` the
 * variables to set and `fix` how. The service exits with it at start-up; the library client
 * rejects its first call with it.
 */
export class SettingsError extends CloserError {
  declare readonly code: 'CONFIG_INVALID';
  readonly problems: string[];
  readonly missingVariables: string[];
  readonly fix: string | undefined;

  constructor(problems: string[], options: SettingsErrorOptions = {}) {
    const fixLine = options.fix === undefined ? '' : `\nFix: ${options.fix}`;
    super(
      'CONFIG_INVALID',
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}${fixLine}`,
      {
        details: {
          problems,
          missingVariables: [...(options.missingVariables ?? [])],
          ...(options.fix === undefined ? {} : { fix: options.fix }),
        },
      },
    );
    this.problems = problems;
    this.missingVariables = [...(options.missingVariables ?? [])];
    this.fix = options.fix;
  }
}

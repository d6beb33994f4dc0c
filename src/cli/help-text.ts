import { Option } from 'commander';

/** One line of a command's "Examples:" help section. */
export interface Example {
  /** The command line, starting with `closer`. */
  command: string;
  /** What it does, shown under the command. */
  does: string;
}

/** The "Examples:" section every command's `--help` ends with (`.addHelpText('after', …)`). */
export function examplesHelp(examples: readonly Example[]): string {
  return [
    '',
    'Examples:',
    ...examples.flatMap((e) => [`  $ ${e.command}`, `      ${e.does}`]),
  ].join('\n');
}

/** The help section of commands that talk to Genesys: which variables they read. */
export const GENESYS_ENV_HELP = [
  '',
  'Environment:',
  '  GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET  OAuth client (Client Credentials grant)',
  '  GENESYS_REGION                            e.g. eu_west_1 (default: us_east_1)',
  '  GENESYS_API_URL, GENESYS_LOGIN_URL        override the hosts (e.g. `closer simulator`)',
].join('\n');

/**
 * The `--json` option every command offers: stdout then holds exactly one JSON document — the
 * result, or `{"error":{"code","message",…}}` — and the exit code is the same as without it.
 */
export function jsonOption(): Option {
  return new Option(
    '--json',
    'print one JSON document on stdout: the result, or {"error":{…}} on failure',
  );
}

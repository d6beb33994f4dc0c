import { CloserError } from '../errors';
import { GenesysApiError } from '../genesys';
import { maskSecrets } from '../observability/logger';
import { exitCodeFor } from './error-exit';
import type { ExitCode } from './exit-codes';
import type { CommandIo } from './output';
import { UsageError } from './usage-error';

/**
 * Prints an error and returns its exit code (see error-exit.ts). With `json`: one line
 * `{"error":{"code","message",…}}` on stdout — the same place a success answer goes, so a script
 * reads one document either way; usage errors are `{"error":{"code":"USAGE","message","hint"}}`.
 * Without: `error CODE: message` and indented hints on stderr. Secrets are masked in both.
 */
export function reportError(error: unknown, io: CommandIo, json: boolean): ExitCode {
  const code = exitCodeFor(error);
  const body = errorBody(error);
  if (json) {
    io.out(JSON.stringify({ error: body }));
    return code;
  }
  io.err(`${io.errStyle.red('error')} ${body.code}: ${body.message}`);
  if (error instanceof UsageError) {
    if (error.suggestion !== undefined) {
      io.err(`  ${io.errStyle.bold(error.hint)}`);
    }
    io.err(`  see \`${error.commandPath} --help\``);
  }
  if (error instanceof GenesysApiError) {
    if (error.missingPermissions.length > 0) {
      io.err(`  missing permission(s): ${error.missingPermissions.join(', ')}`);
    }
    if (error.fix !== undefined) {
      io.err(`  fix: ${error.fix}`);
    }
  }
  return code;
}

interface ErrorBody extends Record<string, unknown> {
  code: string;
  message: string;
}

function errorBody(error: unknown): ErrorBody {
  if (error instanceof UsageError) {
    return { code: error.code, message: error.message, hint: error.hint };
  }
  if (error instanceof GenesysApiError) {
    return {
      code: error.code,
      message: maskSecrets(error.message),
      status: error.status,
      missingPermissions: error.missingPermissions,
      requiredPermissions: error.requiredPermissions,
      ...(error.fix === undefined ? {} : { fix: error.fix }),
    };
  }
  if (error instanceof CloserError) {
    return { ...error.details, code: error.code, message: maskSecrets(error.message) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'FAILURE', message: maskSecrets(message) };
}

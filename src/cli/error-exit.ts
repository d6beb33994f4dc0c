import { CloserError } from '../errors';
import { GenesysApiError } from '../genesys';
import { SettingsError } from '../config/settings';
import { maskSecrets } from '../observability/logger';
import { EXIT, type ExitCode } from './exit-codes';
import type { CommandIo } from './output';

/** Maps an error to the documented exit code. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof SettingsError) {
    return EXIT.USAGE;
  }
  if (error instanceof GenesysApiError) {
    switch (error.code) {
      case 'GENESYS_FORBIDDEN':
        return EXIT.FORBIDDEN;
      case 'GENESYS_NOT_FOUND':
        return EXIT.NOT_FOUND;
      case 'GENESYS_AUTH_FAILED':
        return EXIT.AUTH_FAILED;
      default:
        return EXIT.FAILURE;
    }
  }
  if (
    error instanceof CloserError &&
    (error.code === 'GENESYS_CONFIG' || error.code === 'GENESYS_INVALID_INPUT')
  ) {
    return EXIT.USAGE;
  }
  return EXIT.FAILURE;
}

/** Prints an error (human text or `{"error":…}` JSON) and returns its exit code. */
export function reportError(error: unknown, io: CommandIo, json: boolean): ExitCode {
  const code = exitCodeFor(error);
  const body = errorBody(error);
  if (json) {
    io.out(JSON.stringify({ error: body }));
  } else {
    io.err(`error ${String(body.code)}: ${String(body.message)}`);
    if (error instanceof GenesysApiError) {
      if (error.missingPermissions.length > 0) {
        io.err(`  missing permission(s): ${error.missingPermissions.join(', ')}`);
      }
      if (error.fix !== undefined) {
        io.err(`  fix: ${error.fix}`);
      }
    }
  }
  return code;
}

function errorBody(error: unknown): Record<string, unknown> {
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
    return { code: error.code, message: maskSecrets(error.message), ...error.details };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'FAILURE', message: maskSecrets(message) };
}

import { CloserError } from '../errors';
import type { GenesysErrorCode } from '../genesys';
import { EXIT, type ExitCode } from './exit-codes';

/**
 * Exit code of each Genesys error code — exhaustive, so a new code must be placed here.
 * Connection-level failures (refused, DNS, timeout) and unavailability after retries are
 * TEMPORARY for every command alike.
 */
const GENESYS_EXIT: Readonly<Record<GenesysErrorCode, ExitCode>> = {
  GENESYS_FORBIDDEN: EXIT.FORBIDDEN,
  GENESYS_NOT_FOUND: EXIT.NOT_FOUND,
  GENESYS_AUTH_FAILED: EXIT.AUTH_FAILED,
  GENESYS_NETWORK: EXIT.TEMPORARY,
  GENESYS_TIMEOUT: EXIT.TEMPORARY,
  GENESYS_UNAVAILABLE: EXIT.TEMPORARY,
  GENESYS_RATE_LIMITED: EXIT.TEMPORARY,
  GENESYS_OUTCOME_UNKNOWN: EXIT.TEMPORARY,
  GENESYS_BAD_REQUEST: EXIT.FAILURE,
  GENESYS_INVALID_RESPONSE: EXIT.FAILURE,
};

/**
 * Codes of errors that are the caller's to fix: arguments, settings, a rules file, input closer
 * refuses to send.
 */
const USAGE_CODES: ReadonlySet<string> = new Set([
  'USAGE',
  'CONFIG_INVALID',
  'RULES_INVALID',
  'GENESYS_CONFIG',
  'GENESYS_INVALID_INPUT',
  'RULES_TEST_INVALID_EVENT',
  // The running closer's API refused a request's values (e.g. `closer outcomes --since`).
  'API_INVALID_REQUEST',
]);

/**
 * The exit code of a stable error code (`GENESYS_NETWORK`, `CONFIG_INVALID`, …): the one
 * classification every command uses, so the same failure exits the same way everywhere.
 * Unknown codes are FAILURE.
 */
export function exitCodeForErrorCode(code: string): ExitCode {
  if (code === 'RULES_TEST_UNKNOWN_CONVERSATION') {
    return EXIT.NOT_FOUND;
  }
  if (code === 'CLOSER_UNREACHABLE') {
    return EXIT.TEMPORARY;
  }
  if (code === 'API_UNAUTHENTICATED') {
    return EXIT.AUTH_FAILED;
  }
  if (USAGE_CODES.has(code)) {
    return EXIT.USAGE;
  }
  return Object.hasOwn(GENESYS_EXIT, code) ? GENESYS_EXIT[code as GenesysErrorCode] : EXIT.FAILURE;
}

/** The exit code of anything thrown: by its `code` when it is a {@link CloserError}, else FAILURE. */
export function exitCodeFor(error: unknown): ExitCode {
  return error instanceof CloserError ? exitCodeForErrorCode(error.code) : EXIT.FAILURE;
}

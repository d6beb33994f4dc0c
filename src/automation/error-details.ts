import { GenesysApiError } from '../genesys';
import { CloserError } from '../errors';

/** The structured part of an error for outcome details: code, status, missing permissions, fix. */
export function errorDetails(error: Error): Record<string, unknown> {
  if (error instanceof GenesysApiError) {
    return {
      code: error.code,
      status: error.status,
      missingPermissions: error.missingPermissions,
      ...(error.fix === undefined ? {} : { fix: error.fix }),
    };
  }
  return error instanceof CloserError ? { code: error.code } : {};
}

/**
 * Whether Genesys will answer the same way on every attempt (a 403, an impossible input): such a
 * failure is recorded at once instead of retried until the scheduler gives up.
 */
export function isPermanentFailure(error: Error): boolean {
  return (
    (error instanceof GenesysApiError && !error.retryable) ||
    (error instanceof CloserError && error.code === 'GENESYS_INVALID_INPUT')
  );
}

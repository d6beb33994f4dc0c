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

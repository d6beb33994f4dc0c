import { GenesysApiError, type GenesysErrorCode } from './errors';
import { ErrorBodySchema, type ErrorBody } from './models';
import { explainForbidden, requiredPermissionsFor } from './permissions';
import type { AttemptFailure } from './retry';
import type { RawResponse } from './transport';

/** Why send() stopped: not retryable, retries used up, Retry-After above the cap, or unsafe to re-send. */
export type GiveUpReason = 'not-retryable' | 'exhausted' | 'retry-after-too-long' | 'ambiguous';

function readErrorBody(response: RawResponse | undefined): ErrorBody {
  if (response === undefined) {
    return {};
  }
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(response.text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function codeForStatus(status: number): GenesysErrorCode {
  if (status === 401) {
    return 'GENESYS_AUTH_FAILED';
  }
  if (status === 403) {
    return 'GENESYS_FORBIDDEN';
  }
  if (status === 404) {
    return 'GENESYS_NOT_FOUND';
  }
  if (status === 429) {
    return 'GENESYS_RATE_LIMITED';
  }
  if (status >= 500) {
    return 'GENESYS_UNAVAILABLE';
  }
  return 'GENESYS_BAD_REQUEST';
}

const GIVE_UP_WORDS: Record<GiveUpReason, string> = {
  'not-retryable': '',
  exhausted: ' (gave up after retries)',
  'retry-after-too-long': ' (Retry-After above the configured cap)',
  ambiguous: ' (not re-sent: the request may already have taken effect)',
};

/**
 * Maps a failed request to a {@link GenesysApiError} — the one place where statuses and transport
 * failures become error codes (403s get the permission explainer).
 */
export function errorFromFailure(input: {
  failure: AttemptFailure;
  response: RawResponse | undefined;
  operation: string;
  requestId: string;
  attempts: number;
  clientId: string;
  gaveUp: GiveUpReason;
  retryAfterMs?: number;
}): GenesysApiError {
  const { failure, operation, requestId, attempts } = input;
  const why = GIVE_UP_WORDS[input.gaveUp];
  const requiredPermissions = requiredPermissionsFor(operation);
  if (failure.kind !== 'status') {
    const timeout = failure.kind === 'timeout';
    return new GenesysApiError({
      code: timeout ? 'GENESYS_TIMEOUT' : 'GENESYS_NETWORK',
      status: undefined,
      operation,
      requestId,
      attempts,
      requiredPermissions,
      retryable: true,
      message: `Genesys ${operation} ${timeout ? 'timed out' : `failed: ${failure.errorCode ?? 'network error'}`} after ${attempts} attempt(s)${why}`,
    });
  }
  const status = failure.status;
  const body = readErrorBody(input.response);
  const correlationId = input.response?.headers['inin-correlation-id'] ?? body.contextId;
  const code = codeForStatus(status);
  const common = {
    code,
    status,
    operation,
    requestId,
    attempts,
    correlationId,
    genesysCode: body.code,
    requiredPermissions,
  };
  if (code === 'GENESYS_FORBIDDEN') {
    const explained = explainForbidden({ operation, clientId: input.clientId, errorBody: body });
    return new GenesysApiError({
      ...common,
      retryable: false,
      message: explained.message,
      fix: explained.fix,
      missingPermissions: explained.missingPermissions,
    });
  }
  if (code === 'GENESYS_AUTH_FAILED') {
    const fix = `Genesys rejected a freshly issued token for OAuth client ${input.clientId}; check the client is active and that apiUrl and loginUrl point at the same region`;
    return new GenesysApiError({
      ...common,
      retryable: false,
      fix,
      message: `Genesys ${operation} answered 401 twice: ${fix}`,
    });
  }
  const retryable = code === 'GENESYS_RATE_LIMITED' || code === 'GENESYS_UNAVAILABLE';
  const asked =
    input.retryAfterMs === undefined ? '' : ` Genesys asked to wait ${input.retryAfterMs} ms.`;
  const detail = body.message === undefined ? '' : `: ${body.message}`;
  return new GenesysApiError({
    ...common,
    retryable,
    message: `Genesys ${operation} failed with ${status}${body.code === undefined ? '' : ` ${body.code}`}${detail}${why}.${asked}`,
  });
}

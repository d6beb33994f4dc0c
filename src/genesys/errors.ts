import { CloserError, type ErrorAnswerTable } from '../errors';
import type { RequiredPermissions } from './permissions';

/**
 * Stable codes of errors from the Genesys client. Callers branch on these, never on messages.
 * - GENESYS_FORBIDDEN: 403; the message names the missing permission(s) and the fix.
 * - GENESYS_AUTH_FAILED: the token request was refused (wrong id/secret/region) or a fresh token was rejected.
 * - GENESYS_NOT_FOUND: 404.
 * - GENESYS_RATE_LIMITED: 429 and closer gave up (retries exhausted or Retry-After above the cap).
 * - GENESYS_UNAVAILABLE: 5xx after retries (or once, for a non-idempotent request that could not be reconciled).
 * - GENESYS_TIMEOUT: an attempt exceeded `timeoutMs` (after retries).
 * - GENESYS_NETWORK: connection-level failure (after retries).
 * - GENESYS_BAD_REQUEST: any other 4xx (400, 409, 415, …).
 * - GENESYS_INVALID_RESPONSE: a 2xx body closer depends on did not have the documented shape.
 * - GENESYS_OUTCOME_UNKNOWN: an unsafe write (disconnect) failed ambiguously and no read could
 *   confirm whether it took effect; it was NOT re-sent. Retryable: the next attempt reads first.
 */
export type GenesysErrorCode =
  | 'GENESYS_FORBIDDEN'
  | 'GENESYS_AUTH_FAILED'
  | 'GENESYS_NOT_FOUND'
  | 'GENESYS_RATE_LIMITED'
  | 'GENESYS_UNAVAILABLE'
  | 'GENESYS_TIMEOUT'
  | 'GENESYS_NETWORK'
  | 'GENESYS_BAD_REQUEST'
  | 'GENESYS_INVALID_RESPONSE'
  | 'GENESYS_OUTCOME_UNKNOWN';

/** The data carried by a {@link GenesysApiError}. */
export interface GenesysApiErrorInit {
  code: GenesysErrorCode;
  message: string;
  /** HTTP status, or undefined when no response arrived (timeout, network). */
  status: number | undefined;
  /** Operation name, e.g. `disconnectMessageConversation` (see GENESYS_OPERATIONS). */
  operation: string;
  /** Whether repeating the whole call later may succeed (5xx, 429, timeouts, network). */
  retryable: boolean;
  /** closer's request id (sent as `x-request-id`), the same across retries. */
  requestId: string;
  /** Genesys's `ININ-Correlation-Id` response header (or `contextId` of the error body). */
  correlationId?: string | undefined;
  /** Genesys's error body `code`, e.g. `missing.permissions`, `not.found`, `invalid_client`. */
  genesysCode?: string | undefined;
  missingPermissions?: string[];
  requiredPermissions?: RequiredPermissions;
  /** What to do about it, in plain words (403, auth failures). */
  fix?: string | undefined;
  /** Attempts made (1 = no retry). */
  attempts?: number;
  cause?: unknown;
}

/** An error talking to Genesys Cloud, with everything needed to act on it or report it. */
export class GenesysApiError extends CloserError {
  declare readonly code: GenesysErrorCode;
  readonly status: number | undefined;
  readonly genesysCode: string | undefined;
  readonly operation: string;
  readonly retryable: boolean;
  readonly correlationId: string | undefined;
  readonly requestId: string;
  readonly missingPermissions: string[];
  readonly requiredPermissions: RequiredPermissions;
  readonly fix: string | undefined;
  readonly attempts: number;

  constructor(init: GenesysApiErrorInit) {
    super(init.code, init.message, {
      cause: init.cause,
      details: {
        status: init.status,
        operation: init.operation,
        genesysCode: init.genesysCode,
        correlationId: init.correlationId,
        requestId: init.requestId,
        retryable: init.retryable,
        missingPermissions: init.missingPermissions ?? [],
        fix: init.fix,
      },
    });
    this.status = init.status;
    this.genesysCode = init.genesysCode;
    this.operation = init.operation;
    this.retryable = init.retryable;
    this.correlationId = init.correlationId;
    this.requestId = init.requestId;
    this.missingPermissions = init.missingPermissions ?? [];
    this.requiredPermissions = init.requiredPermissions ?? { all: [] };
    this.fix = init.fix;
    this.attempts = init.attempts ?? 1;
  }
}

/** Invalid client configuration (unknown region, bad option values). Code `GENESYS_CONFIG`. */
export class GenesysConfigError extends CloserError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('GENESYS_CONFIG', message, { details });
  }
}

/** The caller asked for something closer will not send (e.g. a closing message over 2000 chars). */
export class GenesysInputError extends CloserError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('GENESYS_INVALID_INPUT', message, { details });
  }
}

/** True when `error` is a {@link GenesysApiError} with one of `codes` (any code when none given). */
export function isGenesysApiError(
  error: unknown,
  ...codes: GenesysErrorCode[]
): error is GenesysApiError {
  return error instanceof GenesysApiError && (codes.length === 0 || codes.includes(error.code));
}

/**
 * How closer's HTTP API answers each Genesys failure (status declared with the code; read by
 * `http/error-answer.ts`). A refusal closer cannot fix by retrying (403, bad credentials, 4xx) is
 * a 502 (the upstream refused); Genesys being unavailable or rate limiting is a retryable 503;
 * an unknown outcome is a 502 the caller must not blindly retry (the conversation may have ended).
 */
export const GENESYS_ERRORS = {
  GENESYS_FORBIDDEN: { status: 502, retryable: false },
  GENESYS_AUTH_FAILED: { status: 502, retryable: false },
  GENESYS_NOT_FOUND: { status: 404, retryable: false },
  GENESYS_RATE_LIMITED: { status: 503, retryable: true },
  GENESYS_UNAVAILABLE: { status: 503, retryable: true },
  GENESYS_TIMEOUT: { status: 504, retryable: true },
  GENESYS_NETWORK: { status: 502, retryable: true },
  GENESYS_BAD_REQUEST: { status: 502, retryable: false },
  GENESYS_INVALID_RESPONSE: { status: 502, retryable: false },
  GENESYS_OUTCOME_UNKNOWN: { status: 502, retryable: false },
  GENESYS_CONFIG: { status: 500, retryable: false },
  GENESYS_INVALID_INPUT: { status: 400, retryable: false },
} as const satisfies ErrorAnswerTable;

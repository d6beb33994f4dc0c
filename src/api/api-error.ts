import { CloserError, type ErrorAnswerTable } from '../errors';

/**
 * Codes the HTTP API (`/v1`, and closer's own 404) answers with, each with its status. Bodies are
 * `{"error": {"code", "message", ...details}}` (see `http/error-answer.ts`).
 */
export const API_ERRORS = {
  /** No `Authorization: Bearer`, or not CLOSER_API_TOKEN. */
  API_UNAUTHENTICATED: { status: 401, retryable: false },
  /** CLOSER_API_TOKEN is not set: the API is disabled until it is. */
  API_TOKEN_NOT_CONFIGURED: { status: 503, retryable: true },
  /** The request does not match the endpoint's schema; `details.problems` lists each. */
  API_INVALID_REQUEST: { status: 400, retryable: false },
  API_MALFORMED_JSON: { status: 400, retryable: false },
  API_BODY_TOO_LARGE: { status: 413, retryable: false },
  API_UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  API_UNSUPPORTED_ENCODING: { status: 415, retryable: false },
  /** Other unreadable requests (undecodable gzip, malformed %-escapes in the path). */
  API_BAD_REQUEST: { status: 400, retryable: false },
  /** Genesys has no such conversation. */
  CONVERSATION_NOT_FOUND: { status: 404, retryable: false },
  /** closer has no state, timer or outcome for the conversation. */
  CONVERSATION_UNKNOWN: { status: 404, retryable: false },
  /** No such endpoint. */
  NOT_FOUND: { status: 404, retryable: false },
  /** A bug: the detail is in the log, never in the answer. */
  INTERNAL: { status: 500, retryable: true },
  /** The metrics registry failed to render. */
  METRICS_UNAVAILABLE: { status: 500, retryable: true },
} as const satisfies ErrorAnswerTable;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** An error the HTTP API answers with its code's status (from {@link API_ERRORS}). */
export class ApiError extends CloserError {
  declare readonly code: ApiErrorCode;
  readonly status: number;

  constructor(code: ApiErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
    this.status = API_ERRORS[code].status;
  }
}

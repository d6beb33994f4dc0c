import { CloserError, type ErrorAnswerTable } from '../errors';

/**
 * Stable intake error codes and the HTTP status each one is answered with.
 *
 * Status choices follow who can fix the problem. Bad input (the sender's fault, never fixed by
 * retrying the same bytes) is a 4xx. Our own problems (store down, a secret missing from the
 * environment) are 5xx, so that the sender retries and the event arrives once we are fixed.
 * EventBridge API destinations retry 401, 407, 409, 429 and 5xx and do not retry other 4xx
 * (AWS EventBridge user guide, "API destinations", response handling), so a 401 for a wrong API key
 * keeps being retried until the connection is fixed, while a 400 for a malformed event is dropped
 * (or dead-lettered) at once, which is what we want for input that can never succeed.
 */
export const INTAKE_ERRORS = {
  /** Missing or wrong API key / Basic credentials. */
  INTAKE_UNAUTHENTICATED: { status: 401, retryable: false },
  /** Webhook signature missing, malformed or not matching any configured secret. */
  INTAKE_BAD_SIGNATURE: { status: 401, retryable: false },
  /** Signed timestamp outside the tolerance window (replay protection). */
  INTAKE_STALE_TIMESTAMP: { status: 401, retryable: false },
  /** Body is not valid JSON; `details.position` says where when known. */
  INTAKE_MALFORMED_JSON: { status: 400, retryable: false },
  /** JSON that does not match the expected shape; `details.issues` lists `path: message`. */
  INTAKE_INVALID_PAYLOAD: { status: 400, retryable: false },
  /** Other unreadable requests (aborted, bad content-length). */
  INTAKE_BAD_REQUEST: { status: 400, retryable: false },
  /** The route's source is not configured in the rules file. */
  INTAKE_UNKNOWN_SOURCE: { status: 404, retryable: false },
  INTAKE_BODY_TOO_LARGE: { status: 413, retryable: false },
  INTAKE_UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  /** A bug or a mis-mounted router (a JSON parser consumed the raw body first). */
  INTAKE_INTERNAL: { status: 500, retryable: true },
  /** A secret or setting the source needs is missing: our configuration problem, retryable. */
  INTAKE_SOURCE_MISCONFIGURED: { status: 503, retryable: true },
  /** The store could not durably record the event; retry later. */
  INTAKE_STORE_UNAVAILABLE: { status: 503, retryable: true },
} as const satisfies ErrorAnswerTable;

export type IntakeErrorCode = keyof typeof INTAKE_ERRORS;

/** An intake failure answered to the sender as `{"error": {"code", "message", ...details}}`. */
export class IntakeError extends CloserError {
  declare readonly code: IntakeErrorCode;
  /** HTTP status answered for `code`. */
  readonly status: number;

  constructor(
    code: IntakeErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, options);
    this.status = INTAKE_ERRORS[code].status;
  }
}

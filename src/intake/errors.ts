import { CloserError } from '../errors';

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
export const INTAKE_ERROR_STATUS = {
  /** Missing or wrong API key / Basic credentials. */
  INTAKE_UNAUTHENTICATED: 401,
  /** Webhook signature missing, malformed or not matching any configured secret. */
  INTAKE_BAD_SIGNATURE: 401,
  /** Signed timestamp outside the tolerance window (replay protection). */
  INTAKE_STALE_TIMESTAMP: 401,
  /** Body is not valid JSON; `details.position` says where when known. */
  INTAKE_MALFORMED_JSON: 400,
  /** JSON that does not match the expected shape; `details.issues` lists `path: message`. */
  INTAKE_INVALID_PAYLOAD: 400,
  /** Other unreadable requests (aborted, bad content-length). */
  INTAKE_BAD_REQUEST: 400,
  /** The route's source is not configured in the rules file. */
  INTAKE_UNKNOWN_SOURCE: 404,
  INTAKE_BODY_TOO_LARGE: 413,
  INTAKE_UNSUPPORTED_MEDIA_TYPE: 415,
  /** A bug or a mis-mounted router (a JSON parser consumed the raw body first). */
  INTAKE_INTERNAL: 500,
  /** A secret or setting the source needs is missing: our configuration problem, retryable. */
  INTAKE_SOURCE_MISCONFIGURED: 503,
  /** The store could not durably record the event; retry later. */
  INTAKE_STORE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type IntakeErrorCode = keyof typeof INTAKE_ERROR_STATUS;

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
    this.status = INTAKE_ERROR_STATUS[code];
  }
}

/** HTTP status for an intake error code. */
export function intakeErrorStatus(code: IntakeErrorCode): number {
  return INTAKE_ERROR_STATUS[code];
}

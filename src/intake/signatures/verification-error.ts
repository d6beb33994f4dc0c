import { IntakeError } from '../errors';

/** Which verification failures a signature scheme can report. */
export type WebhookVerificationCode =
  'INTAKE_BAD_SIGNATURE' | 'INTAKE_STALE_TIMESTAMP' | 'INTAKE_SOURCE_MISCONFIGURED';

/**
 * The one error every signature scheme throws. Messages say what was wrong (missing header,
 * malformed value, no match, how far off the timestamp is) but never echo a secret or a
 * signature value.
 */
export class WebhookVerificationError extends IntakeError {
  declare readonly code: WebhookVerificationCode;

  constructor(
    code: WebhookVerificationCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, { details });
  }
}

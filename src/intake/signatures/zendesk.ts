import {
  checkSkew,
  decodeBase64Digest,
  headerValue,
  hmacSha256,
  requireHeader,
  requireSecrets,
  idHeaderDeliveryId,
  requireSignedBy,
} from './crypto';
import type { SignatureVerifier, SignedRequest, VerifyContext } from './types';
import { WebhookVerificationError } from './verification-error';

/**
 * Zendesk webhooks (developer.zendesk.com, "Verifying webhook authenticity"):
 * `X-Zendesk-Webhook-Signature` is base64(HMAC-SHA256(signing secret, timestamp + raw body)),
 * where the timestamp is the `X-Zendesk-Webhook-Signature-Timestamp` header as sent (ISO-8601,
 * e.g. `2021-03-25T05:09:27Z`), concatenated with no separator. The key is the signing secret's
 * UTF-8 bytes. The delivery id is the configured `idHeader` (the preset names
 * `x-zendesk-webhook-invocation-id`).
 */
const SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
const TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';
/** `2021-03-25T05:09:27Z`, optionally with fractions or an offset. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function signedAtMs(raw: string): number {
  const ms = ISO_8601.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new WebhookVerificationError(
      'INTAKE_BAD_SIGNATURE',
      `${TIMESTAMP_HEADER} is not an ISO-8601 time such as 2021-03-25T05:09:27Z`,
    );
  }
  return ms;
}

export const zendeskVerifier: SignatureVerifier = {
  verify(request: SignedRequest, context: VerifyContext): void {
    requireSecrets(context.secrets);
    const signature = decodeBase64Digest(requireHeader(request.headers, SIGNATURE_HEADER), 32);
    const timestamp = requireHeader(request.headers, TIMESTAMP_HEADER);
    if (signature === undefined) {
      throw new WebhookVerificationError(
        'INTAKE_BAD_SIGNATURE',
        `${SIGNATURE_HEADER} must be a base64 HMAC-SHA256 (44 characters)`,
      );
    }
    checkSkew(signedAtMs(timestamp), context.nowMs, context.toleranceSeconds);
    requireSignedBy(signature, context.secrets, (secret) =>
      hmacSha256(secret, timestamp, request.rawBody),
    );
  },

  deliveryId: idHeaderDeliveryId,

  signedAt(request: SignedRequest): number | undefined {
    const raw = headerValue(request.headers, TIMESTAMP_HEADER);
    const ms = raw === undefined ? Number.NaN : Date.parse(raw);
    return Number.isFinite(ms) ? ms : undefined;
  },
};

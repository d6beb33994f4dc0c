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
 * HubSpot request signature v3 (developers.hubspot.com, "Validating requests"):
 * `X-HubSpot-Signature-v3` is base64(HMAC-SHA256(app client secret, method + URI + raw body +
 * timestamp)), UTF-8, where the timestamp is `X-HubSpot-Request-Timestamp` (epoch
 * milliseconds) and requests older than 5 minutes are rejected. The URI is the URL HubSpot
 * called, so closer uses the configured `publicUrl` (a proxy may rewrite what closer sees), and
 * the method is always POST (closer's webhook route). Events come batched in a JSON array; each
 * has its own `eventId` (the preset's `idPath`).
 */
const SIGNATURE_HEADER = 'x-hubspot-signature-v3';
const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
const METHOD = 'POST';

function publicUrl(context: VerifyContext): string {
  if (context.publicUrl === undefined) {
    throw new WebhookVerificationError(
      'INTAKE_SOURCE_MISCONFIGURED',
      'the hubspot-v3 scheme needs `verify.publicUrl` (the URL HubSpot calls)',
    );
  }
  return context.publicUrl;
}

export const hubspotV3Verifier: SignatureVerifier = {
  verify(request: SignedRequest, context: VerifyContext): void {
    const url = publicUrl(context);
    requireSecrets(context.secrets);
    const signature = decodeBase64Digest(requireHeader(request.headers, SIGNATURE_HEADER), 32);
    const timestamp = requireHeader(request.headers, TIMESTAMP_HEADER);
    if (signature === undefined) {
      throw new WebhookVerificationError(
        'INTAKE_BAD_SIGNATURE',
        `${SIGNATURE_HEADER} must be a base64 HMAC-SHA256 (44 characters)`,
      );
    }
    if (!/^\d{1,15}$/.test(timestamp)) {
      throw new WebhookVerificationError(
        'INTAKE_BAD_SIGNATURE',
        `${TIMESTAMP_HEADER} is not an integer number of milliseconds`,
      );
    }
    checkSkew(Number(timestamp), context.nowMs, context.toleranceSeconds);
    requireSignedBy(signature, context.secrets, (secret) =>
      hmacSha256(secret, METHOD, url, request.rawBody, timestamp),
    );
  },

  deliveryId: idHeaderDeliveryId,

  signedAt(request: SignedRequest): number | undefined {
    const ms = Number(headerValue(request.headers, TIMESTAMP_HEADER));
    return Number.isFinite(ms) && ms > 0 ? ms : undefined;
  },
};

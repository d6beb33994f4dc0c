import {
  decodeHexDigest,
  hmacSha256,
  requireHeader,
  requireSecrets,
  idHeaderDeliveryId,
  requireSignedBy,
} from './crypto';
import type { SignatureVerifier, SignedRequest, VerifyContext } from './types';
import { WebhookVerificationError } from './verification-error';

/**
 * Generic CRM webhooks: the configured `header` carries the hex HMAC-SHA256 of the raw body
 * (optionally prefixed `sha256=`), keyed with the secret's UTF-8 bytes. No timestamp is signed;
 * the optional `idHeader` carries the delivery id used for dedupe (else a body hash is used).
 */
const PREFIX = 'sha256=';

function signatureHeaderName(context: VerifyContext): string {
  if (context.header === undefined) {
    throw new WebhookVerificationError(
      'INTAKE_SOURCE_MISCONFIGURED',
      'the hmac-sha256 scheme needs `verify.header` (the header carrying the signature)',
    );
  }
  return context.header.toLowerCase();
}

export const hmacSha256Verifier: SignatureVerifier = {
  verify(request: SignedRequest, context: VerifyContext): void {
    const headerName = signatureHeaderName(context);
    requireSecrets(context.secrets);
    const raw = requireHeader(request.headers, headerName);
    const signature = decodeHexDigest(raw.startsWith(PREFIX) ? raw.slice(PREFIX.length) : raw);
    if (signature === undefined) {
      throw new WebhookVerificationError(
        'INTAKE_BAD_SIGNATURE',
        `${headerName} must be 64 hex digits, optionally prefixed sha256=`,
      );
    }
    requireSignedBy(signature, context.secrets, (secret) => hmacSha256(secret, request.rawBody));
  },

  deliveryId: idHeaderDeliveryId,
};

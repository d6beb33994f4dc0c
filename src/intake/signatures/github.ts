import {
  constantTimeEqual,
  decodeHexDigest,
  headerValue,
  hmacSha256,
  noMatch,
  requireHeader,
  requireSecrets,
} from './crypto';
import type { SignatureVerifier, SignedRequest, VerifyContext } from './types';
import { WebhookVerificationError } from './verification-error';

/**
 * GitHub webhooks: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` keyed with the
 * secret's UTF-8 bytes; `X-GitHub-Delivery` is the delivery GUID (kept across redeliveries).
 * There is no signed timestamp, so replays are caught only by the delivery-id dedupe.
 */
const SIGNATURE_HEADER = 'x-hub-signature-256';
const DELIVERY_HEADER = 'x-github-delivery';
const PREFIX = 'sha256=';

export const githubVerifier: SignatureVerifier = {
  verify(request: SignedRequest, context: VerifyContext): void {
    requireSecrets(context.secrets);
    const header = requireHeader(request.headers, SIGNATURE_HEADER);
    const signature = header.startsWith(PREFIX)
      ? decodeHexDigest(header.slice(PREFIX.length))
      : undefined;
    if (signature === undefined) {
      throw new WebhookVerificationError(
        'INTAKE_BAD_SIGNATURE',
        `${SIGNATURE_HEADER} must be sha256=<64 hex digits>`,
      );
    }
    for (const secret of context.secrets) {
      if (constantTimeEqual(signature, hmacSha256(secret, request.rawBody))) {
        return;
      }
    }
    noMatch();
  },

  deliveryId(request: SignedRequest): string | undefined {
    return headerValue(request.headers, DELIVERY_HEADER);
  },
};

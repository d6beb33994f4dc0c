import {
  checkTimestamp,
  constantTimeEqual,
  headerValue,
  hmacSha256,
  noMatch,
  requireHeader,
  requireSecrets,
} from './crypto';
import type { SignatureVerifier, SignedRequest, VerifyContext } from './types';
import { WebhookVerificationError } from './verification-error';

/**
 * Standard Webhooks (standardwebhooks.com, spec/standard-webhooks.md v1.0.0):
 * - headers `webhook-id`, `webhook-timestamp` (Unix seconds), `webhook-signature`: a
 *   space-delimited list of `<version>,<base64 signature>` (several during key rotation);
 * - signed content `${webhook-id}.${webhook-timestamp}.${raw body}`, HMAC-SHA256 (`v1`);
 * - the secret is base64, shown with a `whsec_` prefix; the key is its decoded bytes;
 * - consumers check the timestamp against a tolerance and use `webhook-id` as idempotency key.
 * Asymmetric `v1a` signatures are not supported (ignored, so they never match).
 */
const SECRET_PREFIX = 'whsec_';
const SIGNATURE_VERSION = 'v1';

/** The HMAC key of a `whsec_…` secret; throws `INTAKE_SOURCE_MISCONFIGURED` if it is not base64. */
export function standardWebhooksKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
  if (key === undefined || key.length === 0) {
    throw new WebhookVerificationError(
      'INTAKE_SOURCE_MISCONFIGURED',
      'the standard-webhooks secret is not a base64 (optionally whsec_-prefixed) value',
    );
  }
  return key;
}

function parseSignatures(header: string): Buffer[] {
  const signatures: Buffer[] = [];
  for (const entry of header.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma > 0 && entry.slice(0, comma) === SIGNATURE_VERSION) {
      signatures.push(Buffer.from(entry.slice(comma + 1), 'base64'));
    }
  }
  if (signatures.length === 0) {
    throw new WebhookVerificationError(
      'INTAKE_BAD_SIGNATURE',
      'webhook-signature has no v1,<base64> signature',
    );
  }
  return signatures;
}

export const standardWebhooksVerifier: SignatureVerifier = {
  verify(request: SignedRequest, context: VerifyContext): void {
    requireSecrets(context.secrets);
    const id = requireHeader(request.headers, 'webhook-id');
    const timestamp = requireHeader(request.headers, 'webhook-timestamp');
    const signatures = parseSignatures(requireHeader(request.headers, 'webhook-signature'));
    checkTimestamp(timestamp, context.nowMs, context.toleranceSeconds);
    for (const secret of context.secrets) {
      const expected = hmacSha256(
        standardWebhooksKey(secret),
        id,
        '.',
        timestamp,
        '.',
        request.rawBody,
      );
      if (signatures.some((candidate) => constantTimeEqual(candidate, expected))) {
        return;
      }
    }
    noMatch();
  },

  deliveryId(request: SignedRequest): string | undefined {
    return headerValue(request.headers, 'webhook-id');
  },

  signedAt(request: SignedRequest): number | undefined {
    const seconds = Number(headerValue(request.headers, 'webhook-timestamp'));
    return Number.isFinite(seconds) ? seconds * 1000 : undefined;
  },
};

import {
  checkTimestamp,
  constantTimeEqual,
  decodeHexDigest,
  hmacSha256,
  noMatch,
  requireHeader,
  requireSecrets,
} from './crypto';
import type { SignatureVerifier, SignedRequest, VerifyContext } from './types';
import { WebhookVerificationError } from './verification-error';

/**
 * Stripe webhooks: `Stripe-Signature: t=<Unix seconds>,v1=<hex>[,v1=<hex>…]` (other schemes such
 * as `v0` are ignored); the signed payload is `${t}.${raw body}`, HMAC-SHA256 keyed with the
 * endpoint secret's UTF-8 bytes (the `whsec_…` string as is). Several `v1` entries appear while a
 * secret is being rolled. The event's `id` (body) is the dedupe id.
 */
const SIGNATURE_HEADER = 'stripe-signature';

function parseHeader(header: string): { timestamp: string; signatures: Buffer[] } {
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    const key = item.slice(0, Math.max(eq, 0)).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 't' && timestamp === undefined) {
      timestamp = value;
    } else if (key === 'v1') {
      const signature = decodeHexDigest(value);
      if (signature !== undefined) {
        signatures.push(signature);
      }
    }
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookVerificationError(
      'INTAKE_BAD_SIGNATURE',
      `${SIGNATURE_HEADER} must be t=<seconds>,v1=<64 hex digits>[,v1=…]`,
    );
  }
  return { timestamp, signatures };
}

export const stripeVerifier: SignatureVerifier = {
  verify(request: SignedRequest, context: VerifyContext): void {
    requireSecrets(context.secrets);
    const { timestamp, signatures } = parseHeader(requireHeader(request.headers, SIGNATURE_HEADER));
    checkTimestamp(timestamp, context.nowMs, context.toleranceSeconds);
    for (const secret of context.secrets) {
      const expected = hmacSha256(secret, timestamp, '.', request.rawBody);
      if (signatures.some((candidate) => constantTimeEqual(candidate, expected))) {
        return;
      }
    }
    noMatch();
  },

  deliveryId(_request: SignedRequest, body: unknown): string | undefined {
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'id' in body) {
      const { id } = body;
      return typeof id === 'string' && id !== '' ? id : undefined;
    }
    return undefined;
  },

  signedAt(request: SignedRequest): number | undefined {
    const seconds = Number(parseHeader(requireHeader(request.headers, SIGNATURE_HEADER)).timestamp);
    return Number.isFinite(seconds) ? seconds * 1000 : undefined;
  },
};

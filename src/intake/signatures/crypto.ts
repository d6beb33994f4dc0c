import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

import type { SignedRequest, VerifyContext } from './types';
import { WebhookVerificationError } from './verification-error';

/** Default allowed skew of signed timestamps (seconds), as Standard Webhooks and Stripe use. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** HMAC-SHA256 of the concatenated parts. */
export function hmacSha256(key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) {
    mac.update(part);
  }
  return mac.digest();
}

/** Constant-time equality of two buffers; different lengths are simply unequal. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Decodes a 64-digit hex SHA-256 signature, or `undefined` if it is not one. */
export function decodeHexDigest(value: string): Buffer | undefined {
  return HEX_SHA256.test(value) ? Buffer.from(value, 'hex') : undefined;
}

/** The first value of a header (lower-case name), trimmed; `undefined` when absent or empty. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const raw = headers[name.toLowerCase()];
  const value = Array.isArray(raw) ? raw[0] : raw;
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/** A header the scheme requires; throws `INTAKE_BAD_SIGNATURE` naming it when missing. */
export function requireHeader(headers: IncomingHttpHeaders, name: string): string {
  const value = headerValue(headers, name);
  if (value === undefined) {
    throw new WebhookVerificationError('INTAKE_BAD_SIGNATURE', `missing ${name} header`, {
      header: name,
    });
  }
  return value;
}

/**
 * Checks a signed Unix timestamp (seconds) against now ± tolerance. Throws
 * `INTAKE_STALE_TIMESTAMP` saying how far off it is, or `INTAKE_BAD_SIGNATURE` if it is not an
 * integer.
 */
export function checkTimestamp(raw: string, nowMs: number, toleranceSeconds: number): number {
  if (!/^\d{1,12}$/.test(raw)) {
    throw new WebhookVerificationError(
      'INTAKE_BAD_SIGNATURE',
      'signature timestamp is not an integer number of seconds',
    );
  }
  const timestamp = Number(raw);
  checkSkew(timestamp * 1000, nowMs, toleranceSeconds);
  return timestamp;
}

/**
 * Checks a signed time (epoch ms, however the vendor wrote it) against now ± tolerance; throws
 * `INTAKE_STALE_TIMESTAMP` saying how far off it is.
 */
export function checkSkew(signedAtMs: number, nowMs: number, toleranceSeconds: number): void {
  const skewSeconds = Math.round((nowMs - signedAtMs) / 1000);
  if (Math.abs(skewSeconds) > toleranceSeconds) {
    const direction = skewSeconds > 0 ? 'in the past' : 'in the future';
    throw new WebhookVerificationError(
      'INTAKE_STALE_TIMESTAMP',
      `signature timestamp is ${Math.abs(skewSeconds)} s ${direction}; tolerance is ±${toleranceSeconds} s`,
      { skewSeconds, toleranceSeconds },
    );
  }
}

/** Decodes a base64 signature, or `undefined` if it is not base64 of `bytes` bytes. */
export function decodeBase64Digest(value: string, bytes: number): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    return undefined;
  }
  const decoded = Buffer.from(value, 'base64');
  return decoded.length === bytes ? decoded : undefined;
}

/** Throws the generic "no signature matched" error (same message whatever the reason). */
export function noMatch(): never {
  throw new WebhookVerificationError(
    'INTAKE_BAD_SIGNATURE',
    'no signature matches any configured secret',
  );
}

/** Throws when a source has no usable secret (our configuration problem). */
export function requireSecrets(secrets: readonly string[]): void {
  if (secrets.length === 0) {
    throw new WebhookVerificationError(
      'INTAKE_SOURCE_MISCONFIGURED',
      'no webhook secret is configured for this source',
    );
  }
}

/**
 * Returns when `signature` equals the digest `expectedFor` computes with one of the secrets
 * (several during key rotation, each compared in constant time); else throws {@link noMatch}.
 */
export function requireSignedBy(
  signature: Buffer,
  secrets: readonly string[],
  expectedFor: (secret: string) => Buffer,
): void {
  for (const secret of secrets) {
    if (constantTimeEqual(signature, expectedFor(secret))) {
      return;
    }
  }
  noMatch();
}

/** The delivery id of schemes whose sender puts it in the source's configured `idHeader`. */
export function idHeaderDeliveryId(
  request: SignedRequest,
  _body: unknown,
  context: VerifyContext,
): string | undefined {
  return context.idHeader === undefined
    ? undefined
    : headerValue(request.headers, context.idHeader);
}

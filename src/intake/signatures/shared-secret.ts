import { createHash, timingSafeEqual } from 'node:crypto';

import { IntakeError } from '../errors';
import { headerValue, requireSecrets } from './crypto';
import type { SignatureVerifier, SignedRequest, VerifyContext } from './types';
import { WebhookVerificationError } from './verification-error';

/**
 * Unsigned senders (ServiceNow, Freshdesk, Dynamics 365, Zoho Desk, Gorgias, Salesforce Outbound
 * Messages) authenticate with a shared secret sent as is: in a header, as Basic credentials, as a
 * bearer token, in a query parameter or as the URL's last path segment (`verify.in`). Nothing
 * signs the body, so a changed body with the right secret is accepted: TLS is what keeps the body
 * and the secret from being read or altered on the way. Replays are caught only by the dedupe id
 * (the `idHeader` when configured, else a hash of the body).
 */

/** SHA-256 of a string: comparing digests keeps the compare constant-time whatever the lengths. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Whether `presented` equals one of `secrets`, in time independent of where they differ or of
 * their lengths; every secret is compared (no early exit that would tell which one matched).
 */
export function matchesAnySecret(presented: string, secrets: readonly string[]): boolean {
  const presentedDigest = digest(presented);
  let matched = false;
  for (const secret of secrets) {
    matched = timingSafeEqual(presentedDigest, digest(secret)) || matched;
  }
  return matched;
}

function unauthenticated(message: string): IntakeError {
  return new IntakeError('INTAKE_UNAUTHENTICATED', message);
}

function misconfigured(message: string): WebhookVerificationError {
  return new WebhookVerificationError('INTAKE_SOURCE_MISCONFIGURED', message);
}

/** `Authorization: <scheme> <credentials>` → the credentials when the scheme matches. */
function authorization(request: SignedRequest, scheme: 'basic' | 'bearer'): string | undefined {
  const value = headerValue(request.headers, 'authorization');
  const space = value?.indexOf(' ') ?? -1;
  if (value === undefined || space < 0 || value.slice(0, space).toLowerCase() !== scheme) {
    return undefined;
  }
  const credentials = value.slice(space + 1).trim();
  return credentials === '' ? undefined : credentials;
}

/** A query parameter given exactly once (twice is ambiguous, so refused). */
function queryValue(request: SignedRequest, name: string): string | undefined {
  const values = request.query?.getAll(name) ?? [];
  return values.length === 1 && values[0] !== '' ? values[0] : undefined;
}

/**
 * Checks Basic credentials against secrets written `user:password` (or just `password`, then
 * any user name is accepted).
 */
function checkBasic(request: SignedRequest, secrets: readonly string[]): boolean {
  const encoded = authorization(request, 'basic');
  if (encoded === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw unauthenticated('missing Basic credentials (Authorization: Basic …)');
  }
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    throw unauthenticated('malformed Basic credentials: expected user:password');
  }
  const withUser = secrets.filter((secret) => secret.includes(':'));
  const passwordOnly = secrets.filter((secret) => !secret.includes(':'));
  const byUser = withUser.length > 0 && matchesAnySecret(decoded, withUser);
  const byPassword =
    passwordOnly.length > 0 && matchesAnySecret(decoded.slice(colon + 1), passwordOnly);
  return byUser || byPassword;
}

/** The secret the request presents where the source says it is; throws when it is absent. */
function presentedSecret(request: SignedRequest, context: VerifyContext): string {
  switch (context.tokenIn) {
    case 'header': {
      if (context.header === undefined) {
        throw misconfigured('`in: header` needs `verify.header`');
      }
      const value = headerValue(request.headers, context.header);
      if (value === undefined) {
        throw unauthenticated(`missing ${context.header.toLowerCase()} header`);
      }
      return value;
    }
    case 'bearer': {
      const token = authorization(request, 'bearer');
      if (token === undefined) {
        throw unauthenticated('missing bearer token (Authorization: Bearer …)');
      }
      return token;
    }
    case 'query': {
      if (context.param === undefined) {
        throw misconfigured('`in: query` needs `verify.param`');
      }
      const value = queryValue(request, context.param);
      if (value === undefined) {
        throw unauthenticated(`missing (or repeated) query parameter ${context.param}`);
      }
      return value;
    }
    case 'path': {
      if (request.pathToken === undefined || request.pathToken === '') {
        throw unauthenticated('missing token: POST to /webhooks/{source}/{token}');
      }
      return request.pathToken;
    }
    case 'basic':
    case undefined:
      throw misconfigured('the token location is not set (`verify.in`)');
  }
}

export const sharedSecretVerifier: SignatureVerifier = {
  verify(request: SignedRequest, context: VerifyContext): void {
    requireSecrets(context.secrets);
    if (context.tokenIn !== 'path' && request.pathToken !== undefined) {
      // A token in the path of a source that expects it elsewhere: a wrong URL, refused.
      throw unauthenticated('this source takes no token in the path');
    }
    const ok =
      context.tokenIn === 'basic'
        ? checkBasic(request, context.secrets)
        : matchesAnySecret(presentedSecret(request, context), context.secrets);
    if (!ok) {
      throw unauthenticated('the credentials do not match any configured secret');
    }
  },

  deliveryId(request: SignedRequest, _body: unknown, context: VerifyContext): string | undefined {
    return context.idHeader === undefined
      ? undefined
      : headerValue(request.headers, context.idHeader);
  },
};

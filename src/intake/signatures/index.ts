import type { SignatureScheme } from '../../rules/sources-schema';
import { githubVerifier } from './github';
import { hmacSha256Verifier } from './hmac-sha256';
import { sharedSecretVerifier } from './shared-secret';
import { standardWebhooksVerifier } from './standard-webhooks';
import { stripeVerifier } from './stripe';
import type { SignatureVerifier } from './types';

/** The verifier of each configured signature scheme. */
export const SIGNATURE_VERIFIERS: Readonly<Record<SignatureScheme, SignatureVerifier>> = {
  'standard-webhooks': standardWebhooksVerifier,
  github: githubVerifier,
  stripe: stripeVerifier,
  'hmac-sha256': hmacSha256Verifier,
  'shared-secret': sharedSecretVerifier,
  // The URL token only; the SOAP body and OrganizationId are checked by the Salesforce route.
  'salesforce-outbound-message': sharedSecretVerifier,
};

export { DEFAULT_TOLERANCE_SECONDS, constantTimeEqual, headerValue } from './crypto';
export { standardWebhooksKey } from './standard-webhooks';
export type { SignatureVerifier, SignedRequest, VerifyContext } from './types';
export { WebhookVerificationError } from './verification-error';
export type { WebhookVerificationCode } from './verification-error';
export { githubVerifier, hmacSha256Verifier, standardWebhooksVerifier, stripeVerifier };
export { matchesAnySecret, sharedSecretVerifier } from './shared-secret';

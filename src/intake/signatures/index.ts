import type { SignatureScheme } from '../../rules/sources-schema';
import { githubVerifier } from './github';
import { hmacSha256Verifier } from './hmac-sha256';
import { hubspotV3Verifier } from './hubspot-v3';
import { intercomVerifier } from './intercom';
import { sharedSecretVerifier } from './shared-secret';
import { standardWebhooksVerifier } from './standard-webhooks';
import { stripeVerifier } from './stripe';
import type { SignatureVerifier } from './types';
import { zendeskVerifier } from './zendesk';

/** The verifier of each configured signature scheme. */
export const SIGNATURE_VERIFIERS: Readonly<Record<SignatureScheme, SignatureVerifier>> = {
  'standard-webhooks': standardWebhooksVerifier,
  github: githubVerifier,
  stripe: stripeVerifier,
  'hmac-sha256': hmacSha256Verifier,
  zendesk: zendeskVerifier,
  'hubspot-v3': hubspotV3Verifier,
  intercom: intercomVerifier,
  'shared-secret': sharedSecretVerifier,
  // The URL token only; the SOAP body and OrganizationId are checked by the Salesforce route.
  'salesforce-outbound-message': sharedSecretVerifier,
};

export { DEFAULT_TOLERANCE_SECONDS, constantTimeEqual, headerValue } from './crypto';
export { standardWebhooksKey } from './standard-webhooks';
export { signDelivery } from './sign';
export type { SignInput } from './sign';
export type { SignatureVerifier, SignedRequest, VerifyContext } from './types';
export { WebhookVerificationError } from './verification-error';
export type { WebhookVerificationCode } from './verification-error';
export { matchesAnySecret, sharedSecretVerifier } from './shared-secret';
export {
  githubVerifier,
  hmacSha256Verifier,
  hubspotV3Verifier,
  intercomVerifier,
  standardWebhooksVerifier,
  stripeVerifier,
  zendeskVerifier,
};

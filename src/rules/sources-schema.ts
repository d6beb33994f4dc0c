import { z } from 'zod';

import { checkTokenVerify, tokenVerifyFields, webhookAnswerSchema } from './token-verify-schema';

/**
 * How intake authenticates each source, as written by ops under `sources:` in the rules file.
 * Secrets are never written in the file: each names the environment variable that holds it.
 */

/** Name of an environment variable holding a secret (upper snake case). */
const envName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'must be an environment variable name such as CRM_WEBHOOK_SECRET',
  );

/** EventBridge API destination connection auth: an API-key header, or Basic auth. */
export const eventBridgeAuthSchema = z.union(
  [
    z.strictObject({
      /** Header the connection sends (EventBridge "API key" authorization), e.g. `x-api-key`. */
      header: z.string().min(1),
      valueEnv: envName,
    }),
    z.strictObject({
      basic: z.strictObject({ usernameEnv: envName, passwordEnv: envName }),
    }),
  ],
  {
    error: () =>
      'must be { header: x-api-key, valueEnv: VAR } (API key) or { basic: { usernameEnv: VAR, passwordEnv: VAR } }',
  },
);

/** Signature schemes intake verifies on the raw body (constant-time compare). */
export const signatureSchemeSchema = z.enum([
  'standard-webhooks',
  'github',
  'stripe',
  'hmac-sha256',
  /** Unsigned: a shared secret in a header, Basic, bearer, query or path (`verify.in`). */
  'shared-secret',
  /** Salesforce Outbound Messages (SOAP): a URL token plus the configured `organizationId`. */
  'salesforce-outbound-message',
]);

export const webhookVerifySchema = z
  .strictObject({
    scheme: signatureSchemeSchema,
    /** Env var holding the secret; for standard-webhooks the `whsec_…` base64 secret. Several
     * secrets (key rotation) may be given comma-separated in the variable. */
    secretEnv: envName,
    /** For `hmac-sha256`: header carrying the hex (or `sha256=`-prefixed) signature; for
     * `shared-secret` with `in: header`: the header carrying the secret. */
    header: z.string().min(1).optional(),
    /** For `hmac-sha256`: header carrying the delivery id used for dedupe (else a body hash). */
    idHeader: z.string().min(1).optional(),
    /** Allowed clock skew for timestamped schemes, in seconds (default 300). */
    toleranceSeconds: z.number().int().positive().max(3600).optional(),
    ...tokenVerifyFields,
  })
  .superRefine(checkTokenVerify);

export const eventBridgeSourceSchema = z.strictObject({
  auth: eventBridgeAuthSchema,
});

export const webhookSourceSchema = z.strictObject({
  verify: webhookVerifySchema,
  /** How deliveries are answered (default `closer`; `ok-200` for Zoho Desk). */
  answer: webhookAnswerSchema.optional(),
  /** `true`: a JSON array body is one delivery per element (Zoho Desk batches events so). */
  splitArray: z.boolean().optional(),
});

/**
 * `sources:` — `eventbridge` (optional) plus any number of named webhook sources
 * (`crm`, `zendesk`, …), each reachable at `POST /webhooks/{name}`.
 */
export const sourcesSchema = z
  .object({ eventbridge: eventBridgeSourceSchema.optional() })
  .catchall(webhookSourceSchema);

export type EventBridgeAuth = z.infer<typeof eventBridgeAuthSchema>;
export type WebhookVerify = z.infer<typeof webhookVerifySchema>;
export type SignatureScheme = z.infer<typeof signatureSchemeSchema>;
export type SourcesConfig = z.infer<typeof sourcesSchema>;

import { z } from 'zod';

/**
 * Settings of the unsigned (token) schemes: `shared-secret` (ServiceNow, Freshdesk, Dynamics 365,
 * Zoho Desk, Gorgias…) and `salesforce-outbound-message`. Kept apart from `sources-schema.ts` so
 * the signature schemes and these evolve without touching each other.
 */

/** Where the sender puts the shared secret. */
export const tokenLocationSchema = z.enum(['header', 'basic', 'bearer', 'query', 'path']);

/** Alphabet of the 3-character case suffix of an 18-character Salesforce id. */
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 18-character form's suffix of a 15-character Salesforce id (case-sensitive → -insensitive). */
export function salesforceIdSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= 'A' && c <= 'Z') {
        bits |= 1 << i;
      }
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/** The form of an organization id: `00D`, 12 more characters, and the optional case suffix. */
const ORG_ID_FORMAT = /^00D[A-Za-z0-9]{12}(?:[A-Za-z0-5]{3})?$/;

/** A Salesforce organization id: `00D…`, 15 characters or 18 with a matching case suffix. */
export const salesforceOrgIdSchema = z
  .string()
  .regex(ORG_ID_FORMAT, 'must be a Salesforce organization id (00D…, 15 or 18 characters)')
  .refine(
    // Only an id of the right form has a suffix to check (else the regex said it all).
    (id) =>
      !ORG_ID_FORMAT.test(id) ||
      id.length === 15 ||
      salesforceIdSuffix(id.slice(0, 15)) === id.slice(15).toUpperCase(),
    'the last 3 characters do not match the first 15 (a typo in the organization id?)',
  );

/** Fields `verify:` gains for the token schemes (all optional; checked by {@link checkTokenVerify}). */
export const tokenVerifyFields = {
  /** `shared-secret` / `salesforce-outbound-message`: where the secret is sent. */
  in: tokenLocationSchema.optional(),
  /** `in: query`: the query parameter carrying the secret (Dynamics 365 WebhookKey: `code`). */
  param: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a query parameter name')
    .optional(),
  /** `salesforce-outbound-message`: the only organization whose messages are accepted. */
  organizationId: salesforceOrgIdSchema.optional(),
};

/** The part of a `verify:` block the token-scheme check reads. */
interface VerifyShape {
  scheme: string;
  in?: z.infer<typeof tokenLocationSchema> | undefined;
  header?: string | undefined;
  param?: string | undefined;
  organizationId?: string | undefined;
}

/**
 * Cross-field rules of the token schemes, as zod issues on the `verify:` object (`at`: the path
 * of that object from where the check runs, e.g. `['verify']` from its source).
 */
export function checkTokenVerify(
  verify: VerifyShape,
  ctx: z.RefinementCtx,
  at: readonly string[] = [],
): void {
  const problem = (path: string, message: string): void => {
    ctx.addIssue({ code: 'custom', path: [...at, path], message });
  };
  if (verify.scheme === 'shared-secret') {
    if (verify.in === undefined) {
      problem('in', 'the shared-secret scheme needs `in`: header, basic, bearer, query or path');
    }
  } else if (verify.scheme === 'salesforce-outbound-message') {
    if (verify.organizationId === undefined) {
      problem('organizationId', 'Salesforce outbound messages need `organizationId` (00D…)');
    }
    if (verify.in !== undefined && verify.in !== 'path' && verify.in !== 'query') {
      problem('in', 'Salesforce cannot send headers: use `in: path` (default) or `in: query`');
    }
  } else {
    for (const key of ['in', 'param', 'organizationId'] as const) {
      if (verify[key] !== undefined) {
        problem(key, `\`${key}\` applies only to the shared-secret and Salesforce schemes`);
      }
    }
    return;
  }
  if (verify.in === 'header' && verify.header === undefined) {
    problem('header', '`in: header` needs `header`, the header carrying the secret');
  }
  if (verify.in === 'query' && verify.param === undefined) {
    problem('param', '`in: query` needs `param`, the query parameter carrying the secret');
  }
  if (verify.in !== 'header' && verify.header !== undefined) {
    problem('header', '`header` applies only with `in: header`');
  }
  if (verify.in !== 'query' && verify.param !== undefined) {
    problem('param', '`param` applies only with `in: query`');
  }
}

/**
 * How a webhook source is answered. `closer` (default): 202 accepted, 200 duplicate, JSON errors.
 * `ok-200`: every accepted or duplicate delivery is exactly `200` (Zoho Desk treats anything else
 * as a failure), errors keep their status but never 410. Salesforce sources always answer SOAP.
 */
export const webhookAnswerSchema = z.enum(['closer', 'ok-200']);

export type TokenLocation = z.infer<typeof tokenLocationSchema>;
export type WebhookAnswerStyle = z.infer<typeof webhookAnswerSchema>;

import { z } from 'zod';
import { parseJsonPath } from './json-path';
import type { PresetVerify } from './preset-types';
import { PRESET_PLACEHOLDER, presetNameSchema, SOURCE_PRESETS } from './presets';
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
  'zendesk',
  'hubspot-v3',
  'intercom',
  /** Unsigned: a shared secret in a header, Basic, bearer, query or path (`verify.in`). */
  'shared-secret',
  /** Salesforce Outbound Messages (SOAP): a URL token plus the configured `organizationId`. */
  'salesforce-outbound-message',
]);

/** A JSONPath into the webhook body, e.g. `$.id`. */
const bodyPath = z.string().superRefine((value, ctx) => {
  const parsed = parseJsonPath(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.problem });
  }
});

/** The fields of `verify:` (cross-field rules: {@link webhookVerifySchema}). */
const webhookVerifyFields = z.strictObject({
  scheme: signatureSchemeSchema,
  /** Env var holding the secret; for standard-webhooks the `whsec_…` base64 secret. Several
   * secrets (key rotation) may be given comma-separated in the variable. */
  secretEnv: envName,
  /** For `hmac-sha256`: header carrying the hex (or `sha256=`-prefixed) signature; for
   * `shared-secret` with `in: header`: the header carrying the secret. */
  header: z.string().min(1).optional(),
  /** Header carrying the delivery id used for dedupe (else `idPath`, else a body hash). */
  idHeader: z.string().min(1).optional(),
  /** Where the delivery id is in the body (per item with `eachItem`), e.g. `$.id`. */
  idPath: bodyPath.optional(),
  /**
   * For `hubspot-v3`: the URL the vendor calls, exactly as configured on its side (a proxy may
   * change what closer sees, and the signature covers it).
   */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Allowed clock skew for timestamped schemes, in seconds (default 300). */
  toleranceSeconds: z.number().int().positive().max(3600).optional(),
  ...tokenVerifyFields,
});

/** A whole `verify:` block, with the token schemes' cross-field rules. */
export const webhookVerifySchema = webhookVerifyFields.superRefine((verify, ctx) => {
  checkTokenVerify(verify, ctx);
});

export const eventBridgeSourceSchema = z.strictObject({
  auth: eventBridgeAuthSchema,
});

/** A webhook source as closer uses it: every preset default written out. */
export const resolvedWebhookSourceSchema = z.strictObject({
  /** The preset the defaults came from, if any. */
  preset: presetNameSchema.optional(),
  verify: webhookVerifySchema,
  /** A JSON array body is stored as one event per item (HubSpot, Zoho Desk batch; default false). */
  eachItem: z.boolean(),
  /** How deliveries are answered (default `closer`; `ok-200` for Zoho Desk). */
  answer: webhookAnswerSchema.optional(),
});

/**
 * A webhook source as written: `preset:` (optional) supplies defaults for `verify`, `eachItem`
 * and `answer`; whatever the file says wins. A `<PLACEHOLDER>` the preset leaves in `verify` (a
 * per-account value) is refused until the file writes that field. Without a preset
 * `verify.scheme` and `verify.secretEnv` are required.
 */
export const webhookSourceSchema = z
  .strictObject({
    preset: presetNameSchema.optional(),
    verify: webhookVerifyFields.partial().optional(),
    eachItem: z.boolean().optional(),
    answer: webhookAnswerSchema.optional(),
  })
  .superRefine((source, ctx) => {
    const preset = source.preset === undefined ? undefined : SOURCE_PRESETS[source.preset];
    for (const key of ['scheme', 'secretEnv'] as const) {
      if (preset === undefined && source.verify?.[key] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: source.verify === undefined ? ['verify'] : ['verify', key],
          message: `${source.verify === undefined ? 'verify' : key} is required (or use a preset: ${presetNameSchema.options.join(', ')})`,
        });
      }
    }
    const own = definedOnly(source.verify ?? {});
    const inForce = verifyInForce(preset?.verify, own);
    const scheme = inForce.scheme;
    if (scheme !== undefined) {
      // The token schemes' rules hold for the settings in force (the preset's and the file's).
      checkTokenVerify({ ...inForce, scheme }, ctx, ['verify']);
    }
    for (const [key, value] of Object.entries(inForce)) {
      // Only a value the preset supplies: one the file writes is checked by its own field.
      if (typeof value === 'string' && PRESET_PLACEHOLDER.test(value) && !Object.hasOwn(own, key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['verify', key],
          message: `${value} is a placeholder of the ${source.preset ?? ''} preset: write verify.${key} on this source with your account's value (see ${preset?.docs ?? 'docs/crm/'})`,
          params: { code: 'RULES_PLACEHOLDER_ID' },
        });
      }
    }
    for (const [key, why] of Object.entries(preset?.required ?? {})) {
      if (key === 'publicUrl' && source.verify?.publicUrl === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['verify'],
          message: `the ${source.preset ?? ''} preset needs verify.${key}: ${why}`,
        });
      }
    }
  })
  .transform((source): ResolvedWebhookSource => {
    const preset = source.preset === undefined ? undefined : SOURCE_PRESETS[source.preset];
    const own = definedOnly(source.verify ?? {});
    const scheme = own.scheme ?? preset?.verify.scheme;
    const secretEnv = own.secretEnv ?? preset?.verify.secretEnv;
    if (scheme === undefined || secretEnv === undefined) {
      // Unreachable: the refinement above refused the source.
      throw new Error('a webhook source without scheme or secretEnv');
    }
    const verify: WebhookVerify = { ...verifyInForce(preset?.verify, own), scheme, secretEnv };
    const answer = source.answer ?? preset?.answer;
    return {
      ...(source.preset === undefined ? {} : { preset: source.preset }),
      verify,
      eachItem: source.eachItem ?? preset?.eachItem ?? false,
      ...(answer === undefined ? {} : { answer }),
    };
  });

/**
 * The `verify` settings in force: the preset's defaults under the file's own fields. A file that
 * moves the secret (`in:` other than the preset's) drops the preset's `header` and `param`, which
 * belonged to the preset's place (Dynamics 365 with `in: header` has no `param: code`).
 */
function verifyInForce(
  preset: PresetVerify | undefined,
  own: Partial<WebhookVerifyFields>,
): Partial<WebhookVerifyFields> {
  if (preset === undefined) {
    return own;
  }
  const { header: _header, param: _param, ...elsewhere } = preset;
  const moved = preset.in !== undefined && own.in !== undefined && own.in !== preset.in;
  return { ...(moved ? elsewhere : preset), ...own };
}

/** `value` without its undefined fields (so they do not hide a preset's default). */
function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/**
 * `sources:` — `eventbridge` (optional) plus any number of named webhook sources
 * (`crm`, `zendesk`, …), each reachable at `POST /webhooks/{name}`.
 */
export const sourcesSchema = z
  .object({ eventbridge: eventBridgeSourceSchema.optional() })
  .catchall(webhookSourceSchema);

type WebhookVerifyFields = z.infer<typeof webhookVerifyFields>;
export type EventBridgeAuth = z.infer<typeof eventBridgeAuthSchema>;
export type WebhookVerify = z.infer<typeof webhookVerifySchema>;
export type SignatureScheme = z.infer<typeof signatureSchemeSchema>;
export type SourcesConfig = z.infer<typeof sourcesSchema>;
export type ResolvedWebhookSource = z.infer<typeof resolvedWebhookSourceSchema>;

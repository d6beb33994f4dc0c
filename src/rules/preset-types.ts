import type { EventPattern } from './event-pattern-types';
import type { TokenLocation, WebhookAnswerStyle } from './token-verify-schema';

/**
 * The shape of a CRM preset (`presets.ts` lists them): kept apart so the signed vendors' presets
 * and the unsigned ones (`token-presets.ts`) share it without importing each other.
 */

/** The rule a preset suggests: what "closed" looks like and where the conversation id is. */
export interface PresetRule {
  /** May hold `<UPPER_CASE>` placeholders that ops must replace (per-account values). */
  pattern: EventPattern;
  conversationId: string;
  eventTime?: string;
}

/**
 * Defaults of a source's `verify` (its fields as in `sources-schema.ts`, which checks that they
 * fit; not imported from there, which imports the presets). A string field may be a
 * `<UPPER_CASE>` placeholder for a per-account value (e.g. Salesforce's organization id), which
 * `closer rules check` refuses until the file writes the field itself.
 */
export interface PresetVerify {
  scheme:
    | 'zendesk'
    | 'hubspot-v3'
    | 'intercom'
    | 'hmac-sha256'
    | 'shared-secret'
    | 'salesforce-outbound-message';
  secretEnv: string;
  header?: string;
  idHeader?: string;
  idPath?: string;
  toleranceSeconds?: number;
  /** Token schemes: where the vendor sends the secret. */
  in?: TokenLocation;
  /** `in: query`: the parameter carrying it. */
  param?: string;
  /** `salesforce-outbound-message`: always a placeholder (no org id can be a default). */
  organizationId?: string;
}

/** What one preset sets. */
export interface SourcePreset {
  /** Defaults of `verify` (the user's own `verify` fields win). */
  verify: PresetVerify;
  /** `verify` settings with no possible default, each with why it is needed. */
  required: { publicUrl?: string };
  /** A JSON array body is stored as one event per item (default false). */
  eachItem: boolean;
  /** How deliveries are answered, when the vendor needs other than closer's default. */
  answer?: WebhookAnswerStyle;
  rule: PresetRule;
  /** Body to paste on the vendor's side when the admin writes the payload (else undefined). */
  bodyTemplate?: string;
  /** The doc that says what to configure on the vendor's side. */
  docs: string;
}

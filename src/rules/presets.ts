import { z } from 'zod';
import type { SourcePreset } from './preset-types';
import { TOKEN_PRESETS } from './token-presets';

/**
 * CRM presets (`preset: zendesk` on a webhook source). A preset is only a set of defaults: at
 * load time it is written out into the source's explicit settings (and into the event rules of
 * that source that leave `pattern` / `conversationId` / `eventTime` out), so `GET /v1/rules`
 * shows every value in force and any of them can be overridden in the rules file. Each vendor
 * fact used here is written down, with its source, in docs/crm/<vendor>.md. The signed vendors'
 * presets are here, the unsigned ones' in `token-presets.ts`.
 */

export type { PresetRule, PresetVerify, SourcePreset } from './preset-types';

/** The vendors closer has a preset for. */
export const presetNameSchema = z.enum([
  'zendesk',
  'hubspot',
  'intercom',
  'kustomer',
  'salesforce',
  'servicenow',
  'freshdesk',
  'dynamics-365',
  'zoho-desk',
  'gorgias',
]);

/** A preset's name. */
export type PresetName = z.infer<typeof presetNameSchema>;

/**
 * A placeholder for a per-account value, e.g. `<ZENDESK_SOLVED_STATUS>` in a preset's pattern or
 * `<SALESFORCE_ORGANIZATION_ID>` in its `verify`; `closer rules check` refuses a rule or source
 * that still holds one.
 */
export const PRESET_PLACEHOLDER = /^<[A-Z][A-Z0-9_]*>$/;

/**
 * The Zendesk trigger body: written to look like the `ticket.status_changed` event so one rule
 * serves both a trigger webhook and an event-subscribed one (docs/crm/zendesk.md).
 */
const ZENDESK_TRIGGER_BODY = `{
  "type": "zen:event-type:ticket.status_changed",
  "id": "trigger-{{ticket.id}}-{{ticket.updated_at_with_timestamp}}",
  "detail": {
    "id": "{{ticket.id}}",
    "status": "{{ticket.status}}",
    "external_id": "{{ticket.external_id}}"
  }
}`;

/** Every preset. */
export const SOURCE_PRESETS: Readonly<Record<PresetName, SourcePreset>> = {
  zendesk: {
    verify: {
      scheme: 'zendesk',
      secretEnv: 'ZENDESK_WEBHOOK_SECRET',
      idHeader: 'x-zendesk-webhook-invocation-id',
      // Zendesk documents no window; 5 minutes, as Standard Webhooks and Stripe use.
      toleranceSeconds: 300,
    },
    required: {},
    eachItem: false,
    rule: {
      pattern: {
        type: ['zen:event-type:ticket.status_changed'],
        detail: { status: ['<ZENDESK_SOLVED_STATUS>'] },
      },
      conversationId: '$.detail.external_id',
    },
    bodyTemplate: ZENDESK_TRIGGER_BODY,
    docs: 'docs/crm/zendesk.md',
  },
  hubspot: {
    verify: {
      scheme: 'hubspot-v3',
      secretEnv: 'HUBSPOT_CLIENT_SECRET',
      idPath: '$.eventId',
      // HubSpot: "Reject the request if the timestamp is older than 5 minutes".
      toleranceSeconds: 300,
    },
    required: {
      publicUrl:
        'the v3 signature covers the URL HubSpot calls, which a proxy may change before closer sees it: write the target URL exactly as it is configured in the HubSpot app',
    },
    eachItem: true,
    rule: {
      pattern: {
        subscriptionType: ['ticket.propertyChange'],
        propertyName: ['<HUBSPOT_ENDED_CONVERSATION_PROPERTY>'],
      },
      conversationId: '$.propertyValue',
      eventTime: '$.occurredAt',
    },
    docs: 'docs/crm/hubspot.md',
  },
  intercom: {
    verify: { scheme: 'intercom', secretEnv: 'INTERCOM_CLIENT_SECRET', idPath: '$.id' },
    required: {},
    eachItem: false,
    rule: {
      pattern: { type: ['notification_event'], topic: ['conversation.admin.closed'] },
      conversationId: '$.data.item.custom_attributes.genesys_conversation_id',
    },
    docs: 'docs/crm/intercom.md',
  },
  kustomer: {
    verify: {
      scheme: 'hmac-sha256',
      secretEnv: 'KUSTOMER_WEBHOOK_TOKEN',
      header: 'x-kustomer-webhook-signature',
      idPath: '$.id',
    },
    required: {},
    eachItem: false,
    rule: {
      pattern: {
        name: ['kustomer.conversation.update'],
        data: { attributes: { status: ['done'] } },
      },
      conversationId: '$.data.attributes.custom.genesysConversationIdStr',
      eventTime: '$.data.attributes.updatedAt',
    },
    docs: 'docs/crm/kustomer.md',
  },
  ...TOKEN_PRESETS,
};

/** Placeholders (`<UPPER_CASE>` strings) anywhere in a pattern, with their paths. */
export function patternPlaceholders(
  pattern: unknown,
  path: (string | number)[] = [],
): Array<{ path: (string | number)[]; placeholder: string }> {
  if (typeof pattern === 'string') {
    return PRESET_PLACEHOLDER.test(pattern) ? [{ path, placeholder: pattern }] : [];
  }
  if (Array.isArray(pattern)) {
    return pattern.flatMap((item, index) => patternPlaceholders(item, [...path, index]));
  }
  if (typeof pattern === 'object' && pattern !== null) {
    return Object.entries(pattern).flatMap(([key, value]) =>
      patternPlaceholders(value, [...path, key]),
    );
  }
  return [];
}

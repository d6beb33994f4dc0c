import type { SourcePreset } from './preset-types';

/**
 * Presets of the vendors that do not sign their webhooks (Salesforce Outbound Messages and the
 * shared-secret vendors): each is the explicit configuration docs/crm/<vendor>.md shows, written
 * once here so `preset: <vendor>` gives exactly it. Secrets stay in the environment (the
 * variable each `secretEnv` names); a per-account value that cannot have a default is a
 * `<PLACEHOLDER>` that `closer rules check` refuses until the file writes it.
 */

/** The vendors of this file. */
export type TokenPresetName =
  'salesforce' | 'servicenow' | 'freshdesk' | 'dynamics-365' | 'zoho-desk' | 'gorgias';

/** The ServiceNow REST message content of docs/crm/servicenow.md (`${…}` are ServiceNow's). */
const SERVICENOW_BODY =
  '{"number":"${number}","state":"${state}","u_genesys_conversation_id":"${u_genesys_conversation_id}"}';

/** The Freshdesk Trigger Webhook content of docs/crm/freshdesk.md (`{{…}}` are Freshdesk's). */
const FRESHDESK_BODY =
  '{"freshdesk_webhook":{"ticket_id":"{{ticket.id}}","ticket_status":"{{ticket.status}}","ticket_cf_genesys_conversation_id":"{{ticket.cf_genesys_conversation_id}}"}}';

/** Every unsigned vendor's preset. */
export const TOKEN_PRESETS: Readonly<Record<TokenPresetName, SourcePreset>> = {
  salesforce: {
    verify: {
      scheme: 'salesforce-outbound-message',
      secretEnv: 'SF_OUTBOUND_TOKEN',
      // Salesforce cannot send headers: the token is the last path segment of the endpoint.
      in: 'path',
      // Messages name their org and nothing else proves where they come from: only ops know it.
      organizationId: '<SALESFORCE_ORGANIZATION_ID>',
    },
    required: {},
    eachItem: false,
    rule: {
      pattern: { attributes: { type: ['Case'] }, Status: ['Closed'] },
      conversationId: '$.Genesys_Conversation_Id__c',
    },
    docs: 'docs/crm/salesforce.md',
  },
  servicenow: {
    // An Outbound REST Message with a basic auth profile; SERVICENOW_CREDENTIALS is user:password.
    verify: { scheme: 'shared-secret', secretEnv: 'SERVICENOW_CREDENTIALS', in: 'basic' },
    required: {},
    eachItem: false,
    rule: {
      // Incident states 6 = Resolved, 7 = Closed (ServiceNow's defaults; instances may differ).
      pattern: { state: ['6', '7'] },
      conversationId: '$.u_genesys_conversation_id',
    },
    bodyTemplate: SERVICENOW_BODY,
    docs: 'docs/crm/servicenow.md',
  },
  freshdesk: {
    verify: {
      scheme: 'shared-secret',
      secretEnv: 'FRESHDESK_TOKEN',
      in: 'header',
      header: 'x-closer-token',
    },
    required: {},
    eachItem: false,
    rule: {
      pattern: { freshdesk_webhook: { ticket_status: ['Resolved', 'Closed'] } },
      conversationId: '$.freshdesk_webhook.ticket_cf_genesys_conversation_id',
    },
    bodyTemplate: FRESHDESK_BODY,
    docs: 'docs/crm/freshdesk.md',
  },
  'dynamics-365': {
    // WebhookKey authentication: the Plug-in Registration tool sends the key as `?code=`.
    verify: {
      scheme: 'shared-secret',
      secretEnv: 'DYNAMICS_WEBHOOK_KEY',
      in: 'query',
      param: 'code',
    },
    required: {},
    eachItem: false,
    rule: {
      // The flat body a Power Automate flow posts (the raw RemoteExecutionContext is lists of pairs).
      pattern: { MessageName: ['Close'], PrimaryEntityName: ['incident'] },
      conversationId: '$.genesys_conversationid',
    },
    docs: 'docs/crm/dynamics-365.md',
  },
  'zoho-desk': {
    verify: { scheme: 'shared-secret', secretEnv: 'ZOHO_DESK_TOKEN', in: 'query', param: 'token' },
    required: {},
    // Zoho Desk posts an array of events.
    eachItem: true,
    // Zoho Desk counts only 200 as received and deletes a webhook answered 410.
    answer: 'ok-200',
    rule: {
      pattern: { eventType: ['Ticket_Update'], payload: { status: ['Closed'] } },
      conversationId: '$.payload.cf.cf_genesys_conversation_id',
    },
    docs: 'docs/crm/zoho-desk.md',
  },
  gorgias: {
    verify: { scheme: 'shared-secret', secretEnv: 'GORGIAS_TOKEN', in: 'bearer' },
    required: {},
    eachItem: false,
    // Gorgias resets its failure count on a success such as 200: answering exactly 200 is safe.
    answer: 'ok-200',
    rule: { pattern: { status: ['closed'] }, conversationId: '$.conversation_id' },
    docs: 'docs/crm/gorgias.md',
  },
};

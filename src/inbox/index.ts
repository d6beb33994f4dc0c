/** The stored inbox event's payload: one typed shape that intake writes and the pipeline reads. */
export {
  genesysInboxPayloadSchema,
  webhookInboxPayloadSchema,
  inboxPayloadSchema,
  readInboxPayload,
  GENESYS_SOURCES,
} from './inbox-payload';
export { inboxOrderKey } from './order-key';
export type { GenesysInboxPayload, WebhookInboxPayload, InboxPayload } from './inbox-payload';

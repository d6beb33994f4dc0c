import { z } from 'zod';

/**
 * What intake accepts on `POST /events/eventbridge` (docs/genesys/facts.md §7): an EventBridge envelope from the
 * Genesys partner event source, an array of them, or a bare Genesys notification (forwarders).
 * Lenient on extra fields (loose objects, so new Genesys/AWS fields never break intake), strict on
 * the fields we use. Built once at module load: no per-request schema compilation.
 */

/** The partner event source prefix: `aws.partner/genesys.com/cloud/<orgId>/<suffix>`. */
export const GENESYS_PARTNER_SOURCE_PREFIX = 'aws.partner/genesys.com/';

/** The keep-alive topic of notification channels; never stored. */
export const HEARTBEAT_TOPIC = 'channel.metadata';

/** At most this many envelopes per array body. */
export const MAX_ENVELOPES_PER_REQUEST = 100;

const topicName = z.string().min(1).max(512);

/** `metadata: {CorrelationId}` of a notification. */
export const notificationMetadataSchema = z.looseObject({
  CorrelationId: z.string().optional(),
});

/** A Genesys notification: `{topicName, version, eventBody, metadata}`. */
export const genesysNotificationSchema = z.looseObject({
  topicName,
  version: z.string().optional(),
  eventBody: z.record(z.string(), z.unknown()),
  metadata: notificationMetadataSchema.optional(),
});

/** `detail` of the EventBridge envelope: the notification plus a delivery `timestamp`. */
export const eventBridgeDetailSchema = genesysNotificationSchema.extend({
  timestamp: z.string().optional(),
});

/** One EventBridge event as an API destination POSTs it (no input transformer). */
export const eventBridgeEnvelopeSchema = z.looseObject({
  version: z.string().optional(),
  id: z.string().min(1).max(256),
  'detail-type': z.string().min(1),
  source: z.string().refine((value) => value.startsWith(GENESYS_PARTNER_SOURCE_PREFIX), {
    message: `must start with ${GENESYS_PARTNER_SOURCE_PREFIX} (a Genesys partner event source)`,
  }),
  account: z.string().optional(),
  time: z.string().optional(),
  region: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: eventBridgeDetailSchema,
});

export const envelopeArraySchema = z
  .array(z.unknown())
  .min(1, 'an array body must hold at least one envelope')
  .max(
    MAX_ENVELOPES_PER_REQUEST,
    `an array body holds at most ${MAX_ENVELOPES_PER_REQUEST} envelopes`,
  );

/** A heartbeat, recognised before full validation so that it never fails on a missing field. */
export const heartbeatSchema = z.looseObject({ topicName: z.literal(HEARTBEAT_TOPIC) });
export const heartbeatEnvelopeSchema = z.looseObject({ detail: heartbeatSchema });

export type GenesysNotification = z.infer<typeof genesysNotificationSchema>;
export type EventBridgeEnvelope = z.infer<typeof eventBridgeEnvelopeSchema>;

/** The `payload` intake stores for Genesys sources (owned by `src/inbox`). */
export { genesysInboxPayloadSchema as genesysEventPayloadSchema } from '../../inbox';
export type { GenesysInboxPayload as GenesysEventPayload } from '../../inbox';

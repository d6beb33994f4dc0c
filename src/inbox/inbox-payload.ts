import { z } from 'zod';

/**
 * What one stored inbox event carries: written by intake, read by the pipeline — this module
 * owns the shape, so neither side re-parses the other's private format. Times are epoch ms.
 */

/** A Genesys notification (EventBridge delivery or notification WebSocket), `kind` = topicName. */
export const genesysInboxPayloadSchema = z.object({
  type: z.literal('genesys'),
  topicName: z.string().min(1).max(512),
  eventBody: z.record(z.string(), z.unknown()),
  /** Notification schema version (`"2"`). */
  version: z.string().optional(),
  /** `metadata.CorrelationId`. */
  correlationId: z.string().optional(),
  /** EventBridge `detail-type`: the topic pattern with `{id}`. */
  detailType: z.string().optional(),
  /**
   * When Genesys emitted the event: `detail.timestamp` (ms precision), else the envelope `time`
   * (s precision), else a bare notification's `timestamp`. Absent when none parses.
   */
  time: z.number().optional(),
});
export type GenesysInboxPayload = z.infer<typeof genesysInboxPayloadSchema>;

/** A verified webhook delivery (CRM). */
export const webhookInboxPayloadSchema = z.object({
  type: z.literal('webhook'),
  /** The JSON body as the sender signed it. */
  body: z.unknown(),
  /** The signed delivery timestamp, for schemes that sign one (Standard Webhooks, Stripe). */
  signedAt: z.number().optional(),
});
export type WebhookInboxPayload = z.infer<typeof webhookInboxPayloadSchema>;

/** Every stored inbox payload. */
export const inboxPayloadSchema = z.discriminatedUnion('type', [
  genesysInboxPayloadSchema,
  webhookInboxPayloadSchema,
]);
export type InboxPayload = z.infer<typeof inboxPayloadSchema>;

/** Sources whose events are Genesys notifications (every other source is a webhook source). */
export const GENESYS_SOURCES: ReadonlySet<string> = new Set(['eventbridge', 'notifications']);

/**
 * Reads a stored payload. Rows written before payloads carried a `type` (closer 0.1) are read by
 * their source: Genesys sources stored the notification fields, webhook sources the bare body.
 * Returns undefined for a row that fits neither (logged and skipped by the caller).
 */
export function readInboxPayload(source: string, payload: unknown): InboxPayload | undefined {
  const typed = inboxPayloadSchema.safeParse(payload);
  if (typed.success) {
    return typed.data;
  }
  if (GENESYS_SOURCES.has(source)) {
    const legacy = genesysInboxPayloadSchema.safeParse(
      typeof payload === 'object' && payload !== null ? { ...payload, type: 'genesys' } : payload,
    );
    return legacy.success ? legacy.data : undefined;
  }
  return typeof payload === 'object' &&
    payload !== null &&
    !('type' in payload && payload.type === 'webhook')
    ? { type: 'webhook', body: payload }
    : undefined;
}

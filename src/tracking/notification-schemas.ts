import { z } from 'zod';

/**
 * Lenient zod schemas for the Genesys notification bodies closer tracks. Shapes follow the SDK
 * models in `purecloud-platform-client-v2/index.d.ts` (see README.md in this folder for the model
 * names). Every field is optional except the one that identifies the conversation, and unknown
 * fields pass through: Genesys adds fields often and closer must not reject a body for that.
 */

/** `…UriReference` (`{ id, name }`) used for `user`, `queue`, `message` references. */
const uriReferenceSchema = z.looseObject({ id: z.string().optional() });

/**
 * `QueueConversationMessageEventTopicMessageDetails` / `ConversationMessageEventTopicMessageDetails`.
 * The notification models identify a message as `message.id`; the REST `MessageDetails` uses
 * `messageId`. Both are accepted.
 */
export const notificationMessageSchema = z.looseObject({
  messageId: z.string().optional(),
  id: z.string().optional(),
  message: uriReferenceSchema.optional(),
  /** ISO-8601: "The time when the message was sent or received". */
  messageTime: z.string().optional(),
  /** queued, sent, failed, received, delivery-success, delivery-failed, read, removed, published. */
  messageStatus: z.string().optional(),
});
export type NotificationMessage = z.infer<typeof notificationMessageSchema>;

/** `QueueConversationMessageEventTopicMessageMediaParticipant` (the user-topic twin is identical). */
export const notificationParticipantSchema = z.looseObject({
  id: z.string().optional(),
  purpose: z.string().optional(),
  state: z.string().optional(),
  direction: z.string().optional(),
  startTime: z.string().optional(),
  connectedTime: z.string().optional(),
  endTime: z.string().optional(),
  startHoldTime: z.string().optional(),
  startAcwTime: z.string().optional(),
  endAcwTime: z.string().optional(),
  resumeTime: z.string().optional(),
  parkTime: z.string().optional(),
  /** Why the leg ended: `client`, `peer`, `system`, `inactivity`, `transfer`, … */
  disconnectType: z.string().optional(),
  user: uriReferenceSchema.optional(),
  userId: z.string().optional(),
  queue: uriReferenceSchema.optional(),
  queueId: z.string().optional(),
  /** Messaging sub type: webmessaging, open, sms, whatsapp, facebook, … */
  type: z.string().optional(),
  messages: z.array(notificationMessageSchema).optional(),
  /** Participant data, `{ [key]: string }`; read leniently by `readAttributes`. */
  attributes: z.unknown().optional(),
});
export type NotificationParticipant = z.infer<typeof notificationParticipantSchema>;

/** `QueueConversationMessageEventTopicMessageConversation` (snapshot of the whole conversation). */
export const messageConversationSnapshotSchema = z.looseObject({
  id: z.string().min(1),
  participants: z.array(notificationParticipantSchema).optional(),
  inactivityTimeout: z.string().optional(),
  /** `ConversationDivisionMembership[]`: `{ division: { id }, entities: [...] }`. */
  divisions: z.array(z.looseObject({ division: uriReferenceSchema.optional() })).optional(),
});
export type MessageConversationSnapshot = z.infer<typeof messageConversationSnapshotSchema>;

/** Just a snapshot's conversation id (its order key), without reading the whole snapshot. */
export const snapshotIdSchema = z.object({ id: messageConversationSnapshotSchema.shape.id });

/**
 * The common fields of the detail events (`CustomerStartDetailEventTopicCustomerStartEvent`,
 * `…CustomerEndEvent`, `UserStart/UserEnd…`, `AcdStart/AcdEnd…`, `FlowStart/FlowEnd…`,
 * `AcwDetailEventTopicAfterCallWorkEvent`, `WrapupDetailEventTopicWrapupEvent`). The conversation id
 * may also come from the topic name, so it is optional here.
 */
export const detailEventSchema = z.looseObject({
  /** Epoch milliseconds. */
  eventTime: z.number().optional(),
  conversationId: z.string().optional(),
  participantId: z.string().optional(),
  sessionId: z.string().optional(),
  mediaType: z.string().optional(),
  messageType: z.string().optional(),
  queueId: z.string().optional(),
  userId: z.string().optional(),
  divisionId: z.string().optional(),
  disconnectType: z.string().optional(),
  /** The `.attributes` event's participant data; read leniently by `readAttributes`. */
  attributes: z.unknown().optional(),
});
export type DetailEvent = z.infer<typeof detailEventSchema>;

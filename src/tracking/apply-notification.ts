import { applyDetailEvent } from './apply-detail-event';
import { applySnapshot } from './apply-snapshot';
import type { SnapshotContext } from './apply-snapshot';
import type { ConversationState } from './conversation-state';
import { TrackingError } from './errors';
import {
  detailEventSchema,
  messageConversationSnapshotSchema,
  snapshotIdSchema,
} from './notification-schemas';
import { parseTopic } from './topics';

/** One Genesys notification, as the WebSocket or EventBridge intake hands it over. */
export interface GenesysNotification {
  /** Concrete topic, e.g. `v2.detail.events.conversation.<id>.customer.end`. */
  topicName: string;
  eventBody: unknown;
  /** Epoch ms, if the envelope gave one (EventBridge `time`/`detail.timestamp`). */
  time?: number;
}

/** Options for {@link applyNotification}. */
export interface ApplyOptions {
  /** Message ids left out of message times: closer's own warning/closing messages. */
  ignoreMessageIds?: ReadonlySet<string>;
}

/**
 * The conversation a notification is about, or `undefined` when closer does not track the topic or
 * the body does not identify a conversation. Snapshots carry it as `eventBody.id`; detail events as
 * `eventBody.conversationId`, else in the topic name.
 */
export function conversationIdOf(n: GenesysNotification): string | undefined {
  const topic = parseTopic(n.topicName);
  if (topic === undefined) {
    return undefined;
  }
  if (topic.kind === 'snapshot') {
    // Only the id: the whole snapshot (~2.5 KB) is parsed once, by `applyNotification`.
    const parsed = snapshotIdSchema.safeParse(n.eventBody);
    return parsed.success ? parsed.data.id : undefined;
  }
  const parsed = detailEventSchema.safeParse(n.eventBody);
  return parsed.success ? (parsed.data.conversationId ?? topic.conversationId) : undefined;
}

/**
 * Folds one notification into a conversation's state. Pure: returns a new state and never mutates
 * `previous`. Returns `undefined` when the notification is not a conversation event closer tracks
 * (unknown topic, or a body that does not parse / identify a conversation).
 *
 * @throws TrackingError `TRACKING_CONVERSATION_MISMATCH` when `previous` is another conversation.
 */
export function applyNotification(
  previous: ConversationState | undefined,
  n: GenesysNotification,
  options: ApplyOptions = {},
): ConversationState | undefined {
  const topic = parseTopic(n.topicName);
  if (topic === undefined) {
    return undefined;
  }
  if (topic.kind === 'snapshot') {
    const parsed = messageConversationSnapshotSchema.safeParse(n.eventBody);
    if (!parsed.success) {
      return undefined;
    }
    const snapshot = parsed.data;
    assertSameConversation(previous, snapshot.id, n.topicName);
    const context: SnapshotContext = {};
    if (topic.queueId !== undefined) {
      context.topicQueueId = topic.queueId;
    }
    if (n.time !== undefined) {
      context.time = n.time;
    }
    if (options.ignoreMessageIds !== undefined) {
      context.ignoreMessageIds = options.ignoreMessageIds;
    }
    return applySnapshot(previous, snapshot, context);
  }
  const parsed = detailEventSchema.safeParse(n.eventBody);
  if (!parsed.success) {
    return undefined;
  }
  const conversationId = parsed.data.conversationId ?? topic.conversationId;
  assertSameConversation(previous, conversationId, n.topicName);
  return applyDetailEvent(previous, topic.event, parsed.data, conversationId, n.time);
}

function assertSameConversation(
  previous: ConversationState | undefined,
  conversationId: string,
  topicName: string,
): void {
  if (previous !== undefined && previous.conversationId !== conversationId) {
    throw new TrackingError(
      'TRACKING_CONVERSATION_MISMATCH',
      `Notification for conversation ${conversationId} applied to state of ${previous.conversationId}`,
      { details: { topicName } },
    );
  }
}

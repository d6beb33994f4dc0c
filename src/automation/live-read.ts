import type { GenesysClient, MessageConversation } from '../genesys';
import { GenesysApiError } from '../genesys';
import { applyNotification, type GenesysNotification } from '../tracking';
import type { ConversationState } from '../tracking/conversation-state';
import type { ConversationUpdate } from '../store/store';

/**
 * A live read of the conversation, folded into what closer knew (`state`); `notification` is the
 * read as a notification, to fold again into the stored state at commit time.
 */
export type LiveRead =
  | {
      found: true;
      /** The stored state the read was folded into (as `getConversation` returned it). */
      from: ConversationState | undefined;
      state: ConversationState;
      conversation: MessageConversation;
      notification: GenesysNotification;
    }
  | { found: false };

/**
 * Reads `GET /api/v2/conversations/messages/{id}` and folds it into the stored state with the
 * same code that folds notification snapshots, as the newest observation (`at`): so "ended",
 * "new episode", "phase" and "last customer message" mean the same thing live and from events.
 *
 * @throws GenesysApiError for anything but 404 (the caller retries later).
 */
export async function readLive(
  genesys: GenesysClient,
  conversationId: string,
  stored: ConversationState | undefined,
  at: number,
): Promise<LiveRead> {
  let conversation: MessageConversation;
  try {
    conversation = await genesys.getMessageConversation(conversationId);
  } catch (error: unknown) {
    if (error instanceof GenesysApiError && error.status === 404) {
      return { found: false };
    }
    throw error;
  }
  const notification: GenesysNotification = {
    topicName: 'v2.users.closer.conversations.messages',
    eventBody: conversation,
    time: Math.max(at, stored?.snapshotAt ?? at),
  };
  const state = applyNotification(stored, notification);
  if (state === undefined) {
    // A read that does not parse as a conversation: nothing to fold; treat as unknown.
    throw new GenesysApiError({
      code: 'GENESYS_INVALID_RESPONSE',
      message: `Genesys returned conversation ${conversationId} without an id`,
      status: 200,
      operation: 'getMessageConversation',
      retryable: false,
      requestId: 'live-read',
    });
  }
  return { found: true, from: stored, state, conversation, notification };
}

/**
 * The store update that folds a live read (and then `more`, e.g. closer's own ending or message)
 * into the CURRENT stored state at commit time — never overwriting what events taught meanwhile.
 * Without a live read, `more` alone is applied (to the stored state, when there is one).
 */
export function liveUpdate(
  conversationId: string,
  live: LiveRead | undefined,
  more: (state: ConversationState) => ConversationState = (state) => state,
): ConversationUpdate {
  return {
    conversationId,
    apply: (current) => {
      const folded =
        live?.found === true ? (applyNotification(current, live.notification) ?? current) : current;
      return folded === undefined ? undefined : more(folded);
    },
    ...(live?.found === true ? { planned: { from: live.from, to: more(live.state) } } : {}),
  };
}

/** The state with closer's own message id remembered (never counted as activity). */
export function withCloserMessage(
  state: ConversationState,
  messageId: string | undefined,
  max: number,
): ConversationState {
  if (messageId === undefined) {
    return state;
  }
  const ids = [...(state.closerMessageIds ?? []), messageId].slice(-max);
  return { ...state, closerMessageIds: ids };
}

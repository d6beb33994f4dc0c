import type { GenesysClient, MessageConversation } from '../genesys';
import { GenesysApiError } from '../genesys';
import { applyNotification } from '../tracking';
import type { ConversationState } from '../tracking/conversation-state';

/** The live conversation as Genesys reports it now, folded like a notification snapshot. */
export type LiveState =
  /** `conversation` is the raw read, passed on so a warning does not read it again. */
  | { kind: 'active'; state: ConversationState; conversation: MessageConversation }
  | { kind: 'already-ended' }
  | { kind: 'not-found' };

/**
 * Reads `GET /api/v2/conversations/messages/{id}` and folds it with the same code that folds
 * notification snapshots, so "last customer message" means the same thing live and from events.
 */
export async function readLiveState(
  genesys: GenesysClient,
  conversationId: string,
  ignoreMessageIds: ReadonlySet<string>,
): Promise<LiveState> {
  let conversation: MessageConversation;
  try {
    conversation = await genesys.getMessageConversation(conversationId);
  } catch (error: unknown) {
    if (error instanceof GenesysApiError && error.status === 404) {
      return { kind: 'not-found' };
    }
    throw error;
  }
  const state = applyNotification(
    undefined,
    { topicName: `v2.users.closer.conversations.messages`, eventBody: conversation },
    { ignoreMessageIds },
  );
  if (state === undefined || state.endedAt !== undefined) {
    return { kind: 'already-ended' };
  }
  return { kind: 'active', state, conversation };
}

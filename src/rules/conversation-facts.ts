import type { ConversationState } from '../tracking/conversation-state';

/**
 * The facts an inactivity rule's `match` pattern is matched against. Unknown facts are left out
 * (not `null`), so `{ exists: false }` means "not known". `purposes` lists each participant
 * purpose once, in the order first seen, e.g. `["customer", "acd", "agent"]`.
 */
export interface ConversationFacts {
  conversationId: string;
  queueId?: string;
  messageType?: string;
  mediaType?: string;
  divisionId?: string;
  purposes: string[];
}

/** Builds the facts of one conversation for pattern matching. */
export function conversationFacts(state: ConversationState): ConversationFacts {
  const purposes: string[] = [];
  for (const participant of state.participants) {
    if (!purposes.includes(participant.purpose)) {
      purposes.push(participant.purpose);
    }
  }
  return {
    conversationId: state.conversationId,
    ...(state.queueId === undefined ? {} : { queueId: state.queueId }),
    ...(state.messageType === undefined ? {} : { messageType: state.messageType }),
    ...(state.mediaType === undefined ? {} : { mediaType: state.mediaType }),
    ...(state.divisionId === undefined ? {} : { divisionId: state.divisionId }),
    purposes,
  };
}

import type { ConversationState } from './conversation-state';

/** A `ConversationState` under construction: optional fields may be explicitly `undefined`. */
export type StateDraft = { [K in keyof ConversationState]-?: ConversationState[K] | undefined } & {
  conversationId: string;
  participants: ConversationState['participants'];
  updatedAt: number;
  episode: number;
};

/** A draft from the previous state (or an empty one for a new conversation, episode 1). */
export function draftFrom(
  previous: ConversationState | undefined,
  conversationId: string,
): StateDraft {
  return {
    conversationId,
    queueId: previous?.queueId,
    messageType: previous?.messageType,
    mediaType: previous?.mediaType,
    divisionId: previous?.divisionId,
    participants: previous?.participants.map((p) => ({ ...p })) ?? [],
    lastCustomerMessageAt: previous?.lastCustomerMessageAt,
    lastAgentMessageAt: previous?.lastAgentMessageAt,
    startedAt: previous?.startedAt,
    endedAt: previous?.endedAt,
    endedBy: previous?.endedBy,
    // States stored before episodes existed have none: they are in their first.
    episode: previous?.episode ?? 1,
    episodeStartedAt: previous?.episodeStartedAt,
    closerMessageIds: previous?.closerMessageIds,
    ruleActions: previous?.ruleActions,
    snapshotAt: previous?.snapshotAt,
    updatedAt: previous?.updatedAt ?? 0,
  };
}

/**
 * Drops `undefined` fields so the result satisfies `exactOptionalPropertyTypes` and two equal
 * states compare equal however they were built (idempotence tests rely on that).
 */
export function finishDraft(draft: StateDraft): ConversationState {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(draft)) {
    if (value !== undefined) {
      out[key] = value;
    }
  }
  // Every required key is set on a draft by construction (see `StateDraft`).
  return out as unknown as ConversationState;
}

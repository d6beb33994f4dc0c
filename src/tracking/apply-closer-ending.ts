import type { ConversationState } from './conversation-state';
import { draftFrom, finishDraft } from './draft';
import { mergeParticipants } from './participants';
import { settleLifecycle } from './settle-lifecycle';

/**
 * Folds closer's own successful disconnect into the state at once (Genesys's events confirm it
 * later): the legs closer disconnected are ended at `at`, and the episode, once over, is recorded
 * as ended by closer's rule — so a later re-thread is seen as a new episode even if the events of
 * the end are late or lost. Pure.
 */
export function applyCloserEnding(
  previous: ConversationState,
  ending: { participantIds: readonly string[]; at: number; ruleId: string },
): ConversationState {
  const draft = draftFrom(previous, previous.conversationId);
  const before = draft.participants;
  draft.participants = mergeParticipants(
    draft.participants,
    ending.participantIds.map((id) => ({
      id,
      state: 'disconnected',
      endedAt: ending.at,
      observedAt: ending.at,
    })),
  );
  settleLifecycle(draft, before, ending.at);
  if (draft.endedAt !== undefined) {
    draft.endedBy = {
      ...(draft.endedBy ?? { participantId: '', purpose: 'closer' }),
      closerRuleId: ending.ruleId,
    };
  }
  draft.updatedAt = Math.max(draft.updatedAt, ending.at);
  return finishDraft(draft);
}

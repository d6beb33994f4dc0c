import type { ConversationState } from './conversation-state';
import { draftFrom, endConversation, finishDraft } from './draft';
import type { DetailEvent } from './notification-schemas';
import type { ParticipantObservation } from './participants';
import { mergeParticipants } from './participants';
import { maxDefined, minDefined } from './times';
import type { DetailEventKind } from './topics';

/**
 * The participant a detail event speaks about: `customer.*` → a `customer` leg, `user.*` → an
 * `agent` leg, `acd.*` → an `acd` leg; `.start` → `connected`, `.end` → `disconnected`. Flow, ACW
 * and wrap-up events describe no participant state closer needs (the purpose Genesys gives flow
 * legs is not confirmed in docs/genesys/facts.md §2), so they only update metadata and times.
 */
const PARTICIPANT_EFFECT: Partial<Record<DetailEventKind, { purpose: string; state: string }>> = {
  'customer.start': { purpose: 'customer', state: 'connected' },
  'customer.end': { purpose: 'customer', state: 'disconnected' },
  'user.start': { purpose: 'agent', state: 'connected' },
  'user.end': { purpose: 'agent', state: 'disconnected' },
  'acd.start': { purpose: 'acd', state: 'connected' },
  'acd.end': { purpose: 'acd', state: 'disconnected' },
};

/**
 * Folds one detail event into the state. The event's own `eventTime` is used (envelope time as a
 * fallback; with neither, the previous `updatedAt`). Descriptive fields (queue, media, division)
 * only fill gaps: snapshots are the fuller source. `customer.end` ends the conversation.
 */
export function applyDetailEvent(
  previous: ConversationState | undefined,
  kind: DetailEventKind,
  event: DetailEvent,
  conversationId: string,
  envelopeTime: number | undefined,
): ConversationState {
  const draft = draftFrom(previous, conversationId);
  const at = event.eventTime ?? envelopeTime;
  const effectiveAt = at ?? draft.updatedAt;

  draft.queueId ??= event.queueId;
  draft.messageType ??= event.messageType;
  draft.mediaType ??= event.mediaType;
  draft.divisionId ??= event.divisionId;
  draft.updatedAt = maxDefined(draft.updatedAt, at) ?? draft.updatedAt;

  const effect = PARTICIPANT_EFFECT[kind];
  if (effect !== undefined && event.participantId !== undefined) {
    const observation: ParticipantObservation = {
      id: event.participantId,
      purpose: effect.purpose,
      state: effect.state,
    };
    if (event.userId !== undefined) {
      observation.userId = event.userId;
    }
    if (event.queueId !== undefined) {
      observation.queueId = event.queueId;
    }
    if (at !== undefined) {
      observation.observedAt = at;
    }
    draft.participants = mergeParticipants(draft.participants, [observation]);
  }

  if (kind === 'customer.start') {
    draft.startedAt = minDefined(draft.startedAt, at);
  } else if (kind === 'customer.end') {
    endConversation(draft, effectiveAt);
  }
  return finishDraft(draft);
}

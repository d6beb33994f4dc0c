import type { ConversationState } from './conversation-state';
import { draftFrom, finishDraft } from './draft';
import { settleLifecycle } from './settle-lifecycle';
import type { DetailEvent } from './notification-schemas';
import type { ParticipantObservation } from './participants';
import { mergeParticipants } from './participants';
import { maxDefined, minDefined } from './times';
import { mergeAttributes, readAttributes } from './participant-attributes';
import type { TrackedParticipant } from './conversation-state';
import type { DetailEventKind } from './topics';

/**
 * The participant a detail event speaks about: `customer.*` → a `customer` leg, `user.*` → an
 * `agent` leg, `acd.*` → an `acd` leg, `flow.*` → a `workflow` leg (the purpose closer gives a
 * flow; routing, so it never keeps a conversation open alone); `.start` → `connected` at the
 * event time, `.end` → `disconnected` with the event's `disconnectType`. ACW and wrap-up events
 * describe no participant state closer needs: they only update metadata and times.
 */
const PARTICIPANT_EFFECT: Partial<Record<DetailEventKind, { purpose: string; state: string }>> = {
  'customer.start': { purpose: 'customer', state: 'connected' },
  'customer.end': { purpose: 'customer', state: 'disconnected' },
  'user.start': { purpose: 'agent', state: 'connected' },
  'user.end': { purpose: 'agent', state: 'disconnected' },
  'acd.start': { purpose: 'acd', state: 'connected' },
  'acd.end': { purpose: 'acd', state: 'disconnected' },
  'flow.start': { purpose: 'workflow', state: 'connected' },
  'flow.end': { purpose: 'workflow', state: 'disconnected' },
};

/**
 * Folds one detail event into the state. The event's own `eventTime` is used (envelope time as a
 * fallback; with neither, the previous `updatedAt`). Descriptive fields (queue, media, division)
 * only fill gaps: snapshots are the fuller source. Whether the conversation ended or a new episode
 * began is decided by `settleLifecycle` (one definition); an event older than the current episode
 * cannot start or end anything.
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
      if (effect.state === 'connected') {
        observation.connectedAt = at;
      } else {
        observation.endedAt = at;
      }
    }
    if (effect.state !== 'connected' && event.disconnectType !== undefined) {
      observation.disconnectType = event.disconnectType;
    }
    const stale =
      draft.episodeStartedAt !== undefined && at !== undefined && at < draft.episodeStartedAt;
    const before = draft.participants;
    draft.participants = mergeParticipants(draft.participants, [observation]);
    if (!stale) {
      settleLifecycle(draft, before, effectiveAt);
    }
  }

  if (kind === 'attributes') {
    applyAttributes(draft.participants, event, at);
  }
  if (kind === 'customer.start') {
    draft.startedAt = minDefined(draft.startedAt, at);
  }
  return finishDraft(draft);
}

/**
 * An `.attributes` event: its keys laid over the named participant's attributes, unless a newer
 * snapshot already gave them. Only a participant closer knows is updated: an attributes event
 * says nothing of a leg's purpose or state, and an unknown leg would look like an ended one
 * (the next snapshot carries the attributes anyway).
 */
function applyAttributes(
  participants: TrackedParticipant[],
  event: DetailEvent,
  at: number | undefined,
): void {
  const update = readAttributes(event.attributes);
  const index = participants.findIndex((p) => p.id === event.participantId);
  const participant = participants[index];
  if (update === undefined || participant === undefined) {
    return;
  }
  if (at !== undefined && participant.attributesAt !== undefined && at < participant.attributesAt) {
    return;
  }
  participants[index] = {
    ...participant,
    attributes: mergeAttributes(participant.attributes, update),
    ...(at === undefined ? {} : { attributesAt: Math.max(at, participant.attributesAt ?? at) }),
  };
}

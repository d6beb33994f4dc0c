import type { EndedBy, TrackedParticipant } from './conversation-state';
import type { StateDraft } from './draft';
import { participantsEnded } from './participants';
import {
  isTerminalState,
  keepsConversationOpen,
  ROUTING_PURPOSES,
  sideOfPurpose,
} from '../genesys/lifecycle';
import { maxDefined, minDefined } from './times';

/**
 * After a fold merged new participant observations into `draft`, decides what they mean for the
 * conversation's life, by the one definition in `genesys/lifecycle.ts`:
 * - over now → the episode is ended: `endedAt` = the newest end of its non-routing legs (else the
 *   event time) and `endedBy` = the first of them that ended, with its `disconnectType`;
 * - over before, open now, and a NEW leg (an id closer did not know) connected at or after the
 *   recorded end, or any leg connected after it (or a new leg of unknown connect time seen by a
 *   newer event) → a NEW episode: Genesys re-threaded the
 *   conversation (terminal legs never come back; re-threading adds new legs). `episode` + 1,
 *   `episodeStartedAt` = the earliest such connect time, message times and the end cleared;
 * - over before, open now, no such leg → the end was premature (an event told of one leg while
 *   another, e.g. the agent, is still connected): the same episode is open again;
 * - never seen over, but every leg that connected before the open ones had ended by the time they
 *   connected → a new episode too (the end's events were lost or came late).
 *
 * @param evidenceAt the event time of the observation that changed the participants.
 */
export function settleLifecycle(
  draft: StateDraft,
  previousParticipants: readonly TrackedParticipant[],
  evidenceAt: number | undefined,
): void {
  if (participantsEnded(draft.participants)) {
    draft.endedAt = endTime(draft, evidenceAt);
    // closer's own ending (applyCloserEnding) stays credited to its rule.
    const closerRuleId = draft.endedBy?.closerRuleId;
    const legs = endedBy(draft);
    draft.endedBy =
      closerRuleId === undefined
        ? legs
        : { ...(legs ?? { participantId: '', purpose: 'closer' }), closerRuleId };
    return;
  }
  const previousEnd = draft.endedAt;
  if (previousEnd === undefined) {
    // Never seen over (its end was lost, or events came out of order): the legs may still show a
    // gap — every earlier leg ended before the open ones connected — which is a re-thread.
    const gap = episodeGap(draft);
    if (gap !== undefined) {
      startEpisode(draft, gap);
    }
    return;
  }
  draft.endedAt = undefined;
  draft.endedBy = undefined;
  const known = new Set(previousParticipants.map((p) => p.id));
  // A leg closer never saw that connected at or after the end, or any leg connecting after it.
  const newLegs = draft.participants.filter(keepsConversationOpen).filter((p) => {
    const isNew = !known.has(p.id);
    if (p.connectedAt !== undefined) {
      return isNew ? p.connectedAt >= previousEnd : p.connectedAt > previousEnd;
    }
    return isNew && evidenceAt !== undefined && evidenceAt > previousEnd;
  });
  if (newLegs.length === 0) {
    return;
  }
  startEpisode(
    draft,
    minDefined(...newLegs.map((p) => p.connectedAt)) ?? evidenceAt ?? previousEnd,
  );
}

/** Moves the draft into a new episode that began at `startedAt` (epoch ms). */
function startEpisode(draft: StateDraft, startedAt: number): void {
  draft.episode += 1;
  draft.episodeStartedAt = startedAt;
  draft.startedAt = startedAt;
  draft.endedAt = undefined;
  draft.endedBy = undefined;
  draft.lastCustomerMessageAt = undefined;
  draft.lastAgentMessageAt = undefined;
}

/**
 * When the earliest open (non-routing) leg of the current episode connected, if every
 * non-routing leg that connected before it had already ended by then: the conversation was over
 * in between, so the open legs are a new episode.
 */
function episodeGap(draft: StateDraft): number | undefined {
  const legs = episodeLegs(draft).filter(
    (p) => !ROUTING_PURPOSES.has(p.purpose.toLowerCase()) && p.connectedAt !== undefined,
  );
  const start = minDefined(...legs.filter(keepsConversationOpen).map((p) => p.connectedAt));
  if (start === undefined) {
    return undefined;
  }
  const earlier = legs.filter((p) => (p.connectedAt ?? start) < start);
  const allEnded = earlier.every(
    (p) => isTerminalState(p.state) && p.endedAt !== undefined && p.endedAt <= start,
  );
  // An episode is a conversation with a customer: without a customer leg among the earlier ones
  // (events of a transfer only, say) there is no evidence of a gap.
  const hadCustomer = earlier.some((p) => sideOfPurpose(p.purpose) === 'customer');
  return hadCustomer && allEnded ? start : undefined;
}

/** Legs of the current episode: those that connected at or after its start (all in episode 1). */
function episodeLegs(draft: StateDraft): TrackedParticipant[] {
  const since = draft.episodeStartedAt;
  return draft.participants.filter(
    (p) => since === undefined || p.connectedAt === undefined || p.connectedAt >= since,
  );
}

function endTime(draft: StateDraft, evidenceAt: number | undefined): number {
  const ends = episodeLegs(draft)
    .filter((p) => !ROUTING_PURPOSES.has(p.purpose.toLowerCase()))
    .map((p) => p.endedAt);
  // Stable under re-delivery: without leg end times, the first evidence of the end stays.
  const at = maxDefined(...ends) ?? draft.endedAt ?? evidenceAt ?? draft.updatedAt;
  return draft.episodeStartedAt === undefined ? at : Math.max(at, draft.episodeStartedAt);
}

function endedBy(draft: StateDraft): EndedBy | undefined {
  // The first leg to end; at the same time, the one that ended itself before a `peer` knock-on.
  const peerLast = (p: TrackedParticipant): number => (p.disconnectType === 'peer' ? 1 : 0);
  const ended = episodeLegs(draft)
    .filter((p) => !ROUTING_PURPOSES.has(p.purpose.toLowerCase()))
    .sort(
      (a, b) =>
        (a.endedAt ?? Number.POSITIVE_INFINITY) - (b.endedAt ?? Number.POSITIVE_INFINITY) ||
        peerLast(a) - peerLast(b),
    );
  const first = ended.find((p) => p.disconnectType !== undefined) ?? ended[0];
  if (first === undefined) {
    return undefined;
  }
  const side = sideOfPurpose(first.purpose);
  return {
    participantId: first.id,
    purpose: first.purpose,
    ...(side === undefined ? {} : { side }),
    ...(first.disconnectType === undefined ? {} : { disconnectType: first.disconnectType }),
  };
}

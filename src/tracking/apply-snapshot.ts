import type { ConversationState } from './conversation-state';
import { draftFrom, finishDraft, type StateDraft } from './draft';
import { messageSide } from './message-side';
import type { MessageConversationSnapshot, NotificationParticipant } from './notification-schemas';
import type { ParticipantObservation } from './participants';
import { mergeParticipants } from './participants';
import { readAttributes } from './participant-attributes';
import { settleLifecycle } from './settle-lifecycle';
import { maxDefined, minDefined, parseIsoTime } from './times';

/** What the topic and envelope add to a snapshot body. */
export interface SnapshotContext {
  /** From `v2.routing.queues.{queueId}.conversations.messages`. */
  topicQueueId?: string;
  /** Envelope time (epoch ms), when the envelope gave one. */
  time?: number;
  /** Message ids to leave out of message times (closer's own warning messages). */
  ignoreMessageIds?: ReadonlySet<string>;
}

interface MessageFacts {
  newestCustomer: number | undefined;
  newestAgent: number | undefined;
  /** Newest message time of any message, ignored or not: part of the snapshot's own time. */
  newestSeen: number | undefined;
}

function messageIdOf(
  m: NonNullable<NotificationParticipant['messages']>[number],
): string | undefined {
  return m.messageId ?? m.message?.id ?? m.id;
}

/** Newest message times, leaving out `ignore`d ids and messages older than `since` (epoch ms). */
function collectMessages(
  participants: readonly NotificationParticipant[],
  ignore: ReadonlySet<string> | undefined,
  since: number | undefined,
): MessageFacts {
  const facts: MessageFacts = {
    newestCustomer: undefined,
    newestAgent: undefined,
    newestSeen: undefined,
  };
  for (const p of participants) {
    for (const m of p.messages ?? []) {
      const at = parseIsoTime(m.messageTime);
      if (at === undefined) {
        continue;
      }
      facts.newestSeen = maxDefined(facts.newestSeen, at);
      const id = messageIdOf(m);
      if ((id !== undefined && ignore?.has(id) === true) || (since !== undefined && at < since)) {
        continue;
      }
      const side = messageSide(p.purpose, m.messageStatus);
      if (side === 'customer') {
        facts.newestCustomer = maxDefined(facts.newestCustomer, at);
      } else if (side === 'agent') {
        facts.newestAgent = maxDefined(facts.newestAgent, at);
      }
    }
  }
  return facts;
}

/** Every time a participant carries, as epoch ms. */
function participantTimes(p: NotificationParticipant): (number | undefined)[] {
  return [
    p.startTime,
    p.connectedTime,
    p.endTime,
    p.startHoldTime,
    p.startAcwTime,
    p.endAcwTime,
    p.resumeTime,
    p.parkTime,
  ].map(parseIsoTime);
}

function observe(p: NotificationParticipant, at: number | undefined): ParticipantObservation[] {
  if (p.id === undefined) {
    return [];
  }
  const o: ParticipantObservation = { id: p.id };
  if (p.purpose !== undefined) {
    o.purpose = p.purpose;
  }
  if (p.state !== undefined) {
    o.state = p.state;
  }
  const userId = p.user?.id ?? p.userId;
  if (userId !== undefined) {
    o.userId = userId;
  }
  const queueId = p.queue?.id ?? p.queueId;
  if (queueId !== undefined) {
    o.queueId = queueId;
  }
  const connectedAt = parseIsoTime(p.connectedTime);
  if (connectedAt !== undefined) {
    o.connectedAt = connectedAt;
  }
  const endedAt = parseIsoTime(p.endTime);
  if (endedAt !== undefined) {
    o.endedAt = endedAt;
  }
  const parkedAt = parseIsoTime(p.parkTime);
  if (parkedAt !== undefined) {
    o.parkedAt = parkedAt;
  }
  const attributes = readAttributes(p.attributes);
  if (attributes !== undefined) {
    o.attributes = attributes;
  }
  if (p.disconnectType !== undefined) {
    o.disconnectType = p.disconnectType;
  }
  if (at !== undefined) {
    o.observedAt = at;
  }
  return [o];
}

/**
 * Folds a message-conversation snapshot into the state. See README.md for the ordering rules:
 * message times only move forward and count only in the current episode; participants and
 * descriptive fields are only overwritten by a snapshot at least as new as `snapshotAt`; whether
 * the conversation ended or a new episode began is decided by `settleLifecycle` (one definition).
 */
export function applySnapshot(
  previous: ConversationState | undefined,
  snapshot: MessageConversationSnapshot,
  context: SnapshotContext,
): ConversationState {
  const draft = draftFrom(previous, snapshot.id);
  const participants = snapshot.participants ?? [];
  const ignore = new Set([...(context.ignoreMessageIds ?? []), ...(draft.closerMessageIds ?? [])]);
  const allMessages = collectMessages(participants, ignore, undefined);
  const snapshotTime =
    context.time ?? maxDefined(allMessages.newestSeen, ...participants.flatMap(participantTimes));
  const isNewest =
    draft.snapshotAt === undefined ||
    (snapshotTime !== undefined && snapshotTime >= draft.snapshotAt);
  const stale =
    draft.episodeStartedAt !== undefined &&
    snapshotTime !== undefined &&
    snapshotTime < draft.episodeStartedAt;

  draft.mediaType ??= 'message';
  draft.updatedAt = maxDefined(draft.updatedAt, snapshotTime) ?? draft.updatedAt;

  const queueId =
    context.topicQueueId ??
    participants.find((p) => p.purpose === 'acd' && p.queue?.id !== undefined)?.queue?.id ??
    participants.map((p) => p.queue?.id ?? p.queueId).find((id) => id !== undefined);
  const messageType =
    participants.find((p) => p.purpose === 'customer' && p.type !== undefined)?.type ??
    participants.find((p) => p.type !== undefined)?.type;
  const divisionId = snapshot.divisions?.find((d) => d.division?.id !== undefined)?.division?.id;

  if (!isNewest || stale) {
    // An older snapshot only fills what is still unknown (and its messages of this episode
    // count); one of an earlier episode does not act on this one at all.
    if (!stale) {
      foldMessageTimes(draft, participants, ignore);
    }
    draft.queueId ??= queueId;
    draft.messageType ??= messageType;
    draft.divisionId ??= divisionId;
    return finishDraft(draft);
  }

  draft.queueId = queueId ?? draft.queueId;
  draft.messageType = messageType ?? draft.messageType;
  draft.divisionId = divisionId ?? draft.divisionId;
  draft.snapshotAt = maxDefined(draft.snapshotAt, snapshotTime);
  const before = draft.participants;
  draft.participants = mergeParticipants(
    draft.participants,
    participants.flatMap((p) => observe(p, snapshotTime)),
  );
  settleLifecycle(draft, before, snapshotTime);

  foldMessageTimes(draft, participants, ignore);
  const connectTimes = participants
    .map((p) => parseIsoTime(p.connectedTime))
    .filter((t) => draft.episodeStartedAt === undefined || (t ?? 0) >= draft.episodeStartedAt);
  draft.startedAt = minDefined(draft.startedAt, ...connectTimes);
  return finishDraft(draft);
}

/** Message times only move forward, and count only in the current episode. */
function foldMessageTimes(
  draft: StateDraft,
  participants: readonly NotificationParticipant[],
  ignore: ReadonlySet<string>,
): void {
  const messages = collectMessages(participants, ignore, draft.episodeStartedAt);
  draft.lastCustomerMessageAt = maxDefined(draft.lastCustomerMessageAt, messages.newestCustomer);
  draft.lastAgentMessageAt = maxDefined(draft.lastAgentMessageAt, messages.newestAgent);
}

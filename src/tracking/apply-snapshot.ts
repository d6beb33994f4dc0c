import type { ConversationState } from './conversation-state';
import { draftFrom, endConversation, finishDraft } from './draft';
import { messageSide } from './message-side';
import type { MessageConversationSnapshot, NotificationParticipant } from './notification-schemas';
import type { ParticipantObservation } from './participants';
import { isTerminal, mergeParticipants, participantsEnded } from './participants';
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
  /** Newest message time not ignored, either side: the evidence needed to reopen. */
  newestAny: number | undefined;
  /** Newest message time of any message, ignored or not: part of the snapshot's own time. */
  newestSeen: number | undefined;
}

function messageIdOf(
  m: NonNullable<NotificationParticipant['messages']>[number],
): string | undefined {
  return m.messageId ?? m.message?.id ?? m.id;
}

function collectMessages(
  participants: readonly NotificationParticipant[],
  ignore: ReadonlySet<string> | undefined,
): MessageFacts {
  const facts: MessageFacts = {
    newestCustomer: undefined,
    newestAgent: undefined,
    newestAny: undefined,
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
      if (id !== undefined && ignore?.has(id) === true) {
        continue;
      }
      facts.newestAny = maxDefined(facts.newestAny, at);
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
  if (at !== undefined) {
    o.observedAt = at;
  }
  return [o];
}

/**
 * Folds a message-conversation snapshot into the state. See README.md for the ordering rules:
 * message times only move forward; participants and descriptive fields are only overwritten by a
 * snapshot at least as new as `snapshotAt`; an end is sticky unless a newer snapshot carries a
 * newer message with live participants.
 */
export function applySnapshot(
  previous: ConversationState | undefined,
  snapshot: MessageConversationSnapshot,
  context: SnapshotContext,
): ConversationState {
  const draft = draftFrom(previous, snapshot.id);
  const participants = snapshot.participants ?? [];
  const messages = collectMessages(participants, context.ignoreMessageIds);
  const snapshotTime =
    context.time ?? maxDefined(messages.newestSeen, ...participants.flatMap(participantTimes));
  const isNewest =
    draft.snapshotAt === undefined ||
    (snapshotTime !== undefined && snapshotTime >= draft.snapshotAt);

  draft.lastCustomerMessageAt = maxDefined(draft.lastCustomerMessageAt, messages.newestCustomer);
  draft.lastAgentMessageAt = maxDefined(draft.lastAgentMessageAt, messages.newestAgent);
  draft.startedAt = minDefined(
    draft.startedAt,
    ...participants.map((p) => parseIsoTime(p.connectedTime)),
  );
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

  if (!isNewest) {
    // An older snapshot only fills what is still unknown.
    draft.queueId ??= queueId;
    draft.messageType ??= messageType;
    draft.divisionId ??= divisionId;
    return finishDraft(draft);
  }

  draft.queueId = queueId ?? draft.queueId;
  draft.messageType = messageType ?? draft.messageType;
  draft.divisionId = divisionId ?? draft.divisionId;
  draft.snapshotAt = maxDefined(draft.snapshotAt, snapshotTime);
  draft.participants = mergeParticipants(
    draft.participants,
    participants.flatMap((p) => observe(p, snapshotTime)),
  );

  if (participantsEnded(draft.participants)) {
    if (draft.endedAt === undefined) {
      const endTimes = participants
        .filter((p) => p.state !== undefined && isTerminal(p.state))
        .map((p) => parseIsoTime(p.endTime));
      let at = maxDefined(...endTimes) ?? snapshotTime ?? draft.updatedAt;
      if (draft.reopenedAt !== undefined && at <= draft.reopenedAt) {
        // Leg end times from before the reopen; the snapshot itself is the newer evidence.
        at = snapshotTime ?? at;
      }
      endConversation(draft, at);
    }
  } else if (
    draft.endedAt !== undefined &&
    snapshotTime !== undefined &&
    snapshotTime > draft.endedAt &&
    messages.newestAny !== undefined &&
    messages.newestAny > draft.endedAt
  ) {
    // Genesys threaded a new message into the disconnected conversation: it is live again.
    draft.endedAt = undefined;
    draft.reopenedAt = messages.newestAny;
  }
  return finishDraft(draft);
}

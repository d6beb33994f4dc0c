/**
 * Which notification topics a world change produces (docs/genesys/facts.md §7): the queue and user
 * message-conversation snapshots on every change, and detail events for legs starting/ending
 * (`customer`, `user`, `acd`, `flow`).
 */
import { DETAIL_ROLE, toAttributesEvent, toDetailEvent } from './detail-events';
import type { SimConversation, SimParticipant } from './legs';
import { toQueueSnapshot } from './models';
import type { TopicMessage } from './notifications';
import type { SimChange } from './world';

function detail(
  c: SimConversation,
  p: SimParticipant,
  phase: 'start' | 'end',
  now: number,
): TopicMessage {
  const suffix = `${DETAIL_ROLE[p.purpose]}.${phase}`;
  return {
    topicName: `v2.detail.events.conversation.${c.id}.${suffix}`,
    topicPattern: `v2.detail.events.conversation.{id}.${suffix}`,
    eventBody: toDetailEvent(c, p, now, phase === 'end'),
  };
}

/** `v2.detail.events.conversation.{id}.attributes`: the leg's whole participant data. */
function attributesEvent(c: SimConversation, p: SimParticipant, now: number): TopicMessage {
  return {
    topicName: `v2.detail.events.conversation.${c.id}.attributes`,
    topicPattern: 'v2.detail.events.conversation.{id}.attributes',
    eventBody: toAttributesEvent(c, p, now),
  };
}

/**
 * The queues whose topic carries the conversation: every queue a leg (ACD or agent) was routed
 * through, in any episode. A conversation still in its first Architect flow has none yet
 * (**assumption**: it is on no queue until the flow transfers it).
 */
function queuesOf(c: SimConversation): Set<string> {
  return new Set(c.participants.flatMap((p) => (p.queueId === undefined ? [] : [p.queueId])));
}

function snapshots(c: SimConversation): TopicMessage[] {
  const body = toQueueSnapshot(c);
  const out: TopicMessage[] = [...queuesOf(c)].map((queueId) => ({
    topicName: `v2.routing.queues.${queueId}.conversations.messages`,
    topicPattern: 'v2.routing.queues.{id}.conversations.messages',
    eventBody: body,
  }));
  const users = new Set(c.participants.flatMap((p) => (p.userId === undefined ? [] : [p.userId])));
  for (const userId of users) {
    out.push({
      topicName: `v2.users.${userId}.conversations.messages`,
      topicPattern: 'v2.users.{id}.conversations.messages',
      eventBody: body,
    });
  }
  return out;
}

function legEvent(
  c: SimConversation,
  participantId: string,
  phase: 'start' | 'end',
  now: number,
): TopicMessage[] {
  const leg = c.participants.find((p) => p.id === participantId);
  return [...(leg ? [detail(c, leg, phase, now)] : []), ...snapshots(c)];
}

/** The topic messages for `change`, detail events first, then the snapshots. */
export function topicsFor(c: SimConversation, change: SimChange, now: number): TopicMessage[] {
  switch (change.kind) {
    case 'created':
      return [
        ...c.participants
          .filter((p) => change.startedIds.includes(p.id))
          .map((p) => detail(c, p, 'start', now)),
        ...snapshots(c),
      ];
    case 'participant-connected':
      return legEvent(c, change.participantId, 'start', now);
    case 'participant-disconnected':
      return legEvent(c, change.participantId, 'end', now);
    case 'attributes': {
      const leg = c.participants.find((p) => p.id === change.participantId);
      return [...(leg ? [attributesEvent(c, leg, now)] : []), ...snapshots(c)];
    }
    case 'participant-updated':
    case 'message':
    case 'wrapup':
    case 'ended':
      return snapshots(c);
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
}

/**
 * Which notification topics a world change produces (docs/genesys/facts.md §7): the queue and user
 * message-conversation snapshots on every change, and detail events for legs starting/ending.
 */
import { toDetailEvent, toQueueSnapshot } from './models';
import type { TopicMessage } from './notifications';
import type { SimChange, SimConversation, SimParticipant } from './world';

const DETAIL_ROLE: Record<SimParticipant['purpose'], string> = {
  customer: 'customer',
  agent: 'user',
  acd: 'acd',
};

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

function snapshots(c: SimConversation): TopicMessage[] {
  const body = toQueueSnapshot(c);
  const out: TopicMessage[] = [
    {
      topicName: `v2.routing.queues.${c.queueId}.conversations.messages`,
      topicPattern: 'v2.routing.queues.{id}.conversations.messages',
      eventBody: body,
    },
  ];
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

/** The topic messages for `change`, detail events first, then the snapshots. */
export function topicsFor(c: SimConversation, change: SimChange, now: number): TopicMessage[] {
  switch (change.kind) {
    case 'created':
      return [
        ...c.participants.filter((p) => p.purpose !== 'acd').map((p) => detail(c, p, 'start', now)),
        ...snapshots(c),
      ];
    case 'participant-disconnected': {
      const leg = c.participants.find((p) => p.id === change.participantId);
      return [...(leg ? [detail(c, leg, 'end', now)] : []), ...snapshots(c)];
    }
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

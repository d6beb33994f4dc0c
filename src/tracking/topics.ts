/**
 * Parsing of the notification topic names closer tracks (docs/genesys/facts.md §7, JS-SDK
 * `notificationMappings.json`). Anything else is not a conversation event for closer.
 */

/** The detail-event kinds closer folds into conversation state. */
export const DETAIL_EVENT_KINDS = [
  'customer.start',
  'customer.end',
  'user.start',
  'user.end',
  'acd.start',
  'acd.end',
  'flow.start',
  'flow.end',
  'acw',
  'wrapup',
  'attributes',
] as const;
export type DetailEventKind = (typeof DETAIL_EVENT_KINDS)[number];

/** What a topic name says about the event it carries. */
export type ParsedTopic =
  | { kind: 'snapshot'; queueId?: string; userId?: string }
  | { kind: 'detail'; event: DetailEventKind; conversationId: string };

const QUEUE_TOPIC = /^v2\.routing\.queues\.([^.]+)\.conversations\.messages$/;
const USER_TOPIC = /^v2\.users\.([^.]+)\.conversations\.messages$/;
const DETAIL_TOPIC = /^v2\.detail\.events\.conversation\.([^.]+)\.(.+)$/;

function isDetailEventKind(value: string): value is DetailEventKind {
  return (DETAIL_EVENT_KINDS as readonly string[]).includes(value);
}

/** Returns what the topic is, or `undefined` for a topic closer does not track. */
export function parseTopic(topicName: string): ParsedTopic | undefined {
  const queue = QUEUE_TOPIC.exec(topicName);
  if (queue?.[1] !== undefined) {
    return { kind: 'snapshot', queueId: queue[1] };
  }
  const user = USER_TOPIC.exec(topicName);
  if (user?.[1] !== undefined) {
    return { kind: 'snapshot', userId: user[1] };
  }
  const detail = DETAIL_TOPIC.exec(topicName);
  if (detail?.[1] !== undefined && detail[2] !== undefined && isDetailEventKind(detail[2])) {
    return { kind: 'detail', event: detail[2], conversationId: detail[1] };
  }
  return undefined;
}

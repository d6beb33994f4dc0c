import { createHash } from 'node:crypto';
import { conversationIdOf } from '../tracking';
import type { InboxPayload } from './inbox-payload';

/** Longest conversation id kept as it is in the order key (a Genesys id has 36 characters). */
const MAX_PLAIN_KEY = 200;

/**
 * The key under which inbox events are processed in order: the conversation id of a Genesys
 * notification, so replicas sharing one database never process two events of one conversation at
 * once or out of order. Webhooks (whose conversation id sits where a rule says) and notifications
 * closer does not track have none: they are processed in any order.
 */
export function inboxOrderKey(payload: InboxPayload): string | undefined {
  if (payload.type !== 'genesys') {
    return undefined;
  }
  const id = conversationIdOf({ topicName: payload.topicName, eventBody: payload.eventBody });
  // An index key, so bounded and plain: a hostile id (300k characters, a NUL) is hashed.
  return id === undefined || (id.length <= MAX_PLAIN_KEY && !id.includes('\0'))
    ? id
    : `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

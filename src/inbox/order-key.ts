import { conversationIdOf } from '../tracking';
import type { InboxPayload } from './inbox-payload';

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
  return conversationIdOf({ topicName: payload.topicName, eventBody: payload.eventBody });
}

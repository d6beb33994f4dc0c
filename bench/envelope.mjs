import { randomUUID } from 'node:crypto';

/**
 * One EventBridge envelope as an API destination POSTs it (a Genesys customer-start detail event
 * of a new conversation), as JSON text: the request body every intake benchmark sends.
 */
export function envelope() {
  const conversationId = randomUUID();
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': 'v2.detail.events.conversation.{id}.customer.start',
    source: 'aws.partner/genesys.com/cloud/00000000-0000-0000-0000-000000000000/bench',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {
      topicName: `v2.detail.events.conversation.${conversationId}.customer.start`,
      version: '2',
      eventBody: {
        eventTime: Date.now(),
        conversationId,
        participantId: randomUUID(),
        mediaType: 'message',
        messageType: 'webmessaging',
      },
      metadata: { CorrelationId: randomUUID() },
      timestamp: new Date().toISOString(),
    },
  });
}

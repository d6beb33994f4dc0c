// Message-conversation snapshots (`v2.routing.queues.{id}.conversations.messages`) as an
// EventBridge API destination POSTs them: the body of the pipeline benchmark. Each is ~2 KB: a
// customer, an ACD and an agent leg with a few messages each, as Genesys sends on every change.
import { randomUUID } from 'node:crypto';

const QUEUE_ID = '7a1c0b2e-5d4f-4e3a-9b8c-1d2e3f4a5b6c';
const AGENT_ID = '3f2e1d0c-9b8a-4765-8432-1f0e9d8c7b6a';

/**
 * A generator of snapshot envelopes for `conversations` conversations: call i is the next
 * snapshot of conversation `i % conversations` (each one a message later than its previous one),
 * as JSON text.
 */
export function snapshotStream(conversations, start = Date.now()) {
  const ids = Array.from({ length: conversations }, () => randomUUID());
  const legs = ids.map(() => ({
    customer: randomUUID(),
    acd: randomUUID(),
    agent: randomUUID(),
  }));
  const versions = new Array(conversations).fill(0);
  let i = 0;
  return () => {
    const k = i % conversations;
    i += 1;
    versions[k] += 1;
    return envelope(ids[k], legs[k], versions[k], start);
  };
}

function message(at, status) {
  return {
    message: { id: randomUUID() },
    messageTime: new Date(at).toISOString(),
    messageStatus: status,
    messageSegmentCount: 1,
  };
}

function envelope(conversationId, legs, version, start) {
  const now = Date.now();
  const startTime = new Date(start).toISOString();
  // The last three messages of each side (Genesys lists the leg's messages; closer reads times).
  const customerMessages = [];
  const agentMessages = [];
  for (let m = Math.max(1, version - 2); m <= version; m += 1) {
    customerMessages.push(message(now - (version - m) * 1000, 'received'));
    agentMessages.push(message(now - (version - m) * 1000 - 500, 'sent'));
  }
  const common = (id, purpose, extra) => ({
    id,
    purpose,
    state: 'connected',
    initialState: 'connected',
    direction: 'inbound',
    startTime,
    connectedTime: startTime,
    held: false,
    type: 'webmessaging',
    ...extra,
  });
  const eventBody = {
    id: conversationId,
    participants: [
      common(legs.customer, 'customer', {
        name: 'Bench Customer',
        address: 'bench-customer@example.com',
        messages: customerMessages,
      }),
      common(legs.acd, 'acd', {
        state: 'disconnected',
        disconnectType: 'transfer',
        endTime: startTime,
        queue: { id: QUEUE_ID },
        messages: [],
      }),
      common(legs.agent, 'agent', {
        user: { id: AGENT_ID },
        queue: { id: QUEUE_ID },
        wrapupRequired: true,
        messages: agentMessages,
      }),
    ],
  };
  const topicName = `v2.routing.queues.${QUEUE_ID}.conversations.messages`;
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': 'v2.routing.queues.{id}.conversations.messages',
    source: 'aws.partner/genesys.com/cloud/00000000-0000-0000-0000-000000000000/bench',
    account: '123456789012',
    time: new Date(now).toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {
      topicName,
      version: '2',
      eventBody,
      metadata: { CorrelationId: randomUUID() },
      timestamp: new Date(now).toISOString(),
    },
  });
}

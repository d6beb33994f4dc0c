import type { GenesysNotification } from '../../../src/tracking';

/** Test builders for Genesys notification payloads (shapes from the SDK notification models). */

export const CONV = 'c0ffee00-0000-4000-8000-000000000001';
export const QUEUE = 'q-1';
export const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);

export const iso = (ms: number): string => new Date(ms).toISOString();

export interface MessageSpec {
  at: number;
  id?: string;
  status?: string;
}

export interface ParticipantSpec {
  id: string;
  purpose: string;
  state?: string;
  connectedAt?: number;
  endAt?: number;
  parkAt?: number;
  disconnectType?: string;
  userId?: string;
  queueId?: string;
  type?: string;
  messages?: MessageSpec[];
}

export function participant(spec: ParticipantSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: spec.id,
    purpose: spec.purpose,
    state: spec.state ?? 'connected',
    type: spec.type ?? 'webmessaging',
    messages: (spec.messages ?? []).map((m, i) => ({
      message: { id: m.id ?? `${spec.id}-m${i}-${m.at}` },
      messageTime: iso(m.at),
      messageStatus: m.status ?? (spec.purpose === 'customer' ? 'received' : 'sent'),
    })),
  };
  if (spec.connectedAt !== undefined) {
    out.connectedTime = iso(spec.connectedAt);
  }
  if (spec.endAt !== undefined) {
    out.endTime = iso(spec.endAt);
  }
  if (spec.parkAt !== undefined) {
    out.parkTime = iso(spec.parkAt);
  }
  if (spec.disconnectType !== undefined) {
    out.disconnectType = spec.disconnectType;
  }
  if (spec.userId !== undefined) {
    out.user = { id: spec.userId };
  }
  if (spec.queueId !== undefined) {
    out.queue = { id: spec.queueId };
  }
  return out;
}

export function snapshot(
  participants: ParticipantSpec[],
  options: { time?: number; queueId?: string; conversationId?: string } = {},
): GenesysNotification {
  const n: GenesysNotification = {
    topicName: `v2.routing.queues.${options.queueId ?? QUEUE}.conversations.messages`,
    eventBody: {
      id: options.conversationId ?? CONV,
      participants: participants.map(participant),
      divisions: [{ division: { id: 'div-1' }, entities: [] }],
    },
  };
  if (options.time !== undefined) {
    n.time = options.time;
  }
  return n;
}

export function detail(
  kind: string,
  eventTime: number,
  body: Record<string, unknown> = {},
): GenesysNotification {
  return {
    topicName: `v2.detail.events.conversation.${CONV}.${kind}`,
    eventBody: {
      eventTime,
      conversationId: CONV,
      mediaType: 'message',
      messageType: 'webmessaging',
      ...body,
    },
  };
}

/** A typical routed web-messaging conversation: customer, acd leg ended, agent connected. */
export function routed(
  customerMessages: MessageSpec[],
  agentMessages: MessageSpec[],
  states: {
    customer?: string;
    agent?: string;
    customerEndAt?: number;
    agentEndAt?: number;
    customerDisconnectType?: string;
    agentDisconnectType?: string;
  } = {},
): ParticipantSpec[] {
  const customer: ParticipantSpec = {
    id: 'p-cust',
    purpose: 'customer',
    state: states.customer ?? 'connected',
    connectedAt: T0,
    messages: customerMessages,
  };
  if (states.customerEndAt !== undefined) {
    customer.endAt = states.customerEndAt;
  }
  if (states.customerDisconnectType !== undefined) {
    customer.disconnectType = states.customerDisconnectType;
  }
  const agent: ParticipantSpec = {
    id: 'p-agent',
    purpose: 'agent',
    state: states.agent ?? 'connected',
    connectedAt: T0 + 5_000,
    userId: 'u-1',
    queueId: QUEUE,
    messages: agentMessages,
  };
  if (states.agentEndAt !== undefined) {
    agent.endAt = states.agentEndAt;
  }
  if (states.agentDisconnectType !== undefined) {
    agent.disconnectType = states.agentDisconnectType;
  }
  return [
    customer,
    {
      id: 'p-acd',
      purpose: 'acd',
      state: 'disconnected',
      connectedAt: T0 + 1_000,
      endAt: T0 + 5_000,
      queueId: QUEUE,
    },
    agent,
  ];
}

/**
 * A re-threaded episode of the same conversation: new customer, acd and agent legs (new ids)
 * connected from `at`, with the given messages; the first episode's legs are listed as ended.
 */
export function rethreaded(
  at: number,
  customerMessages: MessageSpec[],
  agentMessages: MessageSpec[] = [],
  firstEnd = at - 60_000,
): ParticipantSpec[] {
  return [
    ...routed([], [], {
      customer: 'disconnected',
      agent: 'disconnected',
      customerEndAt: firstEnd,
      agentEndAt: firstEnd,
    }),
    { id: 'p-cust-2', purpose: 'customer', connectedAt: at, messages: customerMessages },
    { id: 'p-acd-2', purpose: 'acd', state: 'disconnected', connectedAt: at, endAt: at + 1_000 },
    {
      id: 'p-agent-2',
      purpose: 'agent',
      connectedAt: at + 1_000,
      userId: 'u-2',
      queueId: QUEUE,
      messages: agentMessages,
    },
  ];
}

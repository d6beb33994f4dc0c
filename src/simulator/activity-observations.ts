/**
 * What Genesys's conversation activity observations would see in the simulated org right now
 * (docs/genesys/facts.md §7): one observation per active message conversation that is on a
 * queue. `oWaiting`: a connected ACD leg and no agent present; `oInteracting`: an agent leg
 * connected or parked (**decision**: a parked agent counts as interacting). A conversation still
 * in its bot/flow phase has no queue yet and is not observed (**assumption**, like its absence
 * from queue topics).
 */
import { presentLegs } from './legs';
import type { SimConversation } from './legs';

/** The metrics the simulator observes (the SDK enum also has oAlerting and oLongest*). */
export type ObservedMetric = 'oWaiting' | 'oInteracting';

/** The dimensions an observation carries, by `ConversationActivityQueryPredicate.dimension`. */
export interface ObservationDimensions {
  conversationId: string;
  queueId: string;
  /** Always `message`: the simulator only has message conversations. */
  mediaType: 'message';
  /** Always `inbound`: simulated conversations are started by the customer. */
  direction: 'inbound';
  /** The agent, for `oInteracting`. */
  userId?: string;
}

/** One conversation observed in one metric. */
export interface Observation {
  metric: ObservedMetric;
  /** Epoch ms: when the ACD leg (waiting) or the agent leg (interacting) connected. */
  at: number;
  dims: ObservationDimensions;
}

/** The dimensions the simulator can filter and group on. */
export const OBSERVED_DIMENSIONS: readonly (keyof ObservationDimensions)[] = [
  'conversationId',
  'queueId',
  'mediaType',
  'direction',
  'userId',
];

/** The observation of one conversation, or undefined when it is ended or on no queue. */
export function observe(c: SimConversation): Observation | undefined {
  if (c.state !== 'connected') {
    return undefined;
  }
  const agent = presentLegs(c, 'agent').at(-1);
  if (agent) {
    return {
      metric: 'oInteracting',
      at: agent.connectedTime,
      dims: {
        ...base(c, agent.queueId ?? c.queueId),
        ...(agent.userId === undefined ? {} : { userId: agent.userId }),
      },
    };
  }
  const acd = c.participants.find((p) => p.purpose === 'acd' && p.state === 'connected');
  if (acd) {
    return { metric: 'oWaiting', at: acd.connectedTime, dims: base(c, acd.queueId ?? c.queueId) };
  }
  return undefined;
}

function base(c: SimConversation, queueId: string): ObservationDimensions {
  return { conversationId: c.id, queueId, mediaType: 'message', direction: 'inbound' };
}

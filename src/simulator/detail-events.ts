/**
 * Analytics detail-event bodies (`v2.detail.events.conversation.{id}.<role>.start|end`), one
 * builder per role so each body is exactly the SDK's model for its topic: `customer.*`
 * (CustomerStart/EndEvent), `user.*` (UserStart/EndEvent), `acd.*` (AcdStart/EndEvent) and
 * `flow.*` (FlowStart/EndEvent). End events carry the leg's `disconnectType`.
 */
import type { Models } from 'purecloud-platform-client-v2';
import type { SimConversation, SimParticipant } from './legs';
import { SIM_FLOW_ID } from './legs';

/** Detail-event role of a leg purpose (the `<role>` in the topic name). */
export const DETAIL_ROLE: Record<SimParticipant['purpose'], 'customer' | 'user' | 'acd' | 'flow'> =
  {
    customer: 'customer',
    agent: 'user',
    acd: 'acd',
    workflow: 'flow',
  };

/** Architect flow type of the simulated message flow (**decision**: no source names it). */
export const SIM_FLOW_TYPE = 'inboundshortmessage';

/**
 * A detail event body, as the SDK models it.
 *
 * @internal Typed with the Genesys SDK's models (a devDependency), so left out of the published types.
 */
export type DetailEventBody =
  | Models.CustomerStartDetailEventTopicCustomerStartEvent
  | Models.CustomerEndDetailEventTopicCustomerEndEvent
  | Models.UserStartDetailEventTopicUserStartEvent
  | Models.UserEndDetailEventTopicUserEndEvent
  | Models.AcdStartDetailEventTopicAcdStartEvent
  | Models.AcdEndDetailEventTopicAcdEndEvent
  | Models.FlowStartDetailEventTopicFlowStartEvent
  | Models.FlowEndDetailEventTopicFlowEndEvent;

function common(c: SimConversation, p: SimParticipant, eventTime: number) {
  return {
    eventTime,
    conversationId: c.id,
    participantId: p.id,
    sessionId: p.communicationId,
    mediaType: 'message',
    provider: 'PureCloud Messaging',
    direction: 'inbound',
    messageType: c.messageType,
  };
}

/** Fields only an end event has: how the leg ended. */
function ending(p: SimParticipant) {
  return p.disconnectType === undefined ? {} : { disconnectType: p.disconnectType };
}

function durationMs(p: SimParticipant): number | undefined {
  return p.endTime === undefined ? undefined : p.endTime - p.connectedTime;
}

function customerEvent(
  c: SimConversation,
  p: SimParticipant,
  at: number,
  ended: boolean,
): DetailEventBody {
  if (!ended) {
    const start: Models.CustomerStartDetailEventTopicCustomerStartEvent = common(c, p, at);
    return start;
  }
  const d = durationMs(p);
  const end: Models.CustomerEndDetailEventTopicCustomerEndEvent = {
    ...common(c, p, at),
    ...ending(p),
    ...(d === undefined ? {} : { interactingDurationMs: d }),
  };
  return end;
}

function userEvent(
  c: SimConversation,
  p: SimParticipant,
  at: number,
  ended: boolean,
): DetailEventBody {
  const who = {
    ...(p.userId === undefined ? {} : { userId: p.userId }),
    ...(p.queueId === undefined ? {} : { queueId: p.queueId }),
  };
  if (!ended) {
    const start: Models.UserStartDetailEventTopicUserStartEvent = { ...common(c, p, at), ...who };
    return start;
  }
  const d = durationMs(p);
  const end: Models.UserEndDetailEventTopicUserEndEvent = {
    ...common(c, p, at),
    ...ending(p),
    ...who,
    ...(d === undefined ? {} : { interactingDurationMs: d }),
  };
  return end;
}

function acdEvent(
  c: SimConversation,
  p: SimParticipant,
  at: number,
  ended: boolean,
): DetailEventBody {
  const queue = p.queueId === undefined ? {} : { queueId: p.queueId };
  if (!ended) {
    const start: Models.AcdStartDetailEventTopicAcdStartEvent = { ...common(c, p, at), ...queue };
    return start;
  }
  const d = durationMs(p);
  const end: Models.AcdEndDetailEventTopicAcdEndEvent = {
    ...common(c, p, at),
    ...ending(p),
    ...queue,
    ...(d === undefined ? {} : { connectedDurationMs: d }),
  };
  return end;
}

function flowEvent(
  c: SimConversation,
  p: SimParticipant,
  at: number,
  ended: boolean,
): DetailEventBody {
  const flow = { flowId: SIM_FLOW_ID, flowType: SIM_FLOW_TYPE };
  if (!ended) {
    const start: Models.FlowStartDetailEventTopicFlowStartEvent = { ...common(c, p, at), ...flow };
    return start;
  }
  const d = durationMs(p);
  const end: Models.FlowEndDetailEventTopicFlowEndEvent = {
    ...common(c, p, at),
    ...ending(p),
    ...flow,
    ...(d === undefined ? {} : { connectedDurationMs: d }),
  };
  return end;
}

const BUILDERS = {
  customer: customerEvent,
  user: userEvent,
  acd: acdEvent,
  flow: flowEvent,
} as const;

/**
 * The detail event body for leg `p` starting (`ended` false) or ending, at `eventTime`.
 *
 * @internal Typed with the Genesys SDK's models (a devDependency), so left out of the published types.
 */
export function toDetailEvent(
  c: SimConversation,
  p: SimParticipant,
  eventTime: number,
  ended: boolean,
): DetailEventBody {
  return BUILDERS[DETAIL_ROLE[p.purpose]](c, p, eventTime, ended);
}

/**
 * The `.attributes` detail event (SDK `AttributeDetailEventTopicAttributeUpdateEvent`). Whether
 * Genesys sends every key or only the changed ones is not documented; the simulator sends all.
 *
 * @internal Typed with the Genesys SDK's models (a devDependency), so left out of the published types.
 */
export function toAttributesEvent(
  c: SimConversation,
  p: SimParticipant,
  eventTime: number,
): Models.AttributeDetailEventTopicAttributeUpdateEvent {
  return {
    eventTime,
    conversationId: c.id,
    participantId: p.id,
    attributes: { ...p.attributes },
    communications: [{ id: p.communicationId, mediaType: 'message' }],
  };
}

/**
 * The simulated org's conversations: who is in them, what was said, who left. Every change is
 * reported to `onChange` (synchronously) so notifications and event delivery can publish it.
 * When a conversation is over is decided by src/genesys/lifecycle.ts (`isConversationOver`: no
 * leg other than ACD/IVR/workflow connected or parked), not by "every leg disconnected".
 * Multi-step changes (phases, parking, re-threading) are in transitions.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isConversationOver, isPresent } from '../genesys/lifecycle';
import type { Clock } from '../timers/clock';
import { simErrors } from './errors';
import { DEFAULT_AGENT_USER_ID, DEFAULT_QUEUE_ID, newLeg, presentLegs } from './legs';
import type { SimConversation, SimMessageRecord, SimParticipant, SimWrapup } from './legs';
import type { CreateConversationSpec, SimPhase, SimPurpose, SimSide } from './types';

export type { SimConversation, SimMessageRecord, SimParticipant, SimWrapup } from './legs';
export { DEFAULT_AGENT_USER_ID, DEFAULT_QUEUE_ID, SIM_FLOW_ID } from './legs';
export { summarize } from './summary';

export type SimChange =
  /** `startedIds`: the legs connected at creation (each gets a detail `*.start`). */
  | { kind: 'created'; conversationId: string; startedIds: string[] }
  | { kind: 'message'; conversationId: string; messageId: string }
  | { kind: 'participant-connected'; conversationId: string; participantId: string }
  | { kind: 'participant-updated'; conversationId: string; participantId: string }
  | { kind: 'participant-disconnected'; conversationId: string; participantId: string }
  | { kind: 'wrapup'; conversationId: string; participantId: string }
  | { kind: 'attributes'; conversationId: string; participantId: string }
  | { kind: 'ended'; conversationId: string };

/** The phase a create spec asks for: `phase`, else `withAgent` (false = queue), else agent. */
export function phaseOf(spec: { phase?: SimPhase; withAgent?: boolean }): SimPhase {
  return spec.phase ?? (spec.withAgent === false ? 'queue' : 'agent');
}

/** Who sends for the agent side, in order: an agent (connected, then parked), the flow, the ACD. */
const AGENT_SIDE_SENDERS: readonly SimPurpose[] = ['agent', 'workflow', 'acd'];

export class SimWorld {
  private readonly conversations = new Map<string, SimConversation>();

  constructor(
    readonly clock: Clock,
    private readonly onChange: (change: SimChange) => void,
  ) {}

  get(conversationId: string): SimConversation | undefined {
    return this.conversations.get(conversationId);
  }

  /** Every conversation, in creation order (ended ones included). */
  all(): SimConversation[] {
    return [...this.conversations.values()];
  }

  /** Like `get` but throws 404 `not.found` (as the API answers for an unknown id). */
  require(conversationId: string): SimConversation {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) {
      throw simErrors.notFound();
    }
    return conversation;
  }

  requireParticipant(conversation: SimConversation, participantId: string): SimParticipant {
    const participant = conversation.participants.find((p) => p.id === participantId);
    if (!participant) {
      throw simErrors.notFound();
    }
    return participant;
  }

  /**
   * A new conversation in the spec's phase, published as one `created` change. In phase `agent`
   * the ACD leg is born ended (`transfer`), as Genesys shows a conversation an agent answered.
   */
  create(spec: CreateConversationSpec = {}): SimConversation {
    const now = this.clock.now();
    const id = spec.id ?? randomUUID();
    if (this.conversations.has(id)) {
      throw simErrors.badRequest(`Conversation ${id} already exists.`);
    }
    const queueId = spec.queueId ?? DEFAULT_QUEUE_ID;
    const phase = phaseOf(spec);
    const participants: SimParticipant[] = [
      newLeg('customer', now, 1, {
        ...(spec.customerName === undefined ? {} : { name: spec.customerName }),
        ...(spec.attributes === undefined ? {} : { attributes: spec.attributes }),
      }),
    ];
    if (phase === 'flow') {
      participants.push(newLeg('workflow', now, 1));
    } else {
      const acd = newLeg('acd', now, 1, { queueId });
      participants.push(acd);
      if (phase === 'agent') {
        acd.state = 'disconnected';
        acd.endTime = now;
        acd.disconnectType = 'transfer';
        const userId = spec.agentUserId ?? DEFAULT_AGENT_USER_ID;
        participants.push(newLeg('agent', now, 1, { userId, queueId }));
      }
    }
    const conversation: SimConversation = {
      id,
      messageType: spec.messageType ?? 'webmessaging',
      queueId,
      startTime: now,
      state: 'connected',
      participants,
      messages: [],
      disconnectCount: 0,
      messagesSentByApi: 0,
      episodes: 1,
    };
    this.conversations.set(id, conversation);
    this.onChange({
      kind: 'created',
      conversationId: id,
      startedIds: participants.filter(isPresent).map((p) => p.id),
    });
    return conversation;
  }

  /** Lays `attributes` over the newest customer leg's and publishes the change. */
  setAttributes(conversation: SimConversation, attributes: Record<string, string>): void {
    const customer = conversation.participants.filter((p) => p.purpose === 'customer').at(-1);
    if (!customer) {
      throw simErrors.badRequest(`No customer participant in conversation ${conversation.id}.`);
    }
    customer.attributes = { ...customer.attributes, ...attributes };
    this.onChange({
      kind: 'attributes',
      conversationId: conversation.id,
      participantId: customer.id,
    });
  }

  /** Adds a message sent by `participant` (its side is derived from its purpose). */
  addMessage(conversation: SimConversation, participant: SimParticipant, text: string) {
    if (!isPresent(participant)) {
      throw simErrors.badRequest('The communication is not connected.');
    }
    const record: SimMessageRecord = {
      messageId: randomBytes(16).toString('hex'),
      side: participant.purpose === 'customer' ? 'customer' : 'agent',
      participantId: participant.id,
      text,
      at: this.clock.now(),
    };
    conversation.messages.push(record);
    this.onChange({
      kind: 'message',
      conversationId: conversation.id,
      messageId: record.messageId,
    });
    return record;
  }

  /**
   * The leg that speaks for `side`: the connected customer; for the agent side a connected agent,
   * else a parked one, else the flow (bot) or ACD leg.
   */
  connectedLeg(conversation: SimConversation, side: SimSide): SimParticipant {
    const legs = conversation.participants;
    const found =
      side === 'customer'
        ? legs.find((p) => p.purpose === 'customer' && p.state === 'connected')
        : (legs.find((p) => p.purpose === 'agent' && p.state === 'connected') ??
          AGENT_SIDE_SENDERS.map((purpose) => presentLegs(conversation, purpose)[0]).find(
            (p) => p !== undefined,
          ));
    if (!found) {
      throw simErrors.badRequest(`No connected ${side} participant.`);
    }
    return found;
  }

  /** Adds a new connected leg and publishes it (detail `*.start` + snapshots). */
  connectLeg(conversation: SimConversation, leg: SimParticipant): void {
    conversation.participants.push(leg);
    this.onChange({
      kind: 'participant-connected',
      conversationId: conversation.id,
      participantId: leg.id,
    });
  }

  /** Parks (`parked`, new `parkTime`) or unparks (`connected`) an agent leg. */
  setParked(conversation: SimConversation, leg: SimParticipant, parked: boolean): void {
    leg.state = parked ? 'parked' : 'connected';
    if (parked) {
      leg.parkTime = this.clock.now();
    }
    this.onChange({
      kind: 'participant-updated',
      conversationId: conversation.id,
      participantId: leg.id,
    });
  }

  /**
   * Disconnects one leg (`type` is its disconnectType). Knock-on effects (a simplification of
   * Genesys, see README): when no agent is left, the customer is disconnected (`peer`); the
   * customer leaving keeps the agent. The conversation ends when lifecycle.ts says it is over.
   */
  disconnectLeg(conversation: SimConversation, participant: SimParticipant, type: string): void {
    if (participant.state === 'disconnected') {
      throw simErrors.alreadyDisconnected();
    }
    this.endLeg(conversation, participant, type);
    if (participant.purpose === 'agent' && presentLegs(conversation, 'agent').length === 0) {
      presentLegs(conversation, 'customer').forEach((p) => {
        this.endLeg(conversation, p, 'peer');
      });
    }
    this.settle(conversation);
  }

  /** Disconnects every present leg; throws `alreadyDisconnected` when the conversation ended. */
  disconnectAll(conversation: SimConversation, type: string): void {
    if (conversation.state === 'disconnected') {
      throw simErrors.alreadyDisconnected();
    }
    conversation.participants.filter(isPresent).forEach((p) => {
      this.endLeg(conversation, p, type);
    });
    this.settle(conversation);
  }

  /** Ends one leg and publishes it (detail `*.end` + snapshots); no knock-on effects. */
  endLeg(conversation: SimConversation, participant: SimParticipant, type: string): void {
    participant.state = 'disconnected';
    participant.endTime = this.clock.now();
    participant.disconnectType = type;
    this.onChange({
      kind: 'participant-disconnected',
      conversationId: conversation.id,
      participantId: participant.id,
    });
  }

  /**
   * Ends the conversation once it is over (lifecycle.ts): routing/flow legs still connected end
   * as `peer`, the conversation gets its `endTime`, and `ended` is published.
   */
  settle(conversation: SimConversation): void {
    if (conversation.state !== 'connected' || !isConversationOver(conversation.participants)) {
      return;
    }
    conversation.participants.filter(isPresent).forEach((p) => {
      this.endLeg(conversation, p, 'peer');
    });
    conversation.state = 'disconnected';
    conversation.endTime = this.clock.now();
    this.onChange({ kind: 'ended', conversationId: conversation.id });
  }

  /** Makes an ended conversation live again for a new episode (legs are added by the caller). */
  reopen(conversation: SimConversation): void {
    conversation.state = 'connected';
    delete conversation.endTime;
    conversation.episodes += 1;
  }

  setWrapup(conversation: SimConversation, participant: SimParticipant, wrapup: SimWrapup): void {
    participant.wrapup = wrapup;
    this.onChange({
      kind: 'wrapup',
      conversationId: conversation.id,
      participantId: participant.id,
    });
  }

  skipWrapup(participant: SimParticipant): void {
    participant.wrapupSkipped = true;
  }
}

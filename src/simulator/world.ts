/**
 * The simulated org's conversations: who is in them, what was said, who left. Every change is
 * reported to `onChange` (synchronously) so notifications and event delivery can publish it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../timers/clock';
import { simErrors } from './errors';
import type {
  CreateConversationSpec,
  SimConversationSummary,
  SimLegState,
  SimPurpose,
  SimSide,
} from './types';

export interface SimMessageRecord {
  messageId: string;
  side: SimSide;
  participantId: string;
  text: string;
  /** Epoch ms from the injected clock. */
  at: number;
}

export interface SimWrapup {
  code: string;
  notes?: string;
}

export interface SimParticipant {
  id: string;
  purpose: SimPurpose;
  state: SimLegState;
  communicationId: string;
  name: string;
  userId?: string;
  queueId?: string;
  startTime: number;
  connectedTime: number;
  endTime?: number;
  disconnectType?: string;
  wrapupRequired: boolean;
  wrapup?: SimWrapup;
  wrapupSkipped?: boolean;
}

export interface SimConversation {
  id: string;
  messageType: string;
  queueId: string;
  startTime: number;
  endTime?: number;
  state: SimLegState;
  participants: SimParticipant[];
  messages: SimMessageRecord[];
  disconnectCount: number;
}

export type SimChange =
  | { kind: 'created'; conversationId: string }
  | { kind: 'message'; conversationId: string; messageId: string }
  | { kind: 'participant-disconnected'; conversationId: string; participantId: string }
  | { kind: 'wrapup'; conversationId: string; participantId: string }
  | { kind: 'ended'; conversationId: string };

/** Default queue id for conversations created without one. */
export const DEFAULT_QUEUE_ID = '6e4b3c1a-0f2d-4c7e-9a51-2b8d7f3e9c10';
/** Default agent user id. */
export const DEFAULT_AGENT_USER_ID = '9b2f6d4e-1c3a-4e8b-8f70-5a1d2c3b4e60';

export class SimWorld {
  private readonly conversations = new Map<string, SimConversation>();

  constructor(
    private readonly clock: Clock,
    private readonly onChange: (change: SimChange) => void,
  ) {}

  get(conversationId: string): SimConversation | undefined {
    return this.conversations.get(conversationId);
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

  create(spec: CreateConversationSpec = {}): SimConversation {
    const now = this.clock.now();
    const id = spec.id ?? randomUUID();
    if (this.conversations.has(id)) {
      throw simErrors.badRequest(`Conversation ${id} already exists.`);
    }
    const queueId = spec.queueId ?? DEFAULT_QUEUE_ID;
    const withAgent = spec.withAgent ?? true;
    const leg = (purpose: SimPurpose, name: string): SimParticipant => ({
      id: randomUUID(),
      purpose,
      state: 'connected',
      communicationId: randomUUID(),
      name,
      startTime: now,
      connectedTime: now,
      wrapupRequired: purpose === 'agent',
    });
    const customer = leg('customer', spec.customerName ?? 'Web Customer');
    const acd = { ...leg('acd', 'Support'), queueId };
    const participants: SimParticipant[] = [customer, acd];
    if (withAgent) {
      // Once an agent answers, the ACD leg ends with a transfer, as Genesys shows it.
      acd.state = 'disconnected';
      acd.endTime = now;
      acd.disconnectType = 'transfer';
      participants.push({
        ...leg('agent', 'Agent'),
        userId: spec.agentUserId ?? DEFAULT_AGENT_USER_ID,
        queueId,
      });
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
    };
    this.conversations.set(id, conversation);
    this.onChange({ kind: 'created', conversationId: id });
    return conversation;
  }

  /** Adds a message sent by `participant` (its side is derived from its purpose). */
  addMessage(conversation: SimConversation, participant: SimParticipant, text: string) {
    if (participant.state !== 'connected') {
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

  /** Finds the connected leg on `side` (the agent side falls back to the ACD leg). */
  connectedLeg(conversation: SimConversation, side: SimSide): SimParticipant {
    const purposes: SimPurpose[] = side === 'customer' ? ['customer'] : ['agent', 'acd'];
    for (const purpose of purposes) {
      const leg = conversation.participants.find(
        (p) => p.purpose === purpose && p.state === 'connected',
      );
      if (leg) {
        return leg;
      }
    }
    throw simErrors.badRequest(`No connected ${side} participant.`);
  }

  /**
   * Disconnects one leg. Knock-on effects (a simplification of Genesys, see README): when the
   * last agent leaves, the customer is disconnected (`peer`); when the customer leaves, a waiting
   * ACD leg ends too. The conversation ends when no leg is connected.
   */
  disconnectLeg(conversation: SimConversation, participant: SimParticipant, type: string): void {
    if (participant.state === 'disconnected') {
      throw simErrors.alreadyDisconnected();
    }
    this.endLeg(conversation, participant, type);
    const connected = conversation.participants.filter((p) => p.state === 'connected');
    if (participant.purpose === 'agent' && !connected.some((p) => p.purpose === 'agent')) {
      connected
        .filter((p) => p.purpose === 'customer')
        .forEach((p) => {
          this.endLeg(conversation, p, 'peer');
        });
    }
    if (participant.purpose === 'customer') {
      connected
        .filter((p) => p.purpose === 'acd')
        .forEach((p) => {
          this.endLeg(conversation, p, 'peer');
        });
    }
    this.endIfIdle(conversation);
  }

  /** Disconnects every connected leg; throws `alreadyDisconnected` when the conversation ended. */
  disconnectAll(conversation: SimConversation, type: string): void {
    if (conversation.state === 'disconnected') {
      throw simErrors.alreadyDisconnected();
    }
    conversation.participants
      .filter((p) => p.state === 'connected')
      .forEach((p) => {
        this.endLeg(conversation, p, type);
      });
    this.endIfIdle(conversation);
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

  private endLeg(conversation: SimConversation, participant: SimParticipant, type: string): void {
    participant.state = 'disconnected';
    participant.endTime = this.clock.now();
    participant.disconnectType = type;
    this.onChange({
      kind: 'participant-disconnected',
      conversationId: conversation.id,
      participantId: participant.id,
    });
  }

  private endIfIdle(conversation: SimConversation): void {
    if (conversation.state === 'connected' && conversation.participants.every(isDisconnected)) {
      conversation.state = 'disconnected';
      conversation.endTime = this.clock.now();
      this.onChange({ kind: 'ended', conversationId: conversation.id });
    }
  }
}

function isDisconnected(p: SimParticipant): boolean {
  return p.state === 'disconnected';
}

/** The test-facing summary of a conversation. */
export function summarize(conversation: SimConversation): SimConversationSummary {
  return {
    id: conversation.id,
    state: conversation.state,
    participants: conversation.participants.map((p) => ({
      id: p.id,
      purpose: p.purpose,
      state: p.state,
      communicationId: p.communicationId,
      ...(p.userId === undefined ? {} : { userId: p.userId }),
      ...(p.queueId === undefined ? {} : { queueId: p.queueId }),
      ...(p.wrapup === undefined ? {} : { wrapup: { code: p.wrapup.code } }),
    })),
    messages: conversation.messages.map((m) => ({
      side: m.side,
      text: m.text,
      messageTime: new Date(m.at).toISOString(),
    })),
    disconnectCount: conversation.disconnectCount,
  };
}

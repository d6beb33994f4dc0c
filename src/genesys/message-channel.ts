import { GenesysInputError } from './errors';
import type { Conversation, MessageConversation, MessageMediaParticipant } from './models';
import { connectedCommunicationId, latestCommunicationId } from './participants';
import { CUSTOMER_PURPOSES } from './lifecycle';

/** Routing legs carry no communication a message could be sent from. */
const NO_SENDER_PURPOSES: ReadonlySet<string> = new Set(['acd', 'ivr', ...CUSTOMER_PURPOSES]);

/**
 * Sending a text into a live messaging conversation: which communication it goes on and what
 * Genesys accepts. Shared by `endConversation` (closing message) and `sendConversationMessage`
 * (closer's warnings), so both pick the same communication and apply the same limits.
 */

/** Longest closing message for non-SMS channels (AdditionalMessage.textBody, docs/genesys/facts.md §3). */
export const MAX_MESSAGE_LENGTH = 2000;
/** Longest closing message on SMS. */
export const MAX_SMS_MESSAGE_LENGTH = 765;

/** The participant and communication a message is sent on. */
export interface MessageChannel {
  participantId: string;
  communicationId: string;
}

export function validateMessage(message: string | undefined, label = 'closing message'): void {
  if (message === undefined) {
    return;
  }
  if (message.trim() === '') {
    throw new GenesysInputError(`The ${label} is empty`);
  }
  if (message.length > MAX_MESSAGE_LENGTH) {
    throw new GenesysInputError(
      `The ${label} has ${message.length} characters; Genesys accepts at most ${MAX_MESSAGE_LENGTH}`,
      { length: message.length, max: MAX_MESSAGE_LENGTH },
    );
  }
}

export function validateSmsLength(
  message: string | undefined,
  conversation: MessageConversation,
  label = 'closing message',
): void {
  const sms = conversation.participants.some((p) => p.purpose === 'customer' && p.type === 'sms');
  if (message !== undefined && sms && message.length > MAX_SMS_MESSAGE_LENGTH) {
    throw new GenesysInputError(
      `The ${label} has ${message.length} characters; SMS accepts at most ${MAX_SMS_MESSAGE_LENGTH}`,
      { length: message.length, max: MAX_SMS_MESSAGE_LENGTH },
    );
  }
}

/**
 * The communication to send the closing message on: the connected (or parked) agent's; else (bot
 * or flow session) any other present non-customer party's, routing plumbing (acd, ivr) excluded.
 * A participant counts as present when a communication says so, or — when communications carry
 * no state — when the message model says it is live.
 */
export function chooseMessageChannel(
  generic: Conversation,
  live: MessageMediaParticipant[],
): MessageChannel | undefined {
  const liveIds = new Set(live.map((p) => p.id));
  const candidates = generic.participants
    .filter((p) => !NO_SENDER_PURPOSES.has((p.purpose ?? '').toLowerCase()))
    .map((p) => ({
      participant: p,
      communicationId:
        connectedCommunicationId(p) ??
        (liveIds.has(p.id) && p.messages.every((m) => m.state === undefined)
          ? latestCommunicationId(p)
          : undefined),
    }))
    .filter((c) => c.communicationId !== undefined);
  const chosen = candidates.find((c) => c.participant.purpose === 'agent') ?? candidates[0];
  if (chosen?.communicationId === undefined) {
    return undefined;
  }
  return { participantId: chosen.participant.id, communicationId: chosen.communicationId };
}

import type {
  Conversation,
  MessageConversation,
  MessageMediaParticipant,
  Participant,
} from './models';

/**
 * Purposes that do not keep a conversation alive on their own: routing plumbing (`acd` while
 * queued, `ivr`) follows the parties. Everything else — customer, agent, workflow (bot/flow),
 * user, external, and any purpose Genesys adds — counts.
 */
export const PLUMBING_PURPOSES: ReadonlySet<string> = new Set(['acd', 'ivr']);

/** A party that is still in the conversation: state `connected` and not routing plumbing. */
export function isLiveParticipant(participant: MessageMediaParticipant): boolean {
  return participant.state === 'connected' && !PLUMBING_PURPOSES.has(participant.purpose ?? '');
}

/**
 * The participants keeping a message conversation alive. closer's definition of "ended":
 * this list is empty (no customer, agent, workflow or other party is connected).
 */
export function liveParticipants(conversation: MessageConversation): MessageMediaParticipant[] {
  return conversation.participants.filter(isLiveParticipant);
}

/** The generic-model participant's messaging communication that is connected, if any. */
export function connectedCommunicationId(participant: Participant): string | undefined {
  return participant.messages.find((communication) => communication.state === 'connected')?.id;
}

/** The newest communication of a generic-model participant (connected first, else the last one). */
export function latestCommunicationId(participant: Participant): string | undefined {
  return connectedCommunicationId(participant) ?? participant.messages.at(-1)?.id;
}

/** Finds a participant of the generic model by id. */
export function findParticipant(conversation: Conversation, id: string): Participant | undefined {
  return conversation.participants.find((participant) => participant.id === id);
}

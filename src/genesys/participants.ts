import type {
  Conversation,
  MessageConversation,
  MessageMediaParticipant,
  Participant,
} from './models';
import { keepsConversationOpen, openLegs, PRESENT_STATES } from './lifecycle';

/**
 * A party that keeps the conversation open (connected or parked, and not ACD/IVR/workflow): the
 * one definition in `lifecycle.ts`, applied to the REST model.
 */
export function isLiveParticipant(participant: MessageMediaParticipant): boolean {
  return keepsConversationOpen(participant);
}

/**
 * The participants keeping a message conversation open. closer's definition of "ended"
 * (`lifecycle.ts`): this list is empty.
 */
export function liveParticipants(conversation: MessageConversation): MessageMediaParticipant[] {
  return openLegs(conversation.participants);
}

/** The generic-model participant's communication that is present (connected or parked), if any. */
export function connectedCommunicationId(participant: Participant): string | undefined {
  return participant.messages.find((communication) =>
    PRESENT_STATES.has((communication.state ?? '').toLowerCase()),
  )?.id;
}

/** The newest communication of a generic-model participant (connected first, else the last one). */
export function latestCommunicationId(participant: Participant): string | undefined {
  return connectedCommunicationId(participant) ?? participant.messages.at(-1)?.id;
}

/** Finds a participant of the generic model by id. */
export function findParticipant(conversation: Conversation, id: string): Participant | undefined {
  return conversation.participants.find((participant) => participant.id === id);
}

import type { ConversationState } from '../tracking/conversation-state';

/**
 * The facts an inactivity rule's `match` pattern is matched against. Unknown facts are left out
 * (not `null`), so `{ exists: false }` means "not known". `purposes` lists each participant
 * purpose once, in the order first seen, e.g. `["customer", "acd", "agent"]`.
 *
 * `messageType`, `mediaType` and `purposes` are lower case whatever Genesys sent: the
 * conversation models say `webmessaging` / `message`, the detail events `WEBMESSAGING` /
 * `MESSAGE` (docs/genesys/facts.md §11), and a rule must match either way.
 */
export interface ConversationFacts {
  conversationId: string;
  queueId?: string;
  messageType?: string;
  mediaType?: string;
  divisionId?: string;
  purposes: string[];
}

/** What a fact holds: a Genesys id of some kind, a message type, a media type, or purposes. */
export type FactKind =
  'conversation' | 'queue' | 'division' | 'messageType' | 'mediaType' | 'purposes';

/**
 * Every fact closer builds: a closed set. A `match` naming anything else can never be true, so
 * the rules check refuses it (webhook `pattern`s are not checked this way: their keys are
 * whatever the sender's payload has). `satisfies` keeps this list and the interface in step.
 */
export const CONVERSATION_FACTS = {
  conversationId: 'conversation',
  queueId: 'queue',
  messageType: 'messageType',
  mediaType: 'mediaType',
  divisionId: 'division',
  purposes: 'purposes',
} as const satisfies Record<keyof ConversationFacts, FactKind>;

/** The fact names, in the order the README lists them. */
export const CONVERSATION_FACT_NAMES = Object.keys(CONVERSATION_FACTS) as ReadonlyArray<
  keyof ConversationFacts
>;

/** closer follows message conversations only, so `mediaType` is always this when known. */
export const MESSAGE_MEDIA_TYPE = 'message';

/** Media types Genesys names (detail events' `MediaTypeEnum`, lower-cased). */
export const MEDIA_TYPES = [
  'message',
  'voice',
  'chat',
  'email',
  'callback',
  'cobrowse',
  'video',
  'screenshare',
  'internalmessage',
] as const;

/**
 * Participant purposes Genesys names (`MessageMediaParticipant.purpose`, docs/genesys/facts.md
 * §2) plus `workflow`, which bots and Architect flows use in practice (§10).
 */
export const PARTICIPANT_PURPOSES = [
  'customer',
  'agent',
  'acd',
  'workflow',
  'ivr',
  'user',
  'external',
] as const;

/** Builds the facts of one conversation for pattern matching. */
export function conversationFacts(state: ConversationState): ConversationFacts {
  const purposes: string[] = [];
  for (const participant of state.participants) {
    const purpose = participant.purpose.toLowerCase();
    if (!purposes.includes(purpose)) {
      purposes.push(purpose);
    }
  }
  return {
    conversationId: state.conversationId,
    ...(state.queueId === undefined ? {} : { queueId: state.queueId }),
    ...(state.messageType === undefined ? {} : { messageType: state.messageType.toLowerCase() }),
    ...(state.mediaType === undefined ? {} : { mediaType: state.mediaType.toLowerCase() }),
    ...(state.divisionId === undefined ? {} : { divisionId: state.divisionId }),
    purposes,
  };
}

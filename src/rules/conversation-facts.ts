import type { ConversationState } from '../tracking/conversation-state';
import { conversationPhase, type ConversationPhase } from '../genesys/lifecycle';

/**
 * The facts an inactivity rule's `match` pattern is matched against. Unknown facts are left out
 * (not `null`), so `{ exists: false }` means "not known". `purposes` lists each participant
 * purpose once, in the order first seen, e.g. `["customer", "acd", "agent"]`.
 *
 * `messageType`, `mediaType` and `purposes` are lower case whatever Genesys sent: the
 * conversation models say `webmessaging` / `message`, the detail events `WEBMESSAGING` /
 * `MESSAGE` (docs/genesys/facts.md §11), and a rule must match either way.
 *
 * `attributes` are the participants' attributes (participant data) merged in the order the legs
 * were first seen, so a newer leg's value wins on a name both carry; `phase` and `episode` are
 * derived by closer (`genesys/lifecycle.ts`, the episode count of `ConversationState`).
 */
export interface ConversationFacts {
  conversationId: string;
  queueId?: string;
  messageType?: string;
  mediaType?: string;
  divisionId?: string;
  purposes: string[];
  attributes?: Record<string, string>;
  phase: ConversationPhase;
  episode: number;
}

/**
 * What a fact holds: a Genesys id of some kind, a message type, a media type, purposes, named
 * texts (attributes), a phase closer derives, or a number (the episode).
 */
export type FactKind =
  | 'conversation'
  | 'queue'
  | 'division'
  | 'messageType'
  | 'mediaType'
  | 'purposes'
  | 'attributes'
  | 'phase'
  | 'episode';

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
  attributes: 'attributes',
  phase: 'phase',
  episode: 'episode',
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
  let attributes: Record<string, string> | undefined;
  for (const participant of state.participants) {
    const purpose = participant.purpose.toLowerCase();
    if (!purposes.includes(purpose)) {
      purposes.push(purpose);
    }
    if (participant.attributes !== undefined) {
      attributes = { ...attributes, ...participant.attributes };
    }
  }
  return {
    conversationId: state.conversationId,
    ...(state.queueId === undefined ? {} : { queueId: state.queueId }),
    ...(state.messageType === undefined ? {} : { messageType: state.messageType.toLowerCase() }),
    ...(state.mediaType === undefined ? {} : { mediaType: state.mediaType.toLowerCase() }),
    ...(state.divisionId === undefined ? {} : { divisionId: state.divisionId }),
    purposes,
    ...(attributes === undefined ? {} : { attributes }),
    phase: conversationPhase(state.participants).phase,
    episode: state.episode,
  };
}

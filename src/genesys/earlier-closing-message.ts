import { CUSTOMER_PURPOSES } from './lifecycle';
import type { MessageConversation } from './models';

/**
 * Genesys's send has no idempotency key, so after a crash between "intent recorded" and "ending
 * recorded" closer cannot ask Genesys whether its closing message went out; it can only look at
 * the conversation's own messages (`MessageMediaParticipant.messages[]`, docs/genesys/facts.md §2:
 * `messageId`, `messageTime`, no text) for one that could be it.
 */

/**
 * How far before the recorded intent a message may be dated and still count as possibly closer's,
 * ms: the intent is taken on closer's clock, `messageTime` on Genesys's. 5000.
 */
export const MESSAGE_CLOCK_ALLOWANCE_MS = 5_000;

/** What {@link findEarlierClosingMessage} concluded. */
export type EarlierClosingMessage =
  /** A message from closer's side since the intent: treat the closing message as sent. */
  | { seen: true; messageId?: string; messageTime?: string; why: string }
  /** The conversation shows no such message: the earlier attempt did not send it. */
  | { seen: false };

/**
 * Whether the conversation shows a message that may be the closing message an earlier attempt
 * sent after recording its intent at `intentAt` (epoch ms, closer's clock): a message on a leg that
 * is not the customer's (closer sends on the agent's or the bot/flow's communication) or one with an
 * outbound status on the customer's leg, dated at or after `intentAt - allowanceMs`, and not one of `knownMessageIds` (closer's own earlier messages,
 * e.g. a warning, whose ids it recorded). Errs towards "seen", which costs at most a missing
 * closing message, never a second one: a candidate without a time counts as seen, and so does a
 * read with no message list on any leg (it cannot rule anything out).
 */
export function findEarlierClosingMessage(
  conversation: MessageConversation,
  intentAt: number,
  knownMessageIds: readonly string[] = [],
  allowanceMs: number = MESSAGE_CLOCK_ALLOWANCE_MS,
): EarlierClosingMessage {
  const participants = conversation.participants;
  if (!participants.some((p) => p.messages !== undefined)) {
    return { seen: true, why: 'the conversation read lists no messages to look at' };
  }
  const known = new Set(knownMessageIds);
  const since = intentAt - allowanceMs;
  for (const participant of participants) {
    const customerLeg = CUSTOMER_PURPOSES.has((participant.purpose ?? '').toLowerCase());
    for (const message of participant.messages ?? []) {
      if (message.messageId !== undefined && known.has(message.messageId)) {
        continue;
      }
      // The customer's own messages are `received`; an outbound status on the customer's leg
      // (should Genesys list sent messages there too) is a candidate.
      const inbound = (message.messageStatus ?? 'received').toLowerCase() === 'received';
      if (customerLeg && inbound) {
        continue;
      }
      const at = message.messageTime === undefined ? Number.NaN : Date.parse(message.messageTime);
      if (Number.isNaN(at)) {
        return {
          seen: true,
          ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
          why: `message ${message.messageId ?? '(no id)'} on the ${participant.purpose ?? 'unknown'} leg has no time`,
        };
      }
      if (at >= since) {
        return {
          seen: true,
          ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
          ...(message.messageTime === undefined ? {} : { messageTime: message.messageTime }),
          why: `message ${message.messageId ?? '(no id)'} on the ${participant.purpose ?? 'unknown'} leg at ${message.messageTime ?? '?'}`,
        };
      }
    }
  }
  return { seen: false };
}

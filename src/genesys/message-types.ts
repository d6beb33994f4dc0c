import { MAX_MESSAGE_LENGTH, MAX_SMS_MESSAGE_LENGTH } from './message-channel';

/**
 * Genesys's messaging sub-types (a conversation's `messageType`) and the longest text Genesys
 * accepts on each (docs/genesys/facts.md §11). closer's rules check uses them to tell which
 * channels a rule can reach and whether its messages fit.
 */

/**
 * The message types Genesys names, lower case as the conversation models carry them
 * (`MessageMediaParticipant.type`); the detail events spell the same values in upper case
 * (`MessageTypeEnum`), which closer lower-cases (`conversationFacts`). Genesys adds channels
 * over time, so an unknown value is a warning in a rules file, never an error.
 */
export const MESSAGE_TYPES = [
  'webmessaging',
  'open',
  'sms',
  'whatsapp',
  'facebook',
  'instagram',
  'twitter',
  'line',
  'telegram',
  'kakao',
  'apple',
] as const;

/** One of {@link MESSAGE_TYPES}. */
export type MessageType = (typeof MESSAGE_TYPES)[number];

/**
 * Longest `textBody` Genesys accepts for a message of this type, in characters: 765 on SMS,
 * 2000 on every other channel (`AdditionalMessage.textBody`, docs/genesys/facts.md §11).
 */
export function maxTextBodyLength(messageType: string): number {
  return messageType.toLowerCase() === 'sms' ? MAX_SMS_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
}

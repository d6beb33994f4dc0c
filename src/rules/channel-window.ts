import { HOUR } from '../config/durations';

/**
 * Reply windows of messaging channels: how long after the customer's last message the business
 * may still send a free-form message. A rule with `idle.before: channelWindow` ends the
 * conversation `margin` before the window closes, while the closing message can still be sent.
 * Sources and caveats: docs/channel-windows.md.
 *
 * Keys are Genesys message types (`MessageMediaParticipant.type`, lower case). A message type not
 * listed has no window closer knows of — web messaging, open messaging, SMS, … — and a window rule
 * never fires on it (safe: closer never guesses a deadline).
 */
export const CHANNEL_WINDOWS: Readonly<Record<string, number>> = {
  /** WhatsApp Business Platform: the 24-hour customer service window. */
  whatsapp: 24 * HOUR,
  /** Messenger Platform: the standard messaging window (24 h for most user actions). */
  facebook: 24 * HOUR,
};

/** The message types that have a known reply window. */
export const WINDOWED_MESSAGE_TYPES = Object.keys(CHANNEL_WINDOWS);

/** The shortest known window: `margin` (and `warn.before`) must leave time inside it. */
export const SHORTEST_CHANNEL_WINDOW = Math.min(...Object.values(CHANNEL_WINDOWS));

/** The reply window of a message type (any case), or undefined when none is known. */
export function channelWindowOf(messageType: string | undefined): number | undefined {
  if (messageType === undefined) {
    return undefined;
  }
  const key = messageType.toLowerCase();
  return Object.hasOwn(CHANNEL_WINDOWS, key) ? CHANNEL_WINDOWS[key] : undefined;
}

import type { GenesysClient } from './client';
import type { MessageConversation } from './models';
import { divisionOf, type EndOperationName } from './action-permission';
import { liveParticipants } from './participants';
import { chooseMessageChannel, validateMessage, validateSmsLength } from './message-channel';

/** Result of {@link sendConversationMessage}. */
export type SendConversationMessageResult =
  | { sent: true; messageId: string | undefined; communicationId: string }
  | { sent: false; reason: string };

/**
 * Sends a text into a live messaging conversation (closer's inactivity warning) on the same
 * communication `endConversation` sends its closing message on: the connected agent's, else a
 * connected bot/flow party's. The communication id comes from the generic conversation read.
 *
 * A warning promises an end ("this chat closes in 2 minutes"), so like a closing message it is
 * sent only when a disconnect can be expected to succeed (`client.expectAllowed`).
 *
 * @throws GenesysInputError for an empty or too long text; GenesysApiError for read/send failures,
 *   `GENESYS_FORBIDDEN` (nothing sent) when the disconnect is known to be refused.
 */
export async function sendConversationMessage(
  client: GenesysClient,
  conversationId: string,
  text: string,
  options: {
    /** The message conversation when the caller has just read it (saves a request). */
    live?: MessageConversation;
    /** The disconnect the message promises (default the whole conversation). */
    endOperation?: EndOperationName;
    /**
     * False for a message that promises no end (an inactivity rule's `action: message` or the
     * message before a transfer): sent without first making sure a disconnect would succeed.
     */
    promisesEnd?: boolean;
  } = {},
): Promise<SendConversationMessageResult> {
  const live = options.live;
  validateMessage(text, 'message');
  const conversation = live ?? (await client.getMessageConversation(conversationId));
  validateSmsLength(text, conversation, 'message');
  const generic = await client.getConversation(conversationId);
  const channel = chooseMessageChannel(generic, liveParticipants(conversation));
  if (channel === undefined) {
    return { sent: false, reason: 'no connected agent or bot/flow communication to send from' };
  }
  if (options.promisesEnd !== false) {
    await client.expectAllowed(
      options.endOperation ?? 'disconnectMessageConversation',
      divisionOf(conversation),
    );
  }
  const data = await client.sendMessage(conversationId, channel.communicationId, text);
  return { sent: true, messageId: data.id, communicationId: channel.communicationId };
}

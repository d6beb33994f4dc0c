import type { GenesysClient } from '../genesys';

/** Result of {@link sendConversationMessage}. */
export type SendMessageResult =
  | { sent: true; messageId: string | undefined; communicationId: string }
  | { sent: false; reason: string };

/**
 * Sends a text into a live messaging conversation on the connected agent's communication (or,
 * with no agent, a connected bot/flow participant's), which is the only send path Genesys offers
 * for an existing conversation (FACTS.md §3). The communication id comes from the generic
 * conversation read (`participants[].messages[].id`).
 */
export async function sendConversationMessage(
  genesys: GenesysClient,
  conversationId: string,
  text: string,
): Promise<SendMessageResult> {
  const conversation = await genesys.getConversation(conversationId);
  // The generic model has no participant state: a participant is live through its communications.
  const live = conversation.participants.filter(
    (p) => p.purpose !== 'customer' && p.purpose !== 'acd',
  );
  const ordered = [
    ...live.filter((p) => p.purpose === 'agent' || p.purpose === 'user'),
    ...live.filter((p) => p.purpose !== 'agent' && p.purpose !== 'user'),
  ];
  for (const participant of ordered) {
    const communication = participant.messages.find(
      (m) => m.state === undefined || m.state === 'connected',
    );
    if (communication !== undefined && participant.endTime === undefined) {
      const data = await genesys.sendMessage(conversationId, communication.id, text);
      return { sent: true, messageId: data.id, communicationId: communication.id };
    }
  }
  return { sent: false, reason: 'no connected agent or bot communication to send on' };
}

import {
  ConversationSchema,
  MessageConversationSchema,
  MessageDataSchema,
  TokenInfoSchema,
  type Conversation,
  type MessageConversation,
  type MessageData,
  type TokenInfo,
  type WrapupInput,
} from './models';
import { liveParticipants } from './participants';
import { GENESYS_OPERATIONS as OPS, buildPath } from './permissions';
import { expectBody, type GenesysSender } from './send';
import { isGenesysApiError } from './errors';

/**
 * The Genesys operations closer performs, each a few lines over `send()`. Paths, methods and
 * bodies follow docs/genesys/facts.md §1–§4 and openapi-subset.json; every one throws GenesysApiError.
 */

/** `GET /api/v2/tokens/me`: who this token is (org, OAuth client). */
export async function getTokenInfo(sender: GenesysSender): Promise<TokenInfo> {
  const op = OPS.getTokenInfo;
  const response = await sender.send({
    operation: 'getTokenInfo',
    method: op.method,
    path: op.path,
    responseSchema: TokenInfoSchema,
  });
  return expectBody(response);
}

/** `GET /api/v2/conversations/messages/{conversationId}`: participants with state and purpose. */
export async function getMessageConversation(
  sender: GenesysSender,
  conversationId: string,
): Promise<MessageConversation> {
  const op = OPS.getMessageConversation;
  const response = await sender.send({
    operation: 'getMessageConversation',
    method: op.method,
    path: buildPath(op.path, { conversationId }),
    responseSchema: MessageConversationSchema,
  });
  return expectBody(response);
}

/** `GET /api/v2/conversations/{conversationId}`: the generic model, with communication ids. */
export async function getConversation(
  sender: GenesysSender,
  conversationId: string,
): Promise<Conversation> {
  const op = OPS.getConversation;
  const response = await sender.send({
    operation: 'getConversation',
    method: op.method,
    path: buildPath(op.path, { conversationId }),
    responseSchema: ConversationSchema,
  });
  return expectBody(response);
}

/** True when the conversation can be read and nobody keeps it alive any more. */
async function nobodyConnected(sender: GenesysSender, conversationId: string): Promise<boolean> {
  try {
    const conversation = await getMessageConversation(sender, conversationId);
    return liveParticipants(conversation).length === 0;
  } catch (e: unknown) {
    if (isGenesysApiError(e)) {
      return false;
    }
    throw e;
  }
}

/**
 * `PATCH /api/v2/conversations/messages/{conversationId}` `{"state":"disconnected"}`: disconnects
 * every participant. After an ambiguous failure it re-reads instead of re-sending.
 */
export async function disconnectMessageConversation(
  sender: GenesysSender,
  conversationId: string,
): Promise<void> {
  const op = OPS.disconnectMessageConversation;
  await sender.send({
    operation: 'disconnectMessageConversation',
    method: op.method,
    path: buildPath(op.path, { conversationId }),
    body: { state: 'disconnected' },
    reconcile: () => nobodyConnected(sender, conversationId),
  });
}

/**
 * `PATCH …/messages/{conversationId}/participants/{participantId}` `{"state":"disconnected"}`
 * (202, no body): disconnects one leg. After an ambiguous failure it re-reads the participant.
 */
export async function disconnectMessageParticipant(
  sender: GenesysSender,
  conversationId: string,
  participantId: string,
): Promise<void> {
  const op = OPS.disconnectMessageParticipant;
  await sender.send({
    operation: 'disconnectMessageParticipant',
    method: op.method,
    path: buildPath(op.path, { conversationId, participantId }),
    body: { state: 'disconnected' },
    reconcile: async () => {
      try {
        const conversation = await getMessageConversation(sender, conversationId);
        const participant = conversation.participants.find((p) => p.id === participantId);
        return participant !== undefined && participant.state !== 'connected';
      } catch (e: unknown) {
        if (isGenesysApiError(e)) {
          return false;
        }
        throw e;
      }
    },
  });
}

/**
 * `POST …/messages/{conversationId}/communications/{communicationId}/messages` `{textBody}`.
 * Not re-sent after an ambiguous failure (a duplicate message is visible to the customer).
 */
export async function sendMessage(
  sender: GenesysSender,
  conversationId: string,
  communicationId: string,
  textBody: string,
): Promise<MessageData> {
  const op = OPS.sendMessage;
  const response = await sender.send({
    operation: 'sendMessage',
    method: op.method,
    path: buildPath(op.path, { conversationId, communicationId }),
    body: { textBody },
    // 202 may come without a body.
    responseSchema: MessageDataSchema.optional(),
  });
  return expectBody(response) ?? {};
}

/**
 * `POST …/participants/{participantId}/communications/{communicationId}/wrapup` `WrapupInput`.
 * Treated as idempotent: applying the same code twice leaves the same wrap-up.
 */
export async function applyWrapup(
  sender: GenesysSender,
  conversationId: string,
  participantId: string,
  communicationId: string,
  wrapup: WrapupInput,
): Promise<void> {
  const op = OPS.applyWrapup;
  await sender.send({
    operation: 'applyWrapup',
    method: op.method,
    path: buildPath(op.path, { conversationId, participantId, communicationId }),
    body:
      wrapup.notes === undefined
        ? { code: wrapup.code }
        : { code: wrapup.code, notes: wrapup.notes },
    idempotent: true,
  });
}

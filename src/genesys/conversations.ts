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
import { isPresent } from './lifecycle';
import { GENESYS_OPERATIONS as OPS, buildPath } from './permissions';
import { expectBody, type GenesysSender, type ReconcileVerdict } from './send';
import { isGenesysApiError } from './errors';

/**
 * The Genesys operations closer performs, each a few lines over `send()`. Paths, methods and
 * bodies follow docs/genesys/facts.md §1–§4 and the Genesys SDK's operations (docs/genesys/facts.md); every one throws GenesysApiError.
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

/**
 * The confirming read after an ambiguous disconnect: `done` when none of `targets` (the legs the
 * disconnect was for) is open any more — whether or not NEW legs have opened since (a re-threaded
 * episode is not ours to end); `resend` only when the read shows the same episode still open with
 * a target leg present; `unknown` when the read failed (after the read's own retries).
 *
 * @param targets participant ids the disconnect meant to end; undefined = every open leg at read
 *   time counts as a target (callers that did not read first).
 */
async function confirmStillWanted(
  sender: GenesysSender,
  conversationId: string,
  targets: readonly string[] | undefined,
): Promise<ReconcileVerdict> {
  let conversation: MessageConversation;
  try {
    conversation = await getMessageConversation(sender, conversationId);
  } catch (e: unknown) {
    if (isGenesysApiError(e, 'GENESYS_NOT_FOUND')) {
      return 'done';
    }
    if (isGenesysApiError(e)) {
      return 'unknown';
    }
    throw e;
  }
  const open = liveParticipants(conversation).map((p) => p.id);
  const wanted = targets === undefined ? open : open.filter((id) => targets.includes(id));
  return wanted.length === 0 ? 'done' : 'resend';
}

/**
 * `PATCH /api/v2/conversations/messages/{conversationId}` `{"state":"disconnected"}`: disconnects
 * every participant. After an ambiguous failure it re-reads instead of re-sending, and re-sends
 * only when the read shows `targets` (default: whoever is open) still in the conversation.
 */
export async function disconnectMessageConversation(
  sender: GenesysSender,
  conversationId: string,
  targets?: readonly string[],
): Promise<void> {
  const op = OPS.disconnectMessageConversation;
  await sender.send({
    operation: 'disconnectMessageConversation',
    method: op.method,
    path: buildPath(op.path, { conversationId }),
    body: { state: 'disconnected' },
    reconcile: () => confirmStillWanted(sender, conversationId, targets),
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
    reconcile: () => confirmStillWanted(sender, conversationId, [participantId]),
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
 * `POST …/messages/{conversationId}/participants/{participantId}/replace` `{"queueId"}` (SDK model
 * `TransferRequest`; 202/no body): a blind transfer replacing the participant (the agent's leg)
 * with the queue (docs/genesys/facts.md §14). An unsafe write: after an ambiguous failure it
 * re-reads and re-sends only when the read shows the participant still present and no ACD leg of
 * the queue; `done` when the participant is gone and the queue's ACD leg is there.
 */
export async function transferMessageParticipant(
  sender: GenesysSender,
  conversationId: string,
  participantId: string,
  queueId: string,
): Promise<void> {
  const op = OPS.transferMessageParticipant;
  await sender.send({
    operation: 'transferMessageParticipant',
    method: op.method,
    path: buildPath(op.path, { conversationId, participantId }),
    body: { queueId },
    reconcile: () => confirmTransferWanted(sender, conversationId, participantId, queueId),
  });
}

/** What a read says of a transfer of `participantId` to `queueId` (see `transferState`). */
async function confirmTransferWanted(
  sender: GenesysSender,
  conversationId: string,
  participantId: string,
  queueId: string,
): Promise<ReconcileVerdict> {
  let conversation: MessageConversation;
  try {
    conversation = await getMessageConversation(sender, conversationId);
  } catch (e: unknown) {
    if (isGenesysApiError(e)) {
      return 'unknown';
    }
    throw e;
  }
  const state = transferState(conversation, participantId, queueId);
  return state === 'transferred' ? 'done' : state === 'wanted' ? 'resend' : 'unknown';
}

/**
 * Whether a transfer of `participantId` to `queueId` took effect, by a read: `transferred` when
 * the participant is no longer present and an ACD leg of that queue is; `wanted` when the
 * participant is still present and no such ACD leg is (the transfer has not happened); `unclear`
 * otherwise (e.g. the participant left some other way) — never a reason to send it again.
 */
export function transferState(
  conversation: MessageConversation,
  participantId: string,
  queueId: string,
): 'transferred' | 'wanted' | 'unclear' {
  const participantPresent = conversation.participants.some(
    (p) => p.id === participantId && isPresent(p),
  );
  const queued = conversation.participants.some(
    (p) => (p.purpose ?? '').toLowerCase() === 'acd' && p.queue?.id === queueId && isPresent(p),
  );
  if (!participantPresent && queued) {
    return 'transferred';
  }
  return participantPresent && !queued ? 'wanted' : 'unclear';
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

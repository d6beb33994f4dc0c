/**
 * Wire payloads, typed with the official SDK models (`purecloud-platform-client-v2` index.d.ts) so
 * a shape drifting from Genesys's fails `tsc`.
 */
import type { Models } from 'purecloud-platform-client-v2';
import type { SimConversation, SimMessageRecord, SimParticipant } from './legs';

const iso = (ms: number): string => new Date(ms).toISOString();

const userRef = (id: string): Models.DomainEntityRef => ({ id, selfUri: `/api/v2/users/${id}` });
const queueRef = (id: string): Models.DomainEntityRef => ({
  id,
  selfUri: `/api/v2/routing/queues/${id}`,
});

function legMessages(c: SimConversation, p: SimParticipant): SimMessageRecord[] {
  return c.messages.filter((m) => m.participantId === p.id);
}

function messageDetails(c: SimConversation, m: SimMessageRecord): Models.MessageDetails {
  return {
    messageId: m.messageId,
    messageURI: `/api/v2/conversations/messages/${c.id}/messages/${m.messageId}`,
    messageStatus: m.side === 'customer' ? 'received' : 'sent',
    messageSegmentCount: 1,
    messageTime: iso(m.at),
  };
}

/** Fields shared by the REST and notification participant shapes. */
function legCommon(p: SimParticipant) {
  return {
    id: p.id,
    name: p.name,
    startTime: iso(p.startTime),
    connectedTime: iso(p.connectedTime),
    ...(p.endTime === undefined ? {} : { endTime: iso(p.endTime) }),
    ...(p.parkTime === undefined ? {} : { parkTime: iso(p.parkTime) }),
    purpose: p.purpose,
    state: p.state,
    direction: 'inbound',
    ...(p.disconnectType === undefined ? {} : { disconnectType: p.disconnectType }),
    held: false,
    wrapupRequired: p.wrapupRequired,
    ...(p.wrapupSkipped === undefined ? {} : { wrapupSkipped: p.wrapupSkipped }),
    ...(p.wrapup === undefined ? {} : { wrapup: toWrapup(p) }),
    ...(p.attributes === undefined ? {} : { attributes: { ...p.attributes } }),
  };
}

function toWrapup(p: SimParticipant): Models.Wrapup {
  return {
    code: p.wrapup?.code ?? '',
    ...(p.wrapup?.notes === undefined ? {} : { notes: p.wrapup.notes }),
  };
}

/**
 * GET /api/v2/conversations/messages/{id}.
 *
 * @internal Typed with the Genesys SDK's models (a devDependency), so left out of the published types.
 */
export function toMessageConversation(c: SimConversation): Models.MessageConversation {
  const participants: Models.MessageMediaParticipant[] = c.participants.map((p) => ({
    ...legCommon(p),
    ...(p.userId === undefined ? {} : { user: userRef(p.userId) }),
    ...(p.queueId === undefined ? {} : { queue: queueRef(p.queueId) }),
    messages: legMessages(c, p).map((m) => messageDetails(c, m)),
    type: c.messageType,
  }));
  return {
    id: c.id,
    participants,
    otherMediaUris: [],
    selfUri: `/api/v2/conversations/messages/${c.id}`,
  };
}

/**
 * GET /api/v2/conversations/{id} and the PATCH answer: each leg's communication in `messages`.
 *
 * @internal Typed with the Genesys SDK's models (a devDependency), so left out of the published types.
 */
export function toConversation(c: SimConversation): Models.Conversation {
  const participants: Models.Participant[] = c.participants.map((p) => {
    const communication: Models.Message = {
      id: p.communicationId,
      state: p.state,
      initialState: 'connected',
      direction: 'inbound',
      held: false,
      connectedTime: iso(p.connectedTime),
      ...(p.endTime === undefined ? {} : { disconnectedTime: iso(p.endTime) }),
      ...(p.disconnectType === undefined ? {} : { disconnectType: p.disconnectType }),
      ...(p.parkTime === undefined ? {} : { parkTime: iso(p.parkTime) }),
      type: c.messageType,
      messages: legMessages(c, p).map((m) => messageDetails(c, m)),
      ...(p.wrapup === undefined ? {} : { wrapup: toWrapup(p) }),
      afterCallWorkRequired: p.wrapupRequired && p.wrapup === undefined,
    };
    return {
      id: p.id,
      name: p.name,
      startTime: iso(p.startTime),
      connectedTime: iso(p.connectedTime),
      ...(p.endTime === undefined ? {} : { endTime: iso(p.endTime) }),
      purpose: p.purpose,
      ...(p.userId === undefined ? {} : { userId: p.userId, userUri: `/api/v2/users/${p.userId}` }),
      ...(p.queueId === undefined ? {} : { queueId: p.queueId }),
      wrapupRequired: p.wrapupRequired,
      ...(p.wrapupSkipped === undefined ? {} : { wrapupSkipped: p.wrapupSkipped }),
      ...(p.wrapup === undefined ? {} : { wrapup: toWrapup(p) }),
      attributes: { ...p.attributes },
      messages: [communication],
    };
  });
  return {
    id: c.id,
    startTime: iso(c.startTime),
    ...(c.endTime === undefined ? {} : { endTime: iso(c.endTime) }),
    participants,
    state: c.state,
    recordingState: 'none',
    selfUri: `/api/v2/conversations/${c.id}`,
  };
}

/**
 * The message-conversation notification snapshot (`v2.routing.queues.{id}.conversations.messages`).
 *
 * @internal Typed with the Genesys SDK's models (a devDependency), so left out of the published types.
 */
export function toQueueSnapshot(
  c: SimConversation,
): Models.QueueConversationMessageEventTopicMessageConversation {
  return {
    id: c.id,
    participants: c.participants.map((p) => ({
      ...legCommon(p),
      initialState: 'connected',
      ...(p.userId === undefined ? {} : { user: { id: p.userId } }),
      ...(p.queueId === undefined ? {} : { queue: { id: p.queueId } }),
      messages: legMessages(c, p).map((m) => ({
        message: { id: m.messageId },
        messageTime: iso(m.at),
        messageStatus: m.side === 'customer' ? 'received' : 'sent',
        messageSegmentCount: 1,
      })),
      type: c.messageType,
    })),
  };
}

/**
 * POST .../communications/{cid}/messages answer.
 *
 * @internal Typed with the Genesys SDK's models (a devDependency), so left out of the published types.
 */
export function toMessageData(c: SimConversation, m: SimMessageRecord): Models.MessageData {
  return {
    id: m.messageId,
    timestamp: iso(m.at),
    direction: m.side === 'customer' ? 'inbound' : 'outbound',
    messengerType: c.messageType === 'webmessaging' ? 'webmessaging' : c.messageType,
    status: m.side === 'customer' ? 'received' : 'sent',
    // Current SDK MessageData has no `textBody`; the text travels in `normalizedMessage`.
    normalizedMessage: {
      id: m.messageId,
      type: 'Text',
      text: m.text,
      direction: m.side === 'customer' ? 'Inbound' : 'Outbound',
    },
    conversationId: c.id,
    selfUri: `/api/v2/conversations/messages/${c.id}/messages/${m.messageId}`,
  };
}

/**
 * A wrap-up code as Genesys lists it (the fields of the SDK's `WrapupCode` the simulator fills).
 * Declared here, and checked against the SDK with `satisfies`, so the published types of
 * `closer/simulator` do not need the SDK.
 */
export interface SimWrapupCode {
  id: string;
  name: string;
}

/** Wrap-up codes offered to every participant. */
export const SIM_WRAPUP_CODES: SimWrapupCode[] = [
  { id: '7fb334b0-0e9e-11e4-9191-0800200c9a66', name: 'ININ-WRAP-UP-TIMEOUT' },
  { id: 'b1f0c2de-5a6b-4c7d-8e9f-0a1b2c3d4e5f', name: 'Resolved' },
  { id: 'c2a1d3ef-6b7c-4d8e-9fa0-1b2c3d4e5f60', name: 'Closed - inactivity' },
] satisfies Models.WrapupCode[];

/**
 * A participant's assigned wrap-up.
 *
 * @internal Typed with the Genesys SDK's models (a devDependency), so left out of the published types.
 */
export function toAssignedWrapup(p: SimParticipant): Models.AssignedWrapupCode {
  return p.wrapup === undefined
    ? {}
    : {
        code: p.wrapup.code,
        ...(p.wrapup.notes === undefined ? {} : { notes: p.wrapup.notes }),
      };
}

/**
 * /api/v2/conversations handlers: read, disconnect (conversation, leg, communication), send a
 * message, wrap-up. Status codes per docs/genesys/facts.md §1–§3; every disconnect attempt that reaches a handler
 * for an existing conversation increments `disconnectCount`.
 */
import { z } from 'zod';
import type { ApiContext, ApiHandler } from './api-context';
import { param } from './api-context';
import { SimHttpError, simErrors } from './errors';
import type { Reply } from './http-util';
import {
  SIM_WRAPUP_CODES,
  toAssignedWrapup,
  toConversation,
  toMessageConversation,
  toMessageData,
} from './models';
import type { SimConversation, SimParticipant } from './legs';
import { transferToQueue } from './transitions';

/** Longest `textBody` Genesys accepts: 2000 chars, 765 for SMS (docs/genesys/facts.md §3). */
export const MAX_TEXT_BODY = 2000;
export const MAX_SMS_TEXT_BODY = 765;

const WrapupInput = z.object({
  code: z.string().min(1).optional(),
  name: z.string().optional(),
  notes: z.string().optional(),
});
const MediaParticipantRequest = z.object({
  state: z.string().optional(),
  wrapup: WrapupInput.optional(),
  wrapupSkipped: z.boolean().optional(),
});
const ConversationPatch = z.object({ state: z.string().optional() });
const AdditionalMessage = z.object({ textBody: z.string() });
/**
 * The SDK's `TransferRequest` (facts §14). The simulator transfers to a queue only: `userId`,
 * `address` and `voicemail` answer 400, as does a request naming no queue.
 */
const TransferRequest = z.object({
  transferType: z.string().optional(),
  keepInternalMessageAlive: z.boolean().optional(),
  queueId: z.string().min(1).optional(),
  userId: z.string().optional(),
  address: z.string().optional(),
  userName: z.string().optional(),
  voicemail: z.boolean().optional(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    throw simErrors.badRequest(z.prettifyError(result.error));
  }
  return result.data;
}

function conversationFor(ctx: ApiContext): SimConversation {
  return ctx.world.require(param(ctx, 'conversationId'));
}

function disconnectTarget(ctx: ApiContext): SimConversation {
  const conversation = conversationFor(ctx);
  conversation.disconnectCount += 1;
  return conversation;
}

function requireDisconnectedState(state: string | undefined): void {
  if (state !== undefined && state !== 'disconnected') {
    throw new SimHttpError(400, 'invalid.value', {
      value: state,
      field: 'state',
      allowed: 'disconnected',
    });
  }
}

/** Applies a MediaParticipantRequest to one leg (shared by both participant PATCH routes). */
function updateParticipant(ctx: ApiContext): Reply {
  const request = parse(MediaParticipantRequest, ctx.body);
  requireDisconnectedState(request.state);
  const conversation =
    request.state === 'disconnected' ? disconnectTarget(ctx) : conversationFor(ctx);
  const participant = ctx.world.requireParticipant(conversation, param(ctx, 'participantId'));
  if (request.state === 'disconnected' && participant.state === 'disconnected') {
    throw simErrors.alreadyDisconnected();
  }
  if (request.wrapup?.code !== undefined) {
    ctx.world.setWrapup(conversation, participant, {
      code: request.wrapup.code,
      ...(request.wrapup.notes === undefined ? {} : { notes: request.wrapup.notes }),
    });
  }
  if (request.wrapupSkipped === true) {
    ctx.world.skipWrapup(participant);
  }
  if (request.state === 'disconnected') {
    ctx.world.disconnectLeg(conversation, participant, 'client');
  }
  return { status: 202 };
}

function participantWithCommunication(ctx: ApiContext, c: SimConversation): SimParticipant {
  const participant = ctx.world.requireParticipant(c, param(ctx, 'participantId'));
  if (participant.communicationId !== param(ctx, 'communicationId')) {
    throw simErrors.notFound();
  }
  return participant;
}

export const conversationHandlers: Record<string, ApiHandler> = {
  getConversationsMessage: (ctx) => ({
    status: 200,
    body: toMessageConversation(conversationFor(ctx)),
  }),

  getConversation: (ctx) => ({ status: 200, body: toConversation(conversationFor(ctx)) }),

  patchConversationsMessage: (ctx) => {
    const request = parse(ConversationPatch, ctx.body);
    requireDisconnectedState(request.state ?? 'missing');
    const conversation = disconnectTarget(ctx);
    ctx.world.disconnectAll(conversation, 'client');
    return { status: 200, body: toConversation(conversation) };
  },

  patchConversationsMessageParticipant: updateParticipant,
  patchConversationParticipant: updateParticipant,

  patchConversationsMessageParticipantCommunication: (ctx) => {
    const request = parse(MediaParticipantRequest, ctx.body);
    requireDisconnectedState(request.state);
    const conversation = disconnectTarget(ctx);
    const participant = participantWithCommunication(ctx, conversation);
    ctx.world.disconnectLeg(conversation, participant, 'client');
    return { status: 202, body: {} };
  },

  postConversationsMessageCommunicationMessages: (ctx) => {
    const request = parse(AdditionalMessage, ctx.body);
    const conversation = conversationFor(ctx);
    const limit = conversation.messageType === 'sms' ? MAX_SMS_TEXT_BODY : MAX_TEXT_BODY;
    if (request.textBody.length === 0 || request.textBody.length > limit) {
      throw simErrors.badRequest(`textBody must be between 1 and ${limit} characters.`);
    }
    const sender = conversation.participants.find(
      (p) => p.communicationId === param(ctx, 'communicationId'),
    );
    if (!sender) {
      throw simErrors.notFound();
    }
    const record = ctx.world.addMessage(conversation, sender, request.textBody);
    conversation.messagesSentByApi += 1;
    return { status: 202, body: toMessageData(conversation, record) };
  },

  /**
   * A blind transfer of one leg to a queue: the leg ends `transfer` and an ACD leg of the queue
   * connects (the conversation is in phase `queue` until an agent answers). 202, no body.
   */
  postConversationsMessageParticipantReplace: (ctx) => {
    const request = parse(TransferRequest, ctx.body);
    if (request.queueId === undefined) {
      throw simErrors.badRequest('The simulator transfers to a queue only: queueId is required.');
    }
    if (request.userId !== undefined || request.address !== undefined) {
      throw simErrors.badRequest('The simulator transfers to a queue only (no userId / address).');
    }
    const conversation = conversationFor(ctx);
    const participant = ctx.world.requireParticipant(conversation, param(ctx, 'participantId'));
    transferToQueue(ctx.world, conversation, participant, request.queueId);
    return { status: 202 };
  },

  getConversationsMessageMessage: (ctx) => {
    const conversation = conversationFor(ctx);
    const record = conversation.messages.find((m) => m.messageId === param(ctx, 'messageId'));
    if (!record) {
      throw simErrors.notFound();
    }
    return { status: 200, body: toMessageData(conversation, record) };
  },

  postConversationsMessageParticipantCommunicationWrapup: (ctx) => {
    const request = parse(WrapupInput, ctx.body);
    const conversation = conversationFor(ctx);
    const participant = participantWithCommunication(ctx, conversation);
    if (request.code === undefined) {
      throw new SimHttpError(400, 'invalid.value', {
        value: 'null',
        field: 'code',
        allowed: 'a wrap-up code id',
      });
    }
    ctx.world.setWrapup(conversation, participant, {
      code: request.code,
      ...(request.notes === undefined ? {} : { notes: request.notes }),
    });
    return { status: 202 };
  },

  getConversationsMessageParticipantCommunicationWrapup: (ctx) => ({
    status: 200,
    body: toAssignedWrapup(participantWithCommunication(ctx, conversationFor(ctx))),
  }),

  getConversationsMessageParticipantWrapup: (ctx) => ({
    status: 200,
    body: toAssignedWrapup(
      ctx.world.requireParticipant(conversationFor(ctx), param(ctx, 'participantId')),
    ),
  }),

  getConversationsMessageParticipantWrapupcodes: (ctx) => {
    ctx.world.requireParticipant(conversationFor(ctx), param(ctx, 'participantId'));
    return { status: 200, body: ctx.org.allWrapupCodes() };
  },

  deleteConversation: (ctx) => {
    ctx.world.disconnectAll(disconnectTarget(ctx), 'client');
    return { status: 204 };
  },

  /** The repair teardown: ends every leg and applies a system wrap-up to agents still pending. */
  postConversationDisconnect: (ctx) => {
    const conversation = disconnectTarget(ctx);
    ctx.world.disconnectAll(conversation, 'system');
    const systemCode = SIM_WRAPUP_CODES[0]?.id ?? 'system';
    conversation.participants
      .filter((p) => p.wrapupRequired && p.wrapup === undefined)
      .forEach((p) => {
        ctx.world.setWrapup(conversation, p, { code: systemCode });
      });
    return { status: 202, body: conversation.id };
  },
};

/**
 * The test-facing summary of a conversation: plain JSON with ISO times, each leg's
 * disconnectType and episode, and closer's own phase of it (lifecycle.ts), so tests can assert on
 * what Genesys would show without parsing wire payloads.
 */
import { conversationPhase } from '../genesys/lifecycle';
import type { SimConversation, SimParticipant } from './legs';
import type { SimConversationSummary, SimParticipantSummary } from './types';

const iso = (ms: number): string => new Date(ms).toISOString();

function participantSummary(p: SimParticipant): SimParticipantSummary {
  return {
    id: p.id,
    purpose: p.purpose,
    state: p.state,
    communicationId: p.communicationId,
    ...(p.userId === undefined ? {} : { userId: p.userId }),
    ...(p.queueId === undefined ? {} : { queueId: p.queueId }),
    ...(p.wrapup === undefined ? {} : { wrapup: { code: p.wrapup.code } }),
    ...(p.disconnectType === undefined ? {} : { disconnectType: p.disconnectType }),
    startTime: iso(p.startTime),
    connectedTime: iso(p.connectedTime),
    ...(p.endTime === undefined ? {} : { endTime: iso(p.endTime) }),
    ...(p.parkTime === undefined ? {} : { parkTime: iso(p.parkTime) }),
    episode: p.episode,
  };
}

/** The summary of `conversation` (a copy: later changes do not show in it). */
export function summarize(conversation: SimConversation): SimConversationSummary {
  const legs = conversation.participants.map((p) => ({
    purpose: p.purpose,
    state: p.state,
    connectedAt: p.connectedTime,
    parkedAt: p.parkTime,
  }));
  return {
    id: conversation.id,
    state: conversation.state,
    phase: conversationPhase(legs).phase,
    participants: conversation.participants.map(participantSummary),
    messages: conversation.messages.map((m) => ({
      side: m.side,
      text: m.text,
      messageTime: iso(m.at),
    })),
    disconnectCount: conversation.disconnectCount,
    messagesSentByApi: conversation.messagesSentByApi,
    episodes: conversation.episodes,
    startTime: iso(conversation.startTime),
    ...(conversation.endTime === undefined ? {} : { endTime: iso(conversation.endTime) }),
  };
}

/**
 * The simulator's legs (participants) and conversations as plain records, and the factory for a
 * new leg. Whether a leg is in the conversation and whether the conversation is over is decided by
 * closer's one definition, src/genesys/lifecycle.ts, so the simulator and closer cannot disagree.
 */
import { randomUUID } from 'node:crypto';
import { isPresent } from '../genesys/lifecycle';
import type { SimConversationState, SimLegState, SimPurpose, SimSide } from './types';

export interface SimMessageRecord {
  messageId: string;
  side: SimSide;
  participantId: string;
  text: string;
  /** Epoch ms from the injected clock. */
  at: number;
}

export interface SimWrapup {
  code: string;
  notes?: string;
}

export interface SimParticipant {
  id: string;
  purpose: SimPurpose;
  state: SimLegState;
  communicationId: string;
  name: string;
  userId?: string;
  queueId?: string;
  startTime: number;
  connectedTime: number;
  endTime?: number;
  /** Epoch ms of the last park (kept after unpark, as the last-parked time). */
  parkTime?: number;
  disconnectType?: string;
  wrapupRequired: boolean;
  wrapup?: SimWrapup;
  wrapupSkipped?: boolean;
  /** 1-based episode (re-threading starts a new one with new legs). */
  episode: number;
  /** Participant data (Architect's Set Participant Data), shown on snapshots and reads. */
  attributes?: Record<string, string>;
}

export interface SimConversation {
  id: string;
  messageType: string;
  queueId: string;
  startTime: number;
  endTime?: number;
  state: SimConversationState;
  participants: SimParticipant[];
  messages: SimMessageRecord[];
  disconnectCount: number;
  messagesSentByApi: number;
  /** 1 + the number of re-threads. */
  episodes: number;
}

/** Default queue id for conversations created without one. */
export const DEFAULT_QUEUE_ID = '6e4b3c1a-0f2d-4c7e-9a51-2b8d7f3e9c10';
/** Default agent user id. */
export const DEFAULT_AGENT_USER_ID = '9b2f6d4e-1c3a-4e8b-8f70-5a1d2c3b4e60';
/** The Architect flow every simulated `workflow` leg runs. */
export const SIM_FLOW_ID = '3f1e2d4c-5b6a-4789-8c0d-1e2f3a4b5c6d';

const LEG_NAMES: Record<SimPurpose, string> = {
  customer: 'Web Customer',
  acd: 'Support',
  agent: 'Agent',
  workflow: 'Inbound Message Flow',
};

/** A connected leg with fresh participant and communication ids. */
export function newLeg(
  purpose: SimPurpose,
  now: number,
  episode: number,
  extra: {
    name?: string;
    userId?: string;
    queueId?: string;
    attributes?: Record<string, string>;
  } = {},
): SimParticipant {
  return {
    id: randomUUID(),
    purpose,
    state: 'connected',
    communicationId: randomUUID(),
    name: extra.name ?? LEG_NAMES[purpose],
    ...(extra.userId === undefined ? {} : { userId: extra.userId }),
    ...(extra.queueId === undefined ? {} : { queueId: extra.queueId }),
    ...(extra.attributes === undefined ? {} : { attributes: { ...extra.attributes } }),
    startTime: now,
    connectedTime: now,
    wrapupRequired: purpose === 'agent',
    episode,
  };
}

/** Present legs (connected or parked) of `purpose`. */
export function presentLegs(c: SimConversation, purpose: SimPurpose): SimParticipant[] {
  return c.participants.filter((p) => p.purpose === purpose && isPresent(p));
}

/** The newest leg of `purpose` in any state, if any (e.g. the last agent, for re-threads). */
export function lastLeg(c: SimConversation, purpose: SimPurpose): SimParticipant | undefined {
  return c.participants.filter((p) => p.purpose === purpose).at(-1);
}

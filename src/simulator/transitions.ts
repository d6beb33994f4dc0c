/**
 * The life of a message conversation beyond "create, talk, disconnect": Architect flow → queue →
 * agent, parking, the ways a leg ends on the Genesys side (customer leaves, agent ends, Genesys's
 * inactivity timer, session expiry) and re-threading a customer's new message into an ended
 * conversation. Each step is made of SimWorld's published leg changes, so every step emits the
 * same detail events and snapshots a real change does. Sources and decisions: README.md.
 */
import { simErrors } from './errors';
import { DEFAULT_AGENT_USER_ID, lastLeg, newLeg, presentLegs } from './legs';
import type { SimConversation, SimMessageRecord, SimParticipant } from './legs';
import type { AnswerOptions, RethreadOptions } from './types';
import { phaseOf } from './world';
import type { SimWorld } from './world';

/** Genesys's default messaging threading timeline: 72 h (help.mypurecloud.com). */
export const DEFAULT_THREADING_TIMELINE_MS = 72 * 60 * 60 * 1000;

function firstPresent(c: SimConversation, purpose: SimParticipant['purpose'], what: string) {
  const leg = presentLegs(c, purpose)[0];
  if (!leg) {
    throw simErrors.badRequest(`No ${what} in conversation ${c.id}.`);
  }
  return leg;
}

/**
 * New legs on the same conversation id: a new customer leg, then the flow, or an ACD leg (and,
 * in phase `agent`, the answer). Only for an ended conversation within `threadingTimelineMs` of
 * its end (Genesys starts the timeline when the conversation disconnects).
 */
export function rethread(
  world: SimWorld,
  c: SimConversation,
  options: RethreadOptions,
  threadingTimelineMs: number,
): void {
  if (c.state !== 'disconnected') {
    throw simErrors.badRequest(`Conversation ${c.id} is still open; only an ended one re-threads.`);
  }
  const now = world.clock.now();
  if (now - (c.endTime ?? now) >= threadingTimelineMs) {
    throw simErrors.badRequest(
      `Conversation ${c.id} ended more than the threading timeline (${threadingTimelineMs} ms) ago.`,
    );
  }
  world.reopen(c);
  const name = lastLeg(c, 'customer')?.name;
  world.connectLeg(c, newLeg('customer', now, c.episodes, name === undefined ? {} : { name }));
  const phase = phaseOf(options);
  if (phase === 'flow') {
    world.connectLeg(c, newLeg('workflow', now, c.episodes));
    return;
  }
  world.connectLeg(c, newLeg('acd', now, c.episodes, { queueId: c.queueId }));
  if (phase === 'agent') {
    answer(world, c, options.agentUserId === undefined ? {} : { agentUserId: options.agentUserId });
  }
}

/** The flow hands the customer to the queue: the workflow leg ends `transfer`, an ACD leg connects. */
export function routeToQueue(world: SimWorld, c: SimConversation): void {
  const flow = firstPresent(c, 'workflow', 'connected flow (workflow) leg');
  world.endLeg(c, flow, 'transfer');
  world.connectLeg(c, newLeg('acd', world.clock.now(), c.episodes, { queueId: c.queueId }));
}

/** An agent answers: the waiting ACD leg ends `transfer` and an agent leg connects. */
export function answer(world: SimWorld, c: SimConversation, options: AnswerOptions): void {
  const acd = firstPresent(c, 'acd', 'waiting ACD leg');
  world.endLeg(c, acd, 'transfer');
  const userId = options.agentUserId ?? lastLeg(c, 'agent')?.userId ?? DEFAULT_AGENT_USER_ID;
  const queueId = acd.queueId ?? c.queueId;
  world.connectLeg(c, newLeg('agent', world.clock.now(), c.episodes, { userId, queueId }));
}

/**
 * A blind transfer of `leg` to `queueId`: the leg ends `transfer` and an ACD leg of the queue
 * connects, so the conversation waits in the queue (phase `queue`) for an agent. A leg no longer
 * present answers 400 as a disconnect of an ended leg does.
 */
export function transferToQueue(
  world: SimWorld,
  c: SimConversation,
  leg: SimParticipant,
  queueId: string,
): void {
  if (c.state === 'disconnected' || leg.state === 'disconnected') {
    throw simErrors.alreadyDisconnected();
  }
  world.endLeg(c, leg, 'transfer');
  world.connectLeg(c, newLeg('acd', world.clock.now(), c.episodes, { queueId }));
}

/** The connected agent parks the conversation (`parked`, `parkTime`) until the customer replies. */
export function park(world: SimWorld, c: SimConversation): void {
  const agent = c.participants.find((p) => p.purpose === 'agent' && p.state === 'connected');
  if (!agent) {
    throw simErrors.badRequest(`No connected agent to park in conversation ${c.id}.`);
  }
  world.setParked(c, agent, true);
}

/** Every parked agent leg goes back to `connected`. */
export function unpark(world: SimWorld, c: SimConversation): void {
  const parked = c.participants.filter((p) => p.purpose === 'agent' && p.state === 'parked');
  if (parked.length === 0) {
    throw simErrors.badRequest(`No parked agent in conversation ${c.id}.`);
  }
  parked.forEach((p) => {
    world.setParked(c, p, false);
  });
}

/**
 * A message from the customer: into an ended conversation it re-threads (default episode);
 * into a parked one it unparks the agent first (Genesys returns a parked conversation to the
 * agent when the customer writes).
 */
export function customerMessage(
  world: SimWorld,
  c: SimConversation,
  text: string,
  threadingTimelineMs: number,
): SimMessageRecord {
  if (c.state === 'disconnected') {
    rethread(world, c, {}, threadingTimelineMs);
  } else if (c.participants.some((p) => p.purpose === 'agent' && p.state === 'parked')) {
    unpark(world, c);
  }
  return world.addMessage(c, world.connectedLeg(c, 'customer'), text);
}

/** The customer leaves (default `endpoint`); the agent stays connected. */
export function customerLeaves(world: SimWorld, c: SimConversation, type = 'endpoint'): void {
  world.disconnectLeg(c, world.connectedLeg(c, 'customer'), type);
}

/** The customer's messaging session expires: the customer leg ends `session.expired`. */
export function expireSession(world: SimWorld, c: SimConversation): void {
  customerLeaves(world, c, 'session.expired');
}

/** The agent ends it from their side (`client`); the customer is knocked off as `peer`. */
export function agentEnds(world: SimWorld, c: SimConversation): void {
  world.disconnectLeg(c, firstPresent(c, 'agent', 'agent leg'), 'client');
}

/** Genesys's own inactivity timer ends the conversation: every present leg ends `inactivity`. */
export function genesysTimeout(world: SimWorld, c: SimConversation): void {
  world.disconnectAll(c, 'inactivity');
}

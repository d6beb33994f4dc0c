/**
 * closer's ONE definition of a message conversation's life: which legs keep it open, when it is
 * over, and which phase it is in. Tracking (events), live reads, termination and the simulator all
 * use these functions, so "ended" cannot mean two things. Pure, no imports: it works on any
 * participant shape with a `purpose` and a `state` (REST `MessageMediaParticipant`, notification
 * participants, closer's tracked participants, the simulator's legs).
 *
 * Sources and reasoning: `src/genesys/README.md` ("Conversation lifecycle") and
 * `docs/genesys/facts.md` §2 and §9.
 */

/** The least a participant must say for the lifecycle functions. */
export interface LifecycleLeg {
  purpose?: string | undefined;
  state?: string | undefined;
  /** Epoch ms the leg connected, when known (phase start times). */
  connectedAt?: number | undefined;
  /** Epoch ms the leg was parked, when known. */
  parkedAt?: number | undefined;
  /** Epoch ms the leg entered its current state, when known (e.g. unparked). */
  stateSince?: number | undefined;
}

/**
 * Leg states in which a party is in the conversation: `connected`, and `parked` (an agent parked a
 * message conversation until the customer replies: the agent's slot is still held and the
 * conversation is not over). Every other state is either on its way in (`alerting`, `contacting`,
 * `dialing`, `offering`, `scheduled`, …) or over.
 */
export const PRESENT_STATES: ReadonlySet<string> = new Set(['connected', 'parked']);

/** States after which a leg never comes back (a re-threaded conversation gets NEW legs). */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['disconnected', 'terminated']);

/**
 * Purposes that never keep a conversation open on their own: routing plumbing (`acd` while the
 * customer waits in queue, `ivr`) and Architect flows/bots (`workflow`). A customer talking to a
 * bot is open because the customer is connected, not because the bot is.
 */
export const ROUTING_PURPOSES: ReadonlySet<string> = new Set(['acd', 'ivr', 'workflow']);

/** Purposes that speak for the customer. */
export const CUSTOMER_PURPOSES: ReadonlySet<string> = new Set(['customer', 'external']);

/** Purposes that are a human agent of the contact center. */
export const AGENT_PURPOSES: ReadonlySet<string> = new Set(['agent', 'user']);

/** Purposes of Architect flows and bots. */
export const FLOW_PURPOSES: ReadonlySet<string> = new Set(['workflow', 'ivr']);

const norm = (value: string | undefined): string => (value ?? '').toLowerCase();

/** Whether the leg's state is final. */
export function isTerminalState(state: string | undefined): boolean {
  return TERMINAL_STATES.has(norm(state));
}

/** Whether the party of this leg is in the conversation now (connected or parked). */
export function isPresent(leg: LifecycleLeg): boolean {
  return PRESENT_STATES.has(norm(leg.state));
}

/** Whether this leg keeps the conversation open: present, and not routing plumbing or a flow. */
export function keepsConversationOpen(leg: LifecycleLeg): boolean {
  return isPresent(leg) && !ROUTING_PURPOSES.has(norm(leg.purpose));
}

/** The legs keeping the conversation open (empty = the conversation is over). */
export function openLegs<T extends LifecycleLeg>(legs: readonly T[]): T[] {
  return legs.filter(keepsConversationOpen);
}

/**
 * Whether the conversation is over: no leg other than ACD/IVR/workflow is connected or parked.
 * A chat whose customer left while the agent is still connected is NOT over (the agent's slot is
 * occupied). An empty list is over here; tracking treats "nothing known yet" as not over.
 */
export function isConversationOver(legs: readonly LifecycleLeg[]): boolean {
  return !legs.some(keepsConversationOpen);
}

/** Whether the customer side has left while the conversation is still open. */
export function isCustomerGone(legs: readonly LifecycleLeg[]): boolean {
  const customers = legs.filter((l) => CUSTOMER_PURPOSES.has(norm(l.purpose)));
  return customers.length > 0 && !customers.some(isPresent) && !isConversationOver(legs);
}

/**
 * The phase of a conversation, for rules (`idle.while`) and for ops:
 * - `agent`: an agent is connected;
 * - `parked`: an agent parked it (waiting for the customer) and no agent is connected;
 * - `queue`: an ACD leg is connected (waiting in queue) and no agent is;
 * - `flow`: a bot / Architect flow holds it (workflow or IVR connected), no queue, no agent;
 * - `unattended`: open, but with nobody of the contact center (e.g. the agent left);
 * - `ended`: over (see {@link isConversationOver}).
 */
export type ConversationPhase = 'agent' | 'parked' | 'queue' | 'flow' | 'unattended' | 'ended';

/** Every phase, in the order of {@link ConversationPhase}. */
export const CONVERSATION_PHASES: readonly ConversationPhase[] = [
  'agent',
  'parked',
  'queue',
  'flow',
  'unattended',
  'ended',
];

/** The phase and, when the legs say, since when (epoch ms) the conversation is in it. */
export interface PhaseInfo {
  phase: ConversationPhase;
  since?: number;
}

function latest(values: readonly (number | undefined)[]): number | undefined {
  let out: number | undefined;
  for (const v of values) {
    if (v !== undefined && (out === undefined || v > out)) {
      out = v;
    }
  }
  return out;
}

function earliest(values: readonly (number | undefined)[]): number | undefined {
  let out: number | undefined;
  for (const v of values) {
    if (v !== undefined && (out === undefined || v < out)) {
      out = v;
    }
  }
  return out;
}

/** The conversation's phase from its legs (see {@link ConversationPhase}). */
export function conversationPhase(legs: readonly LifecycleLeg[]): PhaseInfo {
  if (isConversationOver(legs)) {
    return { phase: 'ended' };
  }
  const withPurpose = (set: ReadonlySet<string>, state: string): LifecycleLeg[] =>
    legs.filter((l) => set.has(norm(l.purpose)) && norm(l.state) === state);
  const agents = withPurpose(AGENT_PURPOSES, 'connected');
  if (agents.length > 0) {
    return info('agent', earliest(agents.map((l) => latest([l.connectedAt, l.stateSince]))));
  }
  const parked = withPurpose(AGENT_PURPOSES, 'parked');
  if (parked.length > 0) {
    return info('parked', earliest(parked.map((l) => l.parkedAt ?? l.connectedAt)));
  }
  const queued = withPurpose(new Set(['acd']), 'connected');
  if (queued.length > 0) {
    return info('queue', earliest(queued.map((l) => l.connectedAt)));
  }
  const flows = withPurpose(FLOW_PURPOSES, 'connected');
  if (flows.length > 0) {
    return info('flow', earliest(flows.map((l) => l.connectedAt)));
  }
  return { phase: 'unattended' };
}

function info(phase: ConversationPhase, since: number | undefined): PhaseInfo {
  return since === undefined ? { phase } : { phase, since };
}

/** Which side a purpose speaks for, or undefined (routing, flows, unknown). */
export function sideOfPurpose(purpose: string | undefined): 'customer' | 'agent' | undefined {
  const p = norm(purpose);
  if (CUSTOMER_PURPOSES.has(p)) {
    return 'customer';
  }
  if (AGENT_PURPOSES.has(p)) {
    return 'agent';
  }
  return undefined;
}

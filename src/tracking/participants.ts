import type { TrackedParticipant } from './conversation-state';
import type { ParticipantAttributes } from './participant-attributes';
import { isConversationOver, isTerminalState } from '../genesys/lifecycle';

/** One event's view of one participant; fields it does not know are left out. */
export interface ParticipantObservation {
  id: string;
  purpose?: string;
  state?: string;
  userId?: string;
  queueId?: string;
  connectedAt?: number;
  endedAt?: number;
  parkedAt?: number;
  disconnectType?: string;
  /** The leg's whole attribute set as a snapshot lists it (replaces an older set). */
  attributes?: ParticipantAttributes;
  /** Event time of the observation (epoch ms); unknown sorts before every known time. */
  observedAt?: number;
}

/** `true` when the participant's leg is over (`disconnected`, `terminated`): it never comes back. */
export function isTerminal(state: string): boolean {
  return isTerminalState(state);
}

const UNKNOWN = 'unknown';

function newerWins(existing: TrackedParticipant, incoming: ParticipantObservation): boolean {
  // A leg never comes back once over: Genesys gives a re-threaded conversation NEW legs.
  if (isTerminal(existing.state) && !isTerminal(incoming.state ?? existing.state)) {
    return false;
  }
  const te = existing.observedAt ?? Number.NEGATIVE_INFINITY;
  const ti = incoming.observedAt ?? Number.NEGATIVE_INFINITY;
  if (ti !== te) {
    return ti > te;
  }
  return true;
}

/** Copies only the defined optional fields (exactOptionalPropertyTypes). */
function compact(p: { [K in keyof TrackedParticipant]: TrackedParticipant[K] | undefined }) {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p)) {
    if (value !== undefined) {
      out[key] = value;
    }
  }
  return out as unknown as TrackedParticipant;
}

/**
 * Merges one observation into a participant, last-writer-wins by event time; a terminal state is
 * final. The losing side still fills fields the winner does not know (ids do not change over a
 * leg's life).
 */
export function mergeParticipant(
  existing: TrackedParticipant | undefined,
  incoming: ParticipantObservation,
): TrackedParticipant {
  if (existing === undefined) {
    return compact({
      ...incoming,
      purpose: incoming.purpose ?? UNKNOWN,
      state: incoming.state ?? UNKNOWN,
      communicationId: undefined,
      attributesAt: incoming.attributes === undefined ? undefined : incoming.observedAt,
    });
  }
  // Attributes go by their own time: a snapshot without them, or an older one, keeps them.
  const attributesWin =
    incoming.attributes !== undefined &&
    (incoming.observedAt ?? Number.NEGATIVE_INFINITY) >=
      (existing.attributesAt ?? Number.NEGATIVE_INFINITY);
  const incomingWins = newerWins(existing, incoming);
  const pick = <T>(fromIncoming: T | undefined, fromExisting: T | undefined): T | undefined =>
    incomingWins ? (fromIncoming ?? fromExisting) : (fromExisting ?? fromIncoming);
  const changed = incomingWins && incoming.state !== undefined && incoming.state !== existing.state;
  // Back from parked: the agent phase starts again now, not at the leg's first connect.
  const stateSince = changed
    ? existing.state === 'parked'
      ? incoming.observedAt
      : (incoming.connectedAt ?? existing.connectedAt ?? incoming.observedAt)
    : existing.stateSince;
  return compact({
    id: existing.id,
    purpose: pick(incoming.purpose, existing.purpose) ?? UNKNOWN,
    state: pick(incoming.state, existing.state) ?? UNKNOWN,
    userId: pick(incoming.userId, existing.userId),
    queueId: pick(incoming.queueId, existing.queueId),
    communicationId: existing.communicationId,
    // A leg connects once and ends once: the first time seen is the time.
    connectedAt: existing.connectedAt ?? incoming.connectedAt,
    endedAt: existing.endedAt ?? incoming.endedAt,
    parkedAt: pick(incoming.parkedAt, existing.parkedAt),
    disconnectType: existing.disconnectType ?? incoming.disconnectType,
    stateSince,
    attributes: attributesWin ? incoming.attributes : existing.attributes,
    attributesAt: attributesWin ? incoming.observedAt : existing.attributesAt,
    observedAt: incomingWins ? incoming.observedAt : existing.observedAt,
  });
}

/** Merges observations into a participant list, keeping order (known first, new appended). */
export function mergeParticipants(
  existing: readonly TrackedParticipant[],
  incoming: readonly ParticipantObservation[],
): TrackedParticipant[] {
  const out = existing.map((p) => ({ ...p }));
  for (const observation of incoming) {
    const index = out.findIndex((p) => p.id === observation.id);
    if (index === -1) {
      out.push(mergeParticipant(undefined, observation));
    } else {
      out[index] = mergeParticipant(out[index], observation);
    }
  }
  return out;
}

/**
 * Whether the known participants say the conversation is over, by closer's one definition
 * (`genesys/lifecycle.ts`: no leg other than ACD/IVR/workflow is connected or parked). Nothing
 * known yet is not over.
 */
export function participantsEnded(participants: readonly TrackedParticipant[]): boolean {
  return participants.length > 0 && isConversationOver(participants);
}

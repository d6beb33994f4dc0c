import type { TrackedParticipant } from './conversation-state';
import { AGENT_PURPOSES, CUSTOMER_PURPOSES } from './message-side';

/** One event's view of one participant; fields it does not know are left out. */
export interface ParticipantObservation {
  id: string;
  purpose?: string;
  state?: string;
  userId?: string;
  queueId?: string;
  /** Event time of the observation (epoch ms); unknown sorts before every known time. */
  observedAt?: number;
}

/** Participant states after which a leg never comes back (a new leg gets a new participant id). */
const TERMINAL_STATES: ReadonlySet<string> = new Set(['disconnected', 'terminated']);

/** `true` when the participant's leg is over. */
export function isTerminal(state: string): boolean {
  return TERMINAL_STATES.has(state.toLowerCase());
}

const UNKNOWN = 'unknown';

function newerWins(existing: TrackedParticipant, incoming: ParticipantObservation): boolean {
  const te = existing.observedAt ?? Number.NEGATIVE_INFINITY;
  const ti = incoming.observedAt ?? Number.NEGATIVE_INFINITY;
  if (ti !== te) {
    return ti > te;
  }
  // Same time: a terminal state is never undone by an equally old live one.
  return !(isTerminal(existing.state) && !isTerminal(incoming.state ?? existing.state));
}

function withOptional(
  base: Omit<TrackedParticipant, 'userId' | 'queueId' | 'communicationId' | 'observedAt'>,
  extra: {
    userId: string | undefined;
    queueId: string | undefined;
    communicationId: string | undefined;
    observedAt: number | undefined;
  },
): TrackedParticipant {
  const out: TrackedParticipant = { ...base };
  if (extra.userId !== undefined) {
    out.userId = extra.userId;
  }
  if (extra.queueId !== undefined) {
    out.queueId = extra.queueId;
  }
  if (extra.communicationId !== undefined) {
    out.communicationId = extra.communicationId;
  }
  if (extra.observedAt !== undefined) {
    out.observedAt = extra.observedAt;
  }
  return out;
}

/**
 * Merges one observation into a participant, last-writer-wins by event time. The losing side still
 * fills fields the winner does not know (ids do not change over a leg's life).
 */
export function mergeParticipant(
  existing: TrackedParticipant | undefined,
  incoming: ParticipantObservation,
): TrackedParticipant {
  if (existing === undefined) {
    return withOptional(
      { id: incoming.id, purpose: incoming.purpose ?? UNKNOWN, state: incoming.state ?? UNKNOWN },
      {
        userId: incoming.userId,
        queueId: incoming.queueId,
        communicationId: undefined,
        observedAt: incoming.observedAt,
      },
    );
  }
  const incomingWins = newerWins(existing, incoming);
  const pick = <T>(fromIncoming: T | undefined, fromExisting: T | undefined): T | undefined =>
    incomingWins ? (fromIncoming ?? fromExisting) : (fromExisting ?? fromIncoming);
  return withOptional(
    {
      id: existing.id,
      purpose: pick(incoming.purpose, existing.purpose) ?? UNKNOWN,
      state: pick(incoming.state, existing.state) ?? UNKNOWN,
    },
    {
      userId: pick(incoming.userId, existing.userId),
      queueId: pick(incoming.queueId, existing.queueId),
      communicationId: existing.communicationId,
      observedAt: incomingWins ? incoming.observedAt : existing.observedAt,
    },
  );
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
 * Whether the participants say the conversation is over. Counted purposes: the customer side
 * (`customer`, `external`) when any is known — ended once every customer-side leg is terminal (the
 * snapshot twin of `customer.end`); otherwise the agent side (`agent`, `user`) — ended once every
 * agent leg is terminal. `acd`, `workflow`, `ivr`… never count: a queue or bot leg alone is not a
 * conversation with anyone. No counted participant known → not ended.
 */
export function participantsEnded(participants: readonly TrackedParticipant[]): boolean {
  const customers = participants.filter((p) => CUSTOMER_PURPOSES.has(p.purpose.toLowerCase()));
  const counted =
    customers.length > 0
      ? customers
      : participants.filter((p) => AGENT_PURPOSES.has(p.purpose.toLowerCase()));
  return counted.length > 0 && counted.every((p) => isTerminal(p.state));
}

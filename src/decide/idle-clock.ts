import type { ConversationState } from '../tracking/conversation-state';
import { conversationPhase, type ConversationPhase } from '../genesys/lifecycle';
import type { InactivityRule } from '../rules/rules-schema';
import { lastActivityAt } from '../rules/inactivity';

/** When the watched side's silence started counting for a rule, or why it does not count now. */
export type IdleClock =
  | { counting: true; since: number; phase: ConversationPhase }
  | { counting: false; reason: string; phase: ConversationPhase };

/**
 * The start of the silence an inactivity rule measures, in the current episode:
 * - the watched side's last message (or the episode's start if it has not written);
 * - with `idle.while`, silence counts only in those phases: outside them nothing counts, and in
 *   them the clock starts no earlier than the phase did (queue wait is not agent-phase silence).
 * A phase whose start is not known (events without leg times) counts from the last activity.
 */
export function idleClock(state: ConversationState, rule: InactivityRule): IdleClock {
  const { phase, since: phaseSince } = conversationPhase(state.participants);
  const allowed = rule.idle.while;
  if (allowed !== undefined && (phase === 'ended' || !allowed.includes(phase))) {
    return {
      counting: false,
      phase,
      reason: `silence is counted only while ${allowed.join('/')}; the conversation is ${phase === 'ended' ? 'over' : `in phase ${phase}`}`,
    };
  }
  const last = lastActivityAt(state, rule.idle.side);
  if (last === undefined) {
    return { counting: false, phase, reason: 'no activity time is known yet' };
  }
  const floor = Math.max(
    state.episodeStartedAt ?? Number.NEGATIVE_INFINITY,
    allowed === undefined ? Number.NEGATIVE_INFINITY : (phaseSince ?? Number.NEGATIVE_INFINITY),
  );
  return { counting: true, since: Math.max(last, floor), phase };
}

import type { ConversationState } from '../tracking/conversation-state';
import type { IdleSide, InactivityRule } from './rules-schema';

/**
 * Inactivity arithmetic, pure: when did the watched side last speak, when is the warning due, when
 * is the conversation closed. All times are epoch milliseconds.
 */

/** What to do with a conversation's timer for one inactivity rule. */
export type InactivityPlan =
  { action: 'arm'; phase: 'warn' | 'close'; dueAt: number } | { action: 'cancel'; reason: string };

/**
 * When the watched side last showed activity:
 * - `customer` → the newest customer message, `agent` → the newest agent message;
 * - `any` → the newer of the two;
 * - when that side has not written yet, the conversation start (`startedAt`): a customer who
 *   opens a chat and never writes, or an agent who never answers, is idle from the start — the
 *   clock must start somewhere, and the start is the only time both sides share.
 * Returns undefined when nothing is known (no messages and no start time).
 */
export function lastActivityAt(state: ConversationState, side: IdleSide): number | undefined {
  const customer = state.lastCustomerMessageAt;
  const agent = state.lastAgentMessageAt;
  let last: number | undefined;
  switch (side) {
    case 'customer':
      last = customer;
      break;
    case 'agent':
      last = agent;
      break;
    case 'any':
      last =
        customer === undefined ? agent : agent === undefined ? customer : Math.max(customer, agent);
      break;
    default: {
      const unreachable: never = side;
      return unreachable;
    }
  }
  return last ?? state.startedAt;
}

/** When the conversation is closed if nothing happens: `lastActivity + idle.after`. */
export function idleDeadline(rule: InactivityRule, lastActivity: number): number {
  return lastActivity + rule.idle.after;
}

/** When the warning is due (`deadline - warn.before`), or undefined without a warning. */
export function warnDeadline(rule: InactivityRule, lastActivity: number): number | undefined {
  return rule.warn === undefined ? undefined : idleDeadline(rule, lastActivity) - rule.warn.before;
}

/**
 * Whether the side is still idle at `now` for the given phase: for `close` (default) the idle
 * deadline has been reached (`now >= deadline`); for `warn`, the warning time has been reached.
 * A rule without a warning is never idle "for warn".
 */
export function isStillIdle(
  rule: InactivityRule,
  lastActivity: number,
  now: number,
  phase: 'warn' | 'close' = 'close',
): boolean {
  const due =
    phase === 'close' ? idleDeadline(rule, lastActivity) : warnDeadline(rule, lastActivity);
  return due !== undefined && now >= due;
}

/**
 * Plans the timer of one rule for one conversation at `now`:
 * - cancel when the conversation has ended or no activity time is known;
 * - arm the warning at `lastActivity + after - before` while that time is still ahead
 *   (`now < warnAt`);
 * - otherwise arm the close at `lastActivity + after` (which may already be past: due now).
 *
 * At exactly `warnAt` the warning is due, so the plan moves on to the close phase: the warn timer
 * armed earlier is what sends it.
 */
export function planInactivity(
  state: ConversationState,
  rule: InactivityRule,
  now: number,
): InactivityPlan {
  if (state.endedAt !== undefined) {
    return { action: 'cancel', reason: 'the conversation has ended' };
  }
  const last = lastActivityAt(state, rule.idle.side);
  if (last === undefined) {
    return { action: 'cancel', reason: 'no activity time is known yet' };
  }
  const warnAt = warnDeadline(rule, last);
  if (warnAt !== undefined && now < warnAt) {
    return { action: 'arm', phase: 'warn', dueAt: warnAt };
  }
  return { action: 'arm', phase: 'close', dueAt: idleDeadline(rule, last) };
}

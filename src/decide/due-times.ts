import type { ConversationState } from '../tracking/conversation-state';
import { channelWindowOf } from '../rules/channel-window';
import type { CountdownRule, InactivityRule } from '../rules/rules-schema';
import { addOpenTime } from '../rules/schedule';
import { idleClock } from './idle-clock';

/**
 * When an inactivity rule's warning and close are due, from its idle clock (`idle-clock.ts`):
 * - `idle.after`: `after` past the start of the silence, in plain time;
 * - with `idle.during`: `after` of the schedule's **open** time past it, walked over the
 *   schedule's hours (`rules/schedule.ts`) — a chat left at 17:55 with 20 minutes and an office
 *   closing at 18:00 is due at 09:15 the next working day; the warning likewise counts open time.
 *   A schedule taken from Genesys that is not read (yet) does not count: never a guessed schedule;
 * - `idle.before: channelWindow`: the channel's reply window (`rules/channel-window.ts`) from the
 *   customer's last message, less `margin`. Unknown channel, a channel without a window, or no
 *   customer message known: not counting — closer never guesses a window.
 */
export type DueTimes =
  | {
      counting: true;
      since: number;
      deadline: number;
      /** Due time of each of the rule's staged warnings, in order (each counts as the rule does). */
      warnDues: number[];
    }
  | { counting: false; reason: string };

export function inactivityDue(state: ConversationState, rule: InactivityRule): DueTimes {
  const clock = idleClock(state, rule);
  if (!clock.counting) {
    return { counting: false, reason: clock.reason };
  }
  const { idle } = rule;
  const warnings = rule.warn ?? [];
  if (idle.before === 'channelWindow') {
    const window = channelWindowOf(state.messageType);
    if (window === undefined) {
      return {
        counting: false,
        reason:
          state.messageType === undefined
            ? 'the channel is not known yet, so neither is its reply window'
            : `channel ${state.messageType.toLowerCase()} has no reply window closer knows`,
      };
    }
    const since = state.lastCustomerMessageAt;
    if (since === undefined) {
      return {
        counting: false,
        reason: 'no customer message is known, so neither is when the reply window opened',
      };
    }
    const deadline = since + window - (idle.margin ?? 0);
    return {
      counting: true,
      since,
      deadline,
      warnDues: warnings.map((w) => deadline - w.before),
    };
  }
  const after = idle.after ?? 0;
  if (idle.during !== undefined) {
    const schedule = rule.schedule;
    if (schedule === undefined) {
      return {
        counting: false,
        reason: rule.scheduleUnavailable ?? `schedule ${idle.during} is not defined`,
      };
    }
    const deadline = addOpenTime(schedule, clock.since, after);
    if (deadline === undefined) {
      return {
        counting: false,
        reason: `schedule ${idle.during} is not open long enough in the next 10 years`,
      };
    }
    return {
      counting: true,
      since: clock.since,
      deadline,
      warnDues: warnings.map(
        (w) => addOpenTime(schedule, clock.since, after - w.before) ?? deadline - w.before,
      ),
    };
  }
  const deadline = clock.since + after;
  return {
    counting: true,
    since: clock.since,
    deadline,
    warnDues: warnings.map((w) => deadline - w.before),
  };
}

/**
 * `amount` after `now` as the rule counts time: open time of its schedule with `idle.during`
 * (a late warning still gives the customer `warn.before` of business time), else plain time.
 */
export function laterBy(rule: CountdownRule, now: number, amount: number): number {
  if (rule.kind === 'inactivity' && rule.idle.during !== undefined && rule.schedule !== undefined) {
    return addOpenTime(rule.schedule, now, amount) ?? now + amount;
  }
  return now + amount;
}

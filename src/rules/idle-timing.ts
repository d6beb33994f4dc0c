import { formatDuration, MINUTE } from '../config/durations';
import { CHANNEL_WINDOWS, SHORTEST_CHANNEL_WINDOW, WINDOWED_MESSAGE_TYPES } from './channel-window';
import { didYouMean } from './did-you-mean';
import type { EventPattern } from './event-pattern-types';
import { reachableMessageTypes } from './reachable-channels';
import { MIN_IDLE_AFTER } from './rule-limits';
import type { ScheduleSpec } from './schedule-schema';

/**
 * The checks of an inactivity rule's timing beyond each field's own: `idle.after` or
 * `idle.before: channelWindow` (with `margin`), `idle.during` (a schedule under `schedules:`),
 * and `warn.before` against the time the rule leaves. Each problem has its path inside the rule.
 */

/** Shortest `idle.margin`: the closing message needs time to be sent before the window shuts. */
export const MIN_WINDOW_MARGIN = MINUTE;

/** The `idle` block as parsed (durations in ms). */
export interface IdleTiming {
  side: 'customer' | 'agent' | 'any';
  after?: number | undefined;
  before?: 'channelWindow' | undefined;
  margin?: number | undefined;
  during?: string | undefined;
}

export interface TimingProblem {
  path: (string | number)[];
  message: string;
  code?: 'RULES_DURATION_OUT_OF_RANGE' | 'RULES_MATCH_NEVER_TRUE';
}

/** Problems of the `idle` block alone (paths relative to it). */
export function idleTimingProblems(idle: IdleTiming): TimingProblem[] {
  const problems: TimingProblem[] = [];
  if (idle.after === undefined && idle.before === undefined) {
    problems.push({
      path: ['after'],
      message:
        'is required: how long the side must be silent (e.g. 20m), or "before: channelWindow" with a margin',
    });
  }
  if (idle.after !== undefined && idle.before !== undefined) {
    problems.push({
      path: ['before'],
      message:
        'give either "after" (a silence) or "before: channelWindow" (the channel\'s reply window), not both',
    });
  }
  if (idle.before === undefined) {
    if (idle.margin !== undefined) {
      problems.push({ path: ['margin'], message: 'is only used with "before: channelWindow"' });
    }
    return problems;
  }
  if (idle.margin === undefined) {
    problems.push({
      path: ['margin'],
      message:
        'is required with "before: channelWindow": how long before the window closes to end the conversation (e.g. 30m)',
    });
  } else if (idle.margin > SHORTEST_CHANNEL_WINDOW - MIN_IDLE_AFTER) {
    problems.push({
      path: ['margin'],
      message: `${formatDuration(idle.margin)} leaves no time inside a ${formatDuration(SHORTEST_CHANNEL_WINDOW)} window: at most ${formatDuration(SHORTEST_CHANNEL_WINDOW - MIN_IDLE_AFTER)}`,
      code: 'RULES_DURATION_OUT_OF_RANGE',
    });
  }
  if (idle.side !== 'customer') {
    problems.push({
      path: ['side'],
      message:
        'must be "customer" with "before: channelWindow": a channel\'s reply window runs from the customer\'s last message',
    });
  }
  if (idle.during !== undefined) {
    problems.push({
      path: ['during'],
      message:
        'cannot be combined with "before: channelWindow": the channel\'s window runs in wall-clock time, business hours or not',
    });
  }
  return problems;
}

/** Problems of an inactivity rule's timing against the rest of the file (paths inside the rule). */
export function ruleTimingProblems(
  rule: {
    idle: IdleTiming;
    match?: EventPattern | undefined;
  },
  schedules: Readonly<Record<string, ScheduleSpec>>,
): TimingProblem[] {
  const problems: TimingProblem[] = [];
  const { idle } = rule;
  if (idle.during !== undefined && !Object.hasOwn(schedules, idle.during)) {
    const names = Object.keys(schedules);
    problems.push({
      path: ['idle', 'during'],
      message: `"${idle.during}" is not a schedule under schedules: (${names.length === 0 ? 'none are defined' : `defined: ${names.join(', ')}`})${didYouMean(idle.during, names)}`,
    });
  }
  if (idle.before === 'channelWindow') {
    const reachable = reachableMessageTypes(rule.match);
    if (!reachable.some((type) => WINDOWED_MESSAGE_TYPES.includes(type))) {
      problems.push({
        path: ['idle', 'before'],
        message: `no channel this rule's match reaches has a reply window closer knows (${Object.keys(CHANNEL_WINDOWS).join(', ')}): the rule would never fire`,
        code: 'RULES_MATCH_NEVER_TRUE',
      });
    }
  }
  return problems;
}

/** The rule's timing in words: `customer idle 20m during office`, `customer idle until 30m before the channel window closes`. */
export function describeIdleTiming(idle: IdleTiming): string {
  if (idle.before === 'channelWindow') {
    return `${idle.side} idle until ${formatDuration(idle.margin ?? 0)} before the channel window closes`;
  }
  const during = idle.during === undefined ? '' : ` during ${idle.during}`;
  return `${idle.side} idle ${formatDuration(idle.after ?? 0)}${during}`;
}

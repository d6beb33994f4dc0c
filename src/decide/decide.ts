import type { ConversationState, EndedBy, RuleActionMark } from '../tracking/conversation-state';
import { formatDuration } from '../config/durations';
import { conversationPhase, isCustomerGone, isPresent } from '../genesys/lifecycle';
import { conversationFacts } from '../rules/conversation-facts';
import { matchesPattern } from '../rules/event-pattern';
import type {
  CloseAction,
  CountdownRule,
  InactivityRule,
  MaxDurationRule,
  Rule,
  Warning,
} from '../rules/rules-schema';
import { endOperationOf, type Decision } from './decision';
import { inactivityDue, laterBy } from './due-times';

/** Outcomes of on-demand endings (HTTP API) are recorded under this rule id. */
export const ON_DEMAND_RULE_ID = 'on-demand';

/** An on-demand ending (HTTP API): counts toward the episode's one ending like a rule. */
export interface OnDemandRequest {
  kind: 'on-demand';
  id: string;
  close: CloseAction;
}

/** The parts of a stored timer a decision reads. */
export interface TimerView {
  phase: 'warn' | 'close' | 'event';
  dueAt: number;
  episode: number;
  data?: Record<string, unknown>;
}

/** The claimed ending of the state's current episode (`released`: an attempt failed; free again). */
export interface EndingView {
  ruleId: string;
  state: 'claimed' | 'ended' | 'released';
}

/** Everything a decision depends on; nothing else is read (no clock, no I/O). */
export interface DecideInput {
  /**
   * `plan`: an event arrived or the rules changed — arm, move or cancel the timer;
   * `fire`: the timer is due (or an on-demand request came) and `state` includes a fresh live read.
   */
  mode: 'plan' | 'fire';
  /** What closer knows of the conversation (undefined: nothing yet). */
  state: ConversationState | undefined;
  /** The rule; undefined when the timer's rule is no longer in the file. */
  rule: Rule | OnDemandRequest | undefined;
  now: number;
  /** The rule's timer: the armed one (plan) or the due one (fire). */
  timer?: TimerView;
  /** The ending of the state's current episode, when one was claimed. */
  ending?: EndingView;
  /** Fire: Genesys answered 404 to the live read. */
  notFound?: boolean;
  /** Plan, event rules: the triggering event's own time (epoch ms). */
  eventTime?: number;
}

/**
 * THE decision: what to do about one conversation and one rule now. Pure — it imports nothing
 * from the Genesys client or the store, so every case is a row in a table test
 * (`test/unit/decide/decide.test.ts`). The executor acts on the result.
 */
export function decide(given: DecideInput): Decision {
  // A released ending (a failed attempt) holds nothing: the episode may be ended again.
  const { ending: _ending, ...rest } = given;
  const input: DecideInput =
    given.ending === undefined || given.ending.state === 'released' ? rest : given;
  const { rule, state } = input;
  const episode = state?.episode ?? 1;
  if (rule === undefined || (rule.kind !== 'on-demand' && !rule.enabled)) {
    return input.mode === 'fire'
      ? skip('skipped', 'the rule is no longer in force', episode)
      : { kind: 'cancel', reason: 'the rule is no longer in force' };
  }
  if (input.mode === 'fire' && input.notFound === true) {
    return skip('not-found', 'Genesys does not know this conversation', episode);
  }
  switch (rule.kind) {
    case 'inactivity':
    case 'max-duration':
      return input.mode === 'plan' ||
        (input.timer !== undefined && state !== undefined && input.timer.episode < state.episode)
        ? planCountdown(input, rule)
        : fireCountdown(input, rule);
    case 'event':
      return input.mode === 'plan' ? planEvent(input) : fireEnding(input, rule.close, 'event');
    case 'on-demand':
      return fireEnding(input, rule.close, 'on-demand');
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

function skip(
  outcome: 'skipped' | 'already-ended' | 'not-found',
  reason: string,
  episode: number,
  details?: Record<string, unknown>,
): Decision {
  return details === undefined
    ? { kind: 'skip', outcome, reason, episode }
    : { kind: 'skip', outcome, reason, episode, details };
}

/**
 * The one wording of "another ending of this episode came first", naming who: `rule X` or an
 * on-demand request. Every path that finds the episode's ending taken says it this way.
 */
export function alreadyEndedBy(ruleId: string): string {
  return `already ended in this episode by ${enderName(ruleId)}`;
}

/** Who an ending belongs to, in words: `rule X`, or `an on-demand request`. */
export function enderName(ruleId: string): string {
  return ruleId === ON_DEMAND_RULE_ID ? 'an on-demand request' : `rule ${ruleId}`;
}

/** Plain words for who ended an episode, from the legs' `disconnectType`. */
export function describeEndedBy(endedBy: EndedBy | undefined): string {
  if (endedBy === undefined) {
    return 'nobody is connected any more';
  }
  if (endedBy.closerRuleId !== undefined) {
    return `ended by closer (${endedBy.closerRuleId === ON_DEMAND_RULE_ID ? 'an on-demand request' : `rule ${endedBy.closerRuleId}`})`;
  }
  const type = endedBy.disconnectType;
  const who =
    type === 'inactivity' || type === 'session.expired' || type === 'system'
      ? 'Genesys'
      : type === 'client'
        ? `the ${endedBy.side ?? endedBy.purpose}`
        : type === 'peer'
          ? `the other side of the ${endedBy.side ?? endedBy.purpose}`
          : `the ${endedBy.side ?? endedBy.purpose} leg ending`;
  return `ended by ${who}${type === undefined ? '' : ` (disconnectType ${type})`}`;
}

/**
 * The common "is there anything left to end in this episode" checks. An ending closer performed
 * (or another rule is performing) is named by its rule; an end closer did not cause is described
 * from the legs' `disconnectType` (who ended it).
 */
function alreadyOver(input: DecideInput, ruleId: string): Decision | undefined {
  const { state, ending } = input;
  const episode = state?.episode ?? 1;
  const byRule = (id: string, suffix = ''): Decision =>
    skip('already-ended', `${alreadyEndedBy(id)}${suffix}`, episode, { endedByRule: id });
  if (state?.endedAt !== undefined) {
    // Over: credit closer's own ending (its claim, or its mark on the state) before the legs.
    if (ending !== undefined) {
      return byRule(
        ending.ruleId,
        ending.state === 'claimed' ? ' (its disconnect took effect; the answer was lost)' : '',
      );
    }
    if (state.endedBy?.closerRuleId !== undefined) {
      return byRule(state.endedBy.closerRuleId);
    }
    return skip('already-ended', describeEndedBy(state.endedBy), episode, {
      ...(state.endedBy === undefined ? {} : { endedBy: state.endedBy }),
    });
  }
  const ours = ending !== undefined && ending.ruleId === ruleId && ending.state === 'claimed';
  if (ending !== undefined && !ours) {
    return byRule(ending.ruleId, ending.state === 'claimed' ? ' (in progress)' : '');
  }
  return undefined;
}

function matches(rule: CountdownRule, state: ConversationState): boolean {
  return rule.match === undefined || matchesPattern(rule.match, conversationFacts(state));
}

/**
 * A countdown rule's schedule in the current count: the time it counts from (`since`: the
 * watched side's last activity for an inactivity rule, the episode's start for a max-duration
 * rule), each warning's time (`deadline - before`, in the order written) and the close at the
 * deadline. Stage `i < warnings.length` is warning `i`; stage `warnings.length` is the close.
 */
interface Schedule {
  since: number;
  deadline: number;
  warnings: Warning[];
  /** Due time of each stage, the close last. */
  dues: number[];
}

function scheduleOf(rule: CountdownRule, state: ConversationState): Schedule | { reason: string } {
  const warnings = rule.warn ?? [];
  if (rule.kind === 'inactivity') {
    // Idle time, business hours or the channel's reply window (`due-times.ts`).
    const due = inactivityDue(state, rule);
    return due.counting
      ? {
          since: due.since,
          deadline: due.deadline,
          warnings,
          dues: [...due.warnDues, due.deadline],
        }
      : { reason: due.reason };
  }
  const counted = maxDurationStart(rule, state);
  if (!counted.counting) {
    return { reason: counted.reason };
  }
  const deadline = counted.since + rule.maxDuration.after;
  return {
    since: counted.since,
    deadline,
    warnings,
    dues: [...warnings.map((w) => deadline - w.before), deadline],
  };
}

/**
 * When a max-duration rule's count started, or why it does not count now: the episode's start
 * (a re-threaded conversation starts a new count), while the conversation is in a
 * `maxDuration.while` phase.
 */
function maxDurationStart(
  rule: MaxDurationRule,
  state: ConversationState,
): { counting: true; since: number } | { counting: false; reason: string } {
  const allowed = rule.maxDuration.while;
  if (allowed !== undefined) {
    const { phase } = conversationPhase(state.participants);
    if (phase === 'ended' || !allowed.includes(phase)) {
      return {
        counting: false,
        reason: `the maximum duration is enforced only while ${allowed.join('/')}; the conversation is ${phase === 'ended' ? 'over' : `in phase ${phase}`}`,
      };
    }
  }
  const start = state.episodeStartedAt ?? state.startedAt;
  return start === undefined
    ? { counting: false, reason: "the episode's start is not known yet" }
    : { counting: true, since: start };
}

/** The stage a stored timer stands for: its warning's index, or the close. */
function stageOf(timer: TimerView, schedule: Schedule): number {
  const close = schedule.warnings.length;
  if (timer.phase !== 'warn') {
    return close;
  }
  const index = timer.data?.warning;
  const warning = typeof index === 'number' && Number.isInteger(index) && index >= 0 ? index : 0;
  return Math.min(warning, close);
}

/** The first stage still ahead at `now` (the close when every warning's time has passed). */
function nextStage(schedule: Schedule, now: number): number {
  const index = schedule.dues.findIndex(
    (due, stage) => stage < schedule.warnings.length && now < due,
  );
  return index === -1 ? schedule.warnings.length : index;
}

/** The `arm` decision of stage `stage` due at `dueAt`. */
function armStage(schedule: Schedule, stage: number, dueAt: number, episode: number): Decision {
  return stage < schedule.warnings.length
    ? { kind: 'arm', phase: 'warn', dueAt, episode, warning: stage }
    : { kind: 'arm', phase: 'close', dueAt, episode };
}

function planCountdown(input: DecideInput, rule: CountdownRule): Decision {
  const { state, timer, now } = input;
  if (state === undefined) {
    return { kind: 'keep' };
  }
  if (
    input.ending?.ruleId === rule.id &&
    input.ending.state === 'claimed' &&
    timer?.episode === state.episode
  ) {
    // This rule's ending is under way (or its answer was lost): its timer settles it.
    return { kind: 'keep' };
  }
  if (state.endedAt !== undefined) {
    return { kind: 'cancel', reason: 'the conversation has ended' };
  }
  if (input.ending !== undefined) {
    return { kind: 'cancel', reason: alreadyEndedBy(input.ending.ruleId) };
  }
  if (!matches(rule, state)) {
    return { kind: 'cancel', reason: 'the rule does not match the conversation' };
  }
  const schedule = scheduleOf(rule, state);
  if (!('since' in schedule)) {
    return { kind: 'cancel', reason: schedule.reason };
  }
  const mark = actionMark(rule, state, schedule.since);
  if (mark !== undefined) {
    // Acted on this silence already; a claimed transfer's timer settles it (read before repeat).
    return mark.state === 'claimed' && timer !== undefined
      ? { kind: 'keep' }
      : {
          kind: 'cancel',
          reason: `rule ${rule.id} already acted on this silence (${mark.action})`,
        };
  }
  const next = nextStage(schedule, now);
  const dueAt = schedule.dues[next] ?? schedule.deadline;
  if (timer !== undefined && timer.episode === state.episode) {
    const armed = stageOf(timer, schedule);
    // Warnings already sent in this count are never sent again: a timer further along than the
    // plan is kept (a warning whose time passed is sent late by the firing, not skipped here)...
    if (armed > next) {
      // ...unless activity restarted the count (its first warning is ahead again): the whole
      // sequence starts over.
      return armStage(schedule, next, dueAt, state.episode);
    }
    // Activity only moves deadlines later. A stage later than planned was pushed back on
    // purpose (a late warning still gives the customer the promised time): keep it.
    if (armed < next || timer.dueAt >= dueAt) {
      return { kind: 'keep' };
    }
  }
  return armStage(schedule, next, dueAt, state.episode);
}

function fireCountdown(input: DecideInput, rule: CountdownRule): Decision {
  const { state, timer, now } = input;
  if (state === undefined) {
    return skip('skipped', 'nothing is known of the conversation', 1);
  }
  const over = alreadyOver(input, rule.id);
  if (over !== undefined) {
    return over;
  }
  if (!matches(rule, state)) {
    return skip('skipped', 'the rule no longer matches the conversation', state.episode);
  }
  const schedule = scheduleOf(rule, state);
  if (!('since' in schedule)) {
    return { kind: 'cancel', reason: schedule.reason };
  }
  const { deadline, warnings } = schedule;
  const next = nextStage(schedule, now);
  const armed = timer === undefined ? warnings.length : stageOf(timer, schedule);
  const warning = warnings[armed];
  if (armed < warnings.length && warning !== undefined) {
    const warnAt = schedule.dues[armed] ?? deadline;
    if (now < warnAt) {
      // Activity since the timer was armed: the count restarted; plan it afresh.
      return armStage(schedule, next, schedule.dues[next] ?? deadline, state.episode);
    }
    if (isCustomerGone(state.participants)) {
      // Nobody would read a warning: go straight to the close at the deadline.
      return { kind: 'arm', phase: 'close', dueAt: deadline, episode: state.episode };
    }
    // A late warning (closer was down) still gives the customer the promised time to answer:
    // the rest of the sequence moves by the delay, counted as the rule counts time (business
    // hours with `idle.during`).
    const following = armed + 1;
    const followingDue = laterBy(rule, now, warning.before - (warnings[following]?.before ?? 0));
    return {
      kind: 'warn',
      message: warning.message,
      warning: armed,
      warnings: warnings.length,
      endOperation: endOperationOf(rule.close),
      next:
        following < warnings.length
          ? { phase: 'warn', dueAt: followingDue, warning: following }
          : { phase: 'close', dueAt: followingDue },
      closeAt: laterBy(rule, now, warning.before),
      idleSince: schedule.since,
      episode: state.episode,
    };
  }
  if (now < deadline) {
    return armStage(schedule, next, schedule.dues[next] ?? deadline, state.episode);
  }
  const customerGone = isCustomerGone(state.participants);
  const since = new Date(schedule.since).toISOString();
  if (rule.kind === 'inactivity' && rule.action !== 'close') {
    return fireAction(rule, state, schedule.since, customerGone);
  }
  return {
    kind: 'close',
    close: rule.close,
    episode: state.episode,
    reason: customerGone
      ? `customer already gone; ended by rule ${rule.id}`
      : rule.kind === 'inactivity'
        ? `ended by rule ${rule.id}: ${rule.idle.side} idle since ${since}`
        : `ended by rule ${rule.id}: the episode has lasted longer than ${formatDuration(rule.maxDuration.after)} (since ${since})`,
    idleSince: schedule.since,
    customerGone,
  };
}

/** The mark of a rule's action on the silence since `since` in the current episode, if any. */
function actionMark(
  rule: CountdownRule,
  state: ConversationState,
  since: number,
): RuleActionMark | undefined {
  if (rule.kind !== 'inactivity' || rule.action === 'close') {
    return undefined;
  }
  const mark = state.ruleActions?.[rule.id];
  return mark !== undefined && mark.episode === state.episode && mark.since === since
    ? mark
    : undefined;
}

/**
 * An inactivity rule's `message` or `transfer` at its deadline: once per silence (an earlier
 * message is never sent again; a claimed transfer is resumed by a read, never repeated blind),
 * never to a customer who left, and a transfer only of a present agent leg, to the rule's queue or
 * (`queue: current`) the one the agent's leg came through.
 */
function fireAction(
  rule: InactivityRule,
  state: ConversationState,
  since: number,
  customerGone: boolean,
): Decision {
  const mark = actionMark(rule, state, since);
  const idle = `${rule.idle.side} idle since ${new Date(since).toISOString()}`;
  const base = { episode: state.episode, idleSince: since };
  if (mark !== undefined && !(mark.action === 'transfer' && mark.state === 'claimed')) {
    return skip(
      'skipped',
      `already ${mark.action === 'message' ? 'messaged' : 'transferred'} for this silence (${idle})`,
      state.episode,
    );
  }
  if (mark === undefined && customerGone) {
    return skip(
      'skipped',
      `the customer already left; rule ${rule.id} neither messages nor transfers`,
      state.episode,
    );
  }
  if (rule.action === 'message') {
    return {
      kind: 'act',
      action: 'message',
      ...(rule.message === undefined ? {} : { message: rule.message }),
      resumed: false,
      ...base,
      reason: `messaged by rule ${rule.id}: ${idle}`,
    };
  }
  const agent = state.participants.find((p) => p.purpose === 'agent' && isPresent(p));
  const participantId = mark?.participantId ?? agent?.id;
  const queueId = mark?.queueId ?? rule.transfer?.queueId ?? agent?.queueId ?? state.queueId;
  if (participantId === undefined) {
    return skip('skipped', 'no agent is connected: there is no leg to transfer', state.episode);
  }
  if (queueId === undefined) {
    return skip(
      'skipped',
      "the conversation's queue is not known: nowhere to transfer it back to",
      state.episode,
    );
  }
  const message = rule.transfer?.message;
  return {
    kind: 'act',
    action: 'transfer',
    ...(message === undefined ? {} : { message }),
    participantId,
    queueId,
    resumed: mark !== undefined,
    ...base,
    reason: `transferred by rule ${rule.id} to queue ${queueId}: ${idle}`,
  };
}

function planEvent(input: DecideInput): Decision {
  const { state, now, eventTime } = input;
  const episode = state?.episode ?? 1;
  if (
    state?.episodeStartedAt !== undefined &&
    eventTime !== undefined &&
    eventTime < state.episodeStartedAt
  ) {
    return skip(
      'skipped',
      `the event (${new Date(eventTime).toISOString()}) predates the conversation's current episode ${episode} (since ${new Date(state.episodeStartedAt).toISOString()})`,
      episode,
    );
  }
  if (input.ending !== undefined) {
    return skip('already-ended', alreadyEndedBy(input.ending.ruleId), episode, {
      endedByRule: input.ending.ruleId,
    });
  }
  return { kind: 'arm', phase: 'event', dueAt: now, episode };
}

/** Event rules and on-demand requests at firing time: end it unless there is nothing to end. */
function fireEnding(
  input: DecideInput,
  close: CloseAction,
  trigger: 'event' | 'on-demand',
): Decision {
  const { state, timer } = input;
  const episode = state?.episode ?? 1;
  const ruleId = input.rule?.id ?? trigger;
  const eventTime = typeof timer?.data?.eventTime === 'number' ? timer.data.eventTime : undefined;
  if (
    timer !== undefined &&
    state?.episodeStartedAt !== undefined &&
    timer.episode < state.episode &&
    (eventTime === undefined || eventTime < state.episodeStartedAt)
  ) {
    return skip(
      'skipped',
      `the event was for episode ${timer.episode}; the conversation was re-threaded into episode ${state.episode} since`,
      state.episode,
    );
  }
  const over = alreadyOver(input, ruleId);
  if (over !== undefined) {
    return over;
  }
  const customerGone = state === undefined ? false : isCustomerGone(state.participants);
  return {
    kind: 'close',
    close,
    episode,
    reason: customerGone
      ? `customer already gone; ended ${trigger === 'on-demand' ? 'on demand' : `by rule ${ruleId}`}`
      : trigger === 'on-demand'
        ? 'ended on demand'
        : `ended by rule ${ruleId}`,
    customerGone,
  };
}

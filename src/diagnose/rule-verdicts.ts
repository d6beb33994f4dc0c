import { decide, describeEndedBy, type Decision, type EndingView, type TimerView } from '../decide';
import {
  conversationFacts,
  extractJsonPath,
  isDryRun,
  type EventRule,
  type CountdownRule,
  type RulesConfig,
} from '../rules';
import type { ConversationState } from '../tracking/conversation-state';
import { patternVerdict } from './pattern-verdict';

/**
 * One rule's verdict on a delivery or a conversation:
 * - `matched`: the rule acts (or, for a conversation, counts its silence and would act at `at`);
 * - `pattern-failed`: its pattern did not match (`why` names the field);
 * - `condition-failed`: the pattern matched but a condition did not hold (the phase is not
 *   counted, the conversation already ended, no conversation id in the event, …);
 * - `not-applicable`: the rule listens to something else (another source, Genesys events);
 * - `disabled`: `enabled: false`.
 */
export type RuleVerdictKind =
  'matched' | 'pattern-failed' | 'condition-failed' | 'not-applicable' | 'disabled';

/** A rule and its verdict, JSON-serialisable (the API, the CLI and unmatched deliveries). */
export interface RuleVerdict {
  ruleId: string;
  kind: 'inactivity' | 'max-duration' | 'event';
  verdict: RuleVerdictKind;
  /** One line a person reads. */
  reason: string;
  /** The pattern's structured explanation when it failed. */
  failures?: unknown;
  /** When the rule would act: `warn` or `close`, and the time (ISO-8601). */
  action?: { phase: 'warn' | 'close' | 'event'; at: string; conversationId: string };
  dryRun?: boolean;
}

/** Whether any verdict is a rule that matched the delivery's pattern (acted on or not). */
export function anyPatternMatched(verdicts: readonly RuleVerdict[]): boolean {
  return verdicts.some((v) => v.verdict === 'matched' || v.verdict === 'condition-failed');
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Every rule's verdict on a webhook `body` delivered by `source`: event rules of that source are
 * explained (pattern, then the conversation id path); the rest say why they do not apply.
 */
export function webhookVerdicts(
  config: RulesConfig,
  source: string,
  body: unknown,
  now: number,
): RuleVerdict[] {
  return config.rules.map((rule) => {
    if (rule.kind !== 'event') {
      return {
        ruleId: rule.id,
        kind: rule.kind,
        verdict: 'not-applicable',
        reason: `${rule.kind} rules act on Genesys conversations, not on webhook deliveries`,
      };
    }
    return eventRuleVerdict(config, rule, source, body, now);
  });
}

function eventRuleVerdict(
  config: RulesConfig,
  rule: EventRule,
  source: string,
  body: unknown,
  now: number,
): RuleVerdict {
  const base = { ruleId: rule.id, kind: 'event' as const };
  if (rule.source !== source) {
    return {
      ...base,
      verdict: 'not-applicable',
      reason: `listens to source ${rule.source}, not ${source}`,
    };
  }
  if (!rule.enabled) {
    return { ...base, verdict: 'disabled', reason: 'enabled: false' };
  }
  const pattern = patternVerdict(rule.pattern, body);
  if (!pattern.matched) {
    return {
      ...base,
      verdict: 'pattern-failed',
      reason: `pattern: ${pattern.why ?? 'no match'}`,
      ...(pattern.failures === undefined ? {} : { failures: pattern.failures }),
    };
  }
  const found = extractJsonPath(body, rule.conversationId);
  if (typeof found !== 'string' || found.trim() === '') {
    return {
      ...base,
      verdict: 'condition-failed',
      reason: `the pattern matched, but conversationId ${rule.conversationId} found ${found === undefined ? 'nothing' : JSON.stringify(found)}, not a conversation id`,
    };
  }
  const dryRun = isDryRun(rule, config);
  return {
    ...base,
    verdict: 'matched',
    reason: `matched: ${dryRun ? 'would record (dry run) the ending of' : 'ends'} conversation ${found.trim()}`,
    action: { phase: 'event', at: iso(now), conversationId: found.trim() },
    ...(dryRun ? { dryRun } : {}),
  };
}

/** What closer knows of a conversation besides its state, for {@link conversationVerdicts}. */
export interface ConversationContext {
  now: number;
  /** Armed timers of the conversation, by rule. */
  timers?: readonly (TimerView & { ruleId: string })[];
  ending?: EndingView;
}

/**
 * Every rule's verdict on a conversation: each inactivity rule's `match` against the
 * conversation's facts, then the same decision the timers use (`decide`, plan mode): whether it
 * counts silence now and when it would warn or close — or which condition stops it.
 */
export function conversationVerdicts(
  config: RulesConfig,
  state: ConversationState,
  context: ConversationContext,
): RuleVerdict[] {
  return config.rules.map((rule) => {
    if (rule.kind === 'event') {
      return {
        ruleId: rule.id,
        kind: 'event',
        verdict: 'not-applicable',
        reason: `acts on ${rule.source} deliveries, not on the conversation's own events`,
      };
    }
    return inactivityVerdict(config, rule, state, context);
  });
}

function inactivityVerdict(
  config: RulesConfig,
  rule: CountdownRule,
  state: ConversationState,
  context: ConversationContext,
): RuleVerdict {
  const base = { ruleId: rule.id, kind: rule.kind };
  if (!rule.enabled) {
    return { ...base, verdict: 'disabled', reason: 'enabled: false' };
  }
  if (rule.match !== undefined) {
    const pattern = patternVerdict(rule.match, conversationFacts(state));
    if (!pattern.matched) {
      return {
        ...base,
        verdict: 'pattern-failed',
        reason: `match: ${pattern.why ?? 'no match'}`,
        ...(pattern.failures === undefined ? {} : { failures: pattern.failures }),
      };
    }
  }
  if (state.endedAt !== undefined) {
    return {
      ...base,
      verdict: 'condition-failed',
      reason: `the conversation is over: ${describeEndedBy(state.endedBy)}`,
    };
  }
  const timer = context.timers?.find((t) => t.ruleId === rule.id && t.phase !== 'event');
  const decision = decide({
    mode: 'plan',
    state,
    rule,
    now: context.now,
    ...(timer === undefined ? {} : { timer }),
    ...(context.ending === undefined ? {} : { ending: context.ending }),
  });
  const dryRun = isDryRun(rule, config);
  switch (decision.kind) {
    case 'arm':
      return {
        ...base,
        verdict: 'matched',
        reason: `matched: ${dryRun ? 'would record (dry run) a ' : 'will '}${plannedStep(rule, decision)}`,
        action: {
          phase: decision.phase,
          at: iso(decision.dueAt),
          conversationId: state.conversationId,
        },
        ...(dryRun ? { dryRun } : {}),
      };
    case 'keep':
      return {
        ...base,
        verdict: 'matched',
        reason:
          timer === undefined
            ? 'matched: nothing to plan yet'
            : `matched: its ${timer.phase} timer stands at ${iso(timer.dueAt)}`,
        ...(timer === undefined
          ? {}
          : {
              action: {
                phase: timer.phase,
                at: iso(timer.dueAt),
                conversationId: state.conversationId,
              },
            }),
      };
    case 'cancel':
      return { ...base, verdict: 'condition-failed', reason: decision.reason };
    case 'skip':
      return { ...base, verdict: 'condition-failed', reason: decision.reason };
    default:
      return { ...base, verdict: 'condition-failed', reason: `decision ${decision.kind}` };
  }
}

/** `warn (warning 2 of 3) at … unless someone writes`, `close at … (maximum duration …)`. */
function plannedStep(rule: CountdownRule, decision: Extract<Decision, { kind: 'arm' }>): string {
  const count = rule.warn?.length ?? 0;
  const which =
    decision.phase === 'warn' && decision.warning !== undefined && count > 1
      ? ` (warning ${decision.warning + 1} of ${count})`
      : '';
  const step = decision.phase === 'warn' ? `warn${which}` : 'close';
  const until =
    rule.kind === 'inactivity' ? 'unless someone writes' : '(maximum duration of the episode)';
  return `${step} at ${iso(decision.dueAt)} ${until}`;
}

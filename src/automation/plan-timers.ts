import type {
  ConversationRecord,
  ConversationUpdate,
  StoreChanges,
  TimerInput,
} from '../store/store';
import type { EventRule } from '../rules';
import { extractJsonPath } from '../rules';
import type { ConversationState } from '../tracking/conversation-state';
import { decide, sanitizeEventReason } from '../decide';
import type { ExecutorDeps } from './executor-deps';
import { timerData } from './timer-data';

/**
 * Plans every countdown (inactivity, max-duration) rule's timer for a conversation state (after an event, or new rules):
 * the changes to write with the state in one transaction. `read`: the conversation's timers and
 * endings already read with its state (`Store.readConversationRecord`); read here otherwise.
 */
export async function planTimers(
  deps: Pick<ExecutorDeps, 'store' | 'clock' | 'rules'>,
  state: ConversationState,
  conversation: ConversationUpdate,
  read?: Pick<ConversationRecord, 'timers' | 'endings'>,
): Promise<StoreChanges> {
  const { store, clock } = deps;
  const now = clock.now();
  const existing = read?.timers ?? (await store.listTimers(state.conversationId));
  const ending =
    read === undefined
      ? await store.getEnding(state.conversationId, state.episode)
      : read.endings.find((e) => e.episode === state.episode);
  const upsertTimers: TimerInput[] = [];
  const cancelTimers: { conversationId: string; ruleId: string }[] = [];
  const rules = deps.rules().config.rules;
  const countdownIds = new Set(rules.filter((r) => r.kind !== 'event').map((r) => r.id));
  for (const timer of existing) {
    // Timers of rules that are gone or are no longer countdown (inactivity, max-duration) rules.
    if (timer.phase !== 'event' && !countdownIds.has(timer.ruleId)) {
      cancelTimers.push({ conversationId: state.conversationId, ruleId: timer.ruleId });
    }
  }
  for (const rule of rules) {
    if (rule.kind === 'event') {
      continue;
    }
    const timer = existing.find((t) => t.ruleId === rule.id && t.phase !== 'event');
    const decision = decide({
      mode: 'plan',
      state,
      rule,
      now,
      ...(timer === undefined ? {} : { timer }),
      ...(ending === undefined ? {} : { ending }),
    });
    if (decision.kind === 'arm' && (decision.phase === 'warn' || decision.phase === 'close')) {
      upsertTimers.push({
        conversationId: state.conversationId,
        ruleId: rule.id,
        phase: decision.phase,
        dueAt: decision.dueAt,
        episode: decision.episode,
        ...timerData(decision, undefined),
      });
    } else if (decision.kind === 'cancel' && timer !== undefined) {
      cancelTimers.push({ conversationId: state.conversationId, ruleId: rule.id });
    }
  }
  return { now, conversation, upsertTimers, cancelTimers };
}

/**
 * Epoch numbers below this are seconds, above it milliseconds: 1e11 s is the year 5138, 1e11 ms
 * is 1973 — no event closer sees falls in between. (Stripe's `created` is in seconds.)
 */
const SECONDS_BELOW = 1e11;

/**
 * The event's own time from the rule's `eventTime` path: an ISO-8601 string, or an epoch number
 * in seconds or milliseconds (told apart by size). Undefined when the rule has none or the value
 * is not a time.
 */
export function eventTimeOf(rule: EventRule, body: unknown): number | undefined {
  if (rule.eventTime === undefined) {
    return undefined;
  }
  const value = extractJsonPath(body, rule.eventTime);
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    return value < SECONDS_BELOW ? value * 1000 : value;
  }
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/**
 * The reason the event gives, from the rule's `reasonFrom` path, sanitized and bounded
 * (`sanitizeEventReason`); undefined when the rule has none or the event has no usable value.
 */
export function eventReasonOf(rule: EventRule, body: unknown): string | undefined {
  return rule.reasonFrom === undefined
    ? undefined
    : sanitizeEventReason(extractJsonPath(body, rule.reasonFrom));
}

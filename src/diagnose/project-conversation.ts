import { decide, type Decision, type EndingView, type TimerView } from '../decide';
import type { CountdownRule, RulesConfig } from '../rules';
import type { ConversationState } from '../tracking/conversation-state';

/** One thing a rule would do to a conversation if nobody spoke again, and when (epoch ms). */
export interface ProjectedAction {
  ruleId: string;
  /** `message` / `transfer`: a rule that acts without closing (`action:`); the episode goes on. */
  action: 'warn' | 'close' | 'message' | 'transfer';
  at: number;
  episode: number;
  /** The warning's or closing message's text ('' when the close sends none). */
  message: string;
  /** Warnings: which of the rule's staged warnings (0 = the first). */
  warning?: number;
  /** Transfers: the queue the conversation would move to. */
  queueId?: string;
  /** The decision's own reason (closes), as the outcome would record it. */
  reason?: string;
  /**
   * False when another rule's close comes first: live, that close ends the episode and this
   * action never happens (a dry run still records both). Warnings before it stay effective.
   */
  effective: boolean;
  /** The rule whose earlier close ends the episode first (when not effective). */
  supersededBy?: string;
}

/** Most decisions followed for one rule: arm, warn, close, with room for staged warnings. */
const MAX_STEPS = 24;

/**
 * What each inactivity and max-duration rule would do to `state` from `now` on, assuming no new
 * activity: the
 * same `decide()` the service runs, stepped from its plan (arm a timer) through each firing (warn,
 * then close), so a preview cannot disagree with what a dry run later records. Event rules are
 * not projected: they act on deliveries that have not happened.
 */
export function projectConversation(
  state: ConversationState,
  rules: RulesConfig['rules'],
  now: number,
  ending?: EndingView,
): ProjectedAction[] {
  const actions = rules
    .filter((rule): rule is CountdownRule => rule.kind !== 'event' && rule.enabled)
    .flatMap((rule) => projectRule(state, rule, now, ending));
  actions.sort((a, b) => a.at - b.at || (a.action === b.action ? 0 : a.action === 'warn' ? -1 : 1));
  const firstClose = actions.find((a) => a.action === 'close');
  return actions.map((a) =>
    firstClose === undefined || a === firstClose || a.at < firstClose.at
      ? a
      : { ...a, effective: false, supersededBy: firstClose.ruleId },
  );
}

function projectRule(
  state: ConversationState,
  rule: CountdownRule,
  now: number,
  ending: EndingView | undefined,
): ProjectedAction[] {
  const out: ProjectedAction[] = [];
  const base = { state, rule, ...(ending === undefined ? {} : { ending }) };
  let decision: Decision = decide({ mode: 'plan', now, ...base });
  let at = now;
  for (let step = 0; step < MAX_STEPS; step += 1) {
    let timer: TimerView;
    if (decision.kind === 'arm') {
      timer = {
        phase: decision.phase,
        dueAt: decision.dueAt,
        episode: decision.episode,
        ...(decision.warning === undefined ? {} : { data: { warning: decision.warning } }),
      };
    } else if (decision.kind === 'warn') {
      out.push({
        ruleId: rule.id,
        action: 'warn',
        at,
        episode: decision.episode,
        message: decision.message,
        warning: decision.warning,
        effective: true,
      });
      // As the executor does: arm the next step (the following warning, or the close).
      const { next } = decision;
      timer = {
        phase: next.phase,
        dueAt: next.dueAt,
        episode: decision.episode,
        ...(next.phase === 'warn' ? { data: { warning: next.warning } } : {}),
      };
    } else {
      if (decision.kind === 'act') {
        out.push({
          ruleId: rule.id,
          action: decision.action,
          at,
          episode: decision.episode,
          message: decision.message ?? '',
          reason: decision.reason,
          ...(decision.queueId === undefined ? {} : { queueId: decision.queueId }),
          effective: true,
        });
      }
      if (decision.kind === 'close') {
        out.push({
          ruleId: rule.id,
          action: 'close',
          at,
          episode: decision.episode,
          message: decision.close.message ?? '',
          reason: decision.reason,
          effective: true,
        });
      }
      return out;
    }
    at = Math.max(at, timer.dueAt);
    decision = decide({ mode: 'fire', now: at, timer, ...base });
  }
  return out;
}

import type { Clock } from '../timers/clock';
import type { Store } from '../store/store';
import type { LoadedRules } from '../rules';
import { matchingInactivityRules, planInactivity } from '../rules';
import type { ConversationState } from '../tracking/conversation-state';

/**
 * Brings the inactivity timers of one conversation in line with its state and the rules in force:
 * arms or pushes back a timer per matching rule, cancels timers of rules that no longer match or
 * of a conversation that ended. Writes only when something changed (hot path at thousands of
 * events per second). Returns whether any timer changed.
 */
export async function armInactivityTimers(
  state: ConversationState,
  deps: { store: Store; rules: () => LoadedRules; clock: Clock },
): Promise<boolean> {
  const { store, clock } = deps;
  const config = deps.rules().config;
  const now = clock.now();
  const existing = await store.listTimers(state.conversationId);
  const matching = state.endedAt === undefined ? matchingInactivityRules(state, config) : [];
  const matchingIds = new Set(matching.map((rule) => rule.id));
  let changed = false;

  for (const timer of existing) {
    const rule = config.rules.find((r) => r.id === timer.ruleId);
    const isInactivityTimer = timer.phase === 'warn' || timer.phase === 'close';
    if (isInactivityTimer && (rule === undefined || !matchingIds.has(timer.ruleId))) {
      await store.cancelTimers(state.conversationId, timer.ruleId);
      changed = true;
    }
  }

  for (const rule of matching) {
    if (await store.hasEnded(state.conversationId, rule.id)) {
      continue;
    }
    const plan = planInactivity(state, rule, now);
    const current = existing.find((t) => t.ruleId === rule.id);
    if (plan.action === 'cancel') {
      if (current !== undefined) {
        await store.cancelTimers(state.conversationId, rule.id);
        changed = true;
      }
      continue;
    }
    if (current?.phase === plan.phase && current.dueAt === plan.dueAt) {
      continue;
    }
    // Activity only moves deadlines later. A close timer later than planned was pushed back on
    // purpose (a late warning still gives the customer the promised time): keep it.
    if (plan.phase === 'close' && current?.phase === 'close' && current.dueAt > plan.dueAt) {
      continue;
    }
    await store.upsertTimer(
      {
        conversationId: state.conversationId,
        ruleId: rule.id,
        phase: plan.phase,
        dueAt: plan.dueAt,
      },
      now,
    );
    changed = true;
  }
  return changed;
}

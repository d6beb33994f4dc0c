import { conversationFacts } from './conversation-facts';
import { matchesPattern } from './event-pattern';
import type { ConversationState } from '../tracking/conversation-state';
import type { InactivityRule, Rule, RulesConfig } from './rules-schema';

/**
 * The pure rules engine: which rules apply to what. No I/O, no clock — callers pass `now`.
 * Inactivity planning lives in `inactivity.ts`, event rules in `event-trigger.ts`.
 */

/** The enabled inactivity rules whose `match` pattern matches the conversation's facts. */
export function matchingInactivityRules(
  state: ConversationState,
  config: RulesConfig,
): InactivityRule[] {
  const facts = conversationFacts(state);
  return config.rules.filter(
    (rule): rule is InactivityRule =>
      rule.kind === 'inactivity' &&
      rule.enabled &&
      (rule.match === undefined || matchesPattern(rule.match, facts)),
  );
}

/**
 * Whether a rule only records what it would do. The global `dryRun` is a safety switch and wins:
 * `dryRun: true` at the top makes every rule dry, whatever the rule says.
 */
export function isDryRun(rule: Rule, config: RulesConfig): boolean {
  return config.dryRun || rule.dryRun;
}

import { matchesPattern } from './event-pattern';
import { extractJsonPath } from './json-path';
import type { EventRule, RulesConfig } from './rules-schema';

/** An event rule that matched a webhook body, with the conversation it targets or why not. */
export interface EventRuleMatch {
  rule: EventRule;
  /** The conversation to close, when the rule's `conversationId` path found one. */
  conversationId?: string;
  /** Why no conversation id was found (set exactly when `conversationId` is not). */
  problem?: string;
}

/**
 * The enabled event rules of `source` whose pattern matches the webhook `body`, in file order.
 * The conversation id is read with the rule's JSONPath and must be a non-empty string.
 */
export function matchingEventRules(
  source: string,
  body: unknown,
  config: RulesConfig,
): EventRuleMatch[] {
  const matches: EventRuleMatch[] = [];
  for (const rule of config.rules) {
    if (rule.kind !== 'event' || !rule.enabled || rule.source !== source) {
      continue;
    }
    if (!matchesPattern(rule.pattern, body)) {
      continue;
    }
    const found = extractJsonPath(body, rule.conversationId);
    if (typeof found === 'string' && found.trim() !== '') {
      matches.push({ rule, conversationId: found.trim() });
    } else {
      const what =
        found === undefined
          ? 'nothing'
          : typeof found === 'string'
            ? 'an empty string'
            : found === null
              ? 'null'
              : Array.isArray(found)
                ? 'a list'
                : `a ${typeof found}`;
      matches.push({
        rule,
        problem: `${rule.conversationId} found ${what} in the event, not a conversation id`,
      });
    }
  }
  return matches;
}

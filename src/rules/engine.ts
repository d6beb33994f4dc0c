import type { Rule, RulesConfig } from './rules-schema';

/** Rule-level switches. What to do about a conversation is decided in `src/decide`. */

/**
 * Whether a rule only records what it would do. The global `dryRun` is a safety switch and wins:
 * `dryRun: true` at the top makes every rule dry, whatever the rule says.
 */
export function isDryRun(rule: Rule, config: RulesConfig): boolean {
  return config.dryRun || rule.dryRun;
}

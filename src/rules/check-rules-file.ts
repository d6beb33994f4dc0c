import { formatDuration } from '../config/durations';
import { analyzeRules } from './analyze-rules';
import type { CheckedRules } from './check-rules-online';
import { RulesValidationError } from './errors';
import { describeIdleTiming } from './idle-timing';
import { hashRulesText, readRulesText } from './parse-rules';
import { formatDiagnostic, isError } from './rules-diagnostic';
import type { RulesDiagnostic } from './rules-diagnostic';
import type { Rule, RulesConfig } from './rules-schema';

/** What `closer rules check` prints for a valid file. */
export interface RulesSummary {
  path: string;
  /** sha256 of the file text (compare with the `hash` logged on reload). */
  hash: string;
  dryRun: boolean;
  /** Source names under `sources:`. */
  sources: string[];
  rules: number;
  enabled: number;
  /** One human line per rule, e.g. `idle-web-customer: inactivity, customer idle 20m, warn 2m before`. */
  lines: string[];
  /**
   * Things that are valid but will not work as is (e.g. a secret's environment variable that is
   * not set in the environment the check ran in), as compiler-style lines.
   */
  warnings: string[];
}

/**
 * Result of {@link checkRulesFile}. `diagnostics` holds every finding in file order (only
 * warnings when `ok`); `problems` the errors as compiler-style lines.
 */
export type RulesCheckResult =
  | { ok: true; summary: RulesSummary; diagnostics: RulesDiagnostic[]; rules: CheckedRules }
  | { ok: false; problems: string[]; diagnostics: RulesDiagnostic[] };

/**
 * Validates a rules file for `closer rules check [file]` without starting anything.
 * @param env environment used to warn about unset secret variables (default `process.env`).
 * Never throws for a bad or missing file: those are `{ ok: false, problems }`.
 */
export function checkRulesFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): RulesCheckResult {
  let text: string;
  try {
    text = readRulesText(path);
  } catch (thrown: unknown) {
    if (thrown instanceof RulesValidationError) {
      return { ok: false, problems: [...thrown.problems], diagnostics: [...thrown.diagnostics] };
    }
    throw thrown;
  }
  const analysis = analyzeRules(text, env);
  const { config, diagnostics } = analysis;
  if (config === undefined) {
    return {
      ok: false,
      problems: diagnostics.filter(isError).map((d) => formatDiagnostic(path, d)),
      diagnostics,
    };
  }
  return {
    ok: true,
    summary: {
      path,
      hash: hashRulesText(text),
      dryRun: config.dryRun,
      sources: Object.keys(config.sources),
      rules: config.rules.length,
      enabled: config.rules.filter((rule) => rule.enabled).length,
      lines: config.rules.map((rule) => describeRule(rule, config)),
      warnings: diagnostics.map((d) => formatDiagnostic(path, d)),
    },
    diagnostics,
    rules: { config, locate: analysis.locate },
  };
}

/** One line describing a rule for humans. */
export function describeRule(rule: Rule, config: RulesConfig): string {
  const flags = [
    ...(rule.enabled ? [] : ['disabled']),
    ...(config.dryRun || rule.dryRun ? ['dry run'] : []),
  ];
  const suffix = flags.length === 0 ? '' : ` [${flags.join(', ')}]`;
  const leg = rule.close.leg === undefined ? '' : `, ends the ${rule.close.leg} leg`;
  if (rule.kind !== 'event') {
    const warn =
      rule.warn === undefined
        ? ''
        : `, warn ${rule.warn.map((w) => formatDuration(w.before)).join(', ')} before`;
    const match =
      rule.match === undefined ? 'every conversation' : `match ${JSON.stringify(rule.match)}`;
    if (rule.kind === 'max-duration') {
      const during =
        rule.maxDuration.while === undefined ? '' : ` while ${rule.maxDuration.while.join('/')}`;
      return `${rule.id}: max-duration, episode longer than ${formatDuration(rule.maxDuration.after)}${during}${warn}, ${match}${leg}${suffix}`;
    }
    const during = rule.idle.while === undefined ? '' : ` while ${rule.idle.while.join('/')}`;
    return `${rule.id}: inactivity, ${describeIdleTiming(rule.idle)}${during}${warn}, ${match}${leg}${suffix}`;
  }
  return `${rule.id}: event from ${rule.source}, pattern ${JSON.stringify(rule.pattern)}, conversation id at ${rule.conversationId}${leg}${suffix}`;
}

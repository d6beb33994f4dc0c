import { formatDuration } from '../config/durations';
import { RulesValidationError } from './errors';
import { loadRulesFile } from './parse-rules';
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
   * Things that are valid but will not work as is, e.g. a secret's environment variable that is
   * not set in the environment the check ran in.
   */
  warnings: string[];
}

/** Result of {@link checkRulesFile}. */
export type RulesCheckResult =
  { ok: true; summary: RulesSummary } | { ok: false; problems: string[] };

/**
 * Validates a rules file for `closer rules check [file]` without starting anything.
 * @param env environment used to warn about unset secret variables (default `process.env`).
 * Never throws for a bad or missing file: those are `{ ok: false, problems }`.
 */
export function checkRulesFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): RulesCheckResult {
  try {
    const loaded = loadRulesFile(path);
    const { config } = loaded;
    return {
      ok: true,
      summary: {
        path,
        hash: loaded.hash,
        dryRun: config.dryRun,
        sources: Object.keys(config.sources),
        rules: config.rules.length,
        enabled: config.rules.filter((rule) => rule.enabled).length,
        lines: config.rules.map((rule) => describeRule(rule, config)),
        warnings: [
          ...unsetSecrets(config, env),
          ...countsQueueWait(config),
          ...eventsWithoutTime(config),
        ],
      },
    };
  } catch (thrown: unknown) {
    if (thrown instanceof RulesValidationError) {
      return { ok: false, problems: [...thrown.problems] };
    }
    throw thrown;
  }
}

/** One line describing a rule for humans. */
export function describeRule(rule: Rule, config: RulesConfig): string {
  const flags = [
    ...(rule.enabled ? [] : ['disabled']),
    ...(config.dryRun || rule.dryRun ? ['dry run'] : []),
  ];
  const suffix = flags.length === 0 ? '' : ` [${flags.join(', ')}]`;
  const leg = rule.close.leg === undefined ? '' : `, ends the ${rule.close.leg} leg`;
  if (rule.kind === 'inactivity') {
    const warn = rule.warn === undefined ? '' : `, warn ${formatDuration(rule.warn.before)} before`;
    const match =
      rule.match === undefined ? 'every conversation' : `match ${JSON.stringify(rule.match)}`;
    const during = rule.idle.while === undefined ? '' : ` while ${rule.idle.while.join('/')}`;
    return `${rule.id}: inactivity, ${rule.idle.side} idle ${formatDuration(rule.idle.after)}${during}${warn}, ${match}${leg}${suffix}`;
  }
  return `${rule.id}: event from ${rule.source}, pattern ${JSON.stringify(rule.pattern)}, conversation id at ${rule.conversationId}${leg}${suffix}`;
}

function unsetSecrets(config: RulesConfig, env: NodeJS.ProcessEnv): string[] {
  const names: Array<[string, string]> = [];
  const { eventbridge, ...webhooks } = config.sources;
  if (eventbridge !== undefined) {
    const auth = eventbridge.auth;
    if ('valueEnv' in auth) {
      names.push(['sources.eventbridge.auth.valueEnv', auth.valueEnv]);
    } else {
      names.push(['sources.eventbridge.auth.basic.usernameEnv', auth.basic.usernameEnv]);
      names.push(['sources.eventbridge.auth.basic.passwordEnv', auth.basic.passwordEnv]);
    }
  }
  for (const [name, source] of Object.entries(webhooks)) {
    names.push([`sources.${name}.verify.secretEnv`, source.verify.secretEnv]);
  }
  return names
    .filter(([, variable]) => (env[variable] ?? '') === '')
    .map(([where, variable]) => `${where}: ${variable} is not set in this environment`);
}

/**
 * A customer-idle rule without `idle.while` counts the customer's wait in queue (and in a bot
 * flow) as silence: a customer waiting 20 minutes for an agent is "idle" for 20 minutes. Valid,
 * and today's behaviour for existing files, but rarely meant.
 */
function countsQueueWait(config: RulesConfig): string[] {
  return config.rules
    .map((rule, index) => ({ rule, index }))
    .filter(
      ({ rule }) =>
        rule.kind === 'inactivity' &&
        rule.enabled &&
        rule.idle.side !== 'agent' &&
        (rule.idle.while === undefined || rule.idle.while.includes('queue')),
    )
    .map(
      ({ rule, index }) =>
        `rules[${index}] (${rule.id}): customer silence is counted while the customer waits in queue; add "while: [agent]" to the idle block to count it only while an agent is connected (as Genesys's own queue inactivity timer does)`,
    );
}

/**
 * An event rule without `eventTime` cannot tell a sender's retry of an old event from a new one
 * (the delivery timestamp is renewed on each attempt): a "ticket closed" retried after the
 * customer came back would end the new episode.
 */
function eventsWithoutTime(config: RulesConfig): string[] {
  return config.rules
    .map((rule, index) => ({ rule, index }))
    .filter(({ rule }) => rule.kind === 'event' && rule.enabled && rule.eventTime === undefined)
    .map(
      ({ rule, index }) =>
        `rules[${index}] (${rule.id}): no eventTime — closer cannot tell a retried old event from a new one after the customer came back; point eventTime at the event's own time in the body (e.g. $.data.closedAt)`,
    );
}

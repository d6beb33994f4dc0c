import type { PathProblem } from './format-problems';
import { matchFactProblems } from './match-facts';
import { ruleMessageProblems } from './message-limits';
import type { Rule, RulesConfig } from './rules-schema';

/**
 * Things in a valid rules file that will probably not work as meant. Warnings never refuse a file
 * (neither `closer rules check` nor hot reload); each has its path so it is shown at its line.
 */

/**
 * Every warning of `config`.
 * @param env when given, secrets named by `sources:` but unset in it are reported too (the check
 *   runs where closer will run); hot reload passes nothing.
 */
export function rulesWarnings(config: RulesConfig, env?: NodeJS.ProcessEnv): PathProblem[] {
  return [
    ...(env === undefined ? [] : unsetSecrets(config, env)),
    ...config.rules.flatMap((rule, index) => [
      ...matchValueWarnings(rule, index),
      ...messageWarnings(rule, index),
      ...countsQueueWait(rule, index),
      ...eventWithoutTime(rule, index),
    ]),
  ];
}

function warning(
  path: Array<string | number>,
  code: PathProblem['code'],
  message: string,
): PathProblem {
  return { path, severity: 'warning', code, message };
}

function unsetSecrets(config: RulesConfig, env: NodeJS.ProcessEnv): PathProblem[] {
  const names: Array<[string[], string]> = [];
  const { eventbridge, ...webhooks } = config.sources;
  if (eventbridge !== undefined) {
    const auth = eventbridge.auth;
    if ('valueEnv' in auth) {
      names.push([['sources', 'eventbridge', 'auth', 'valueEnv'], auth.valueEnv]);
    } else {
      names.push([
        ['sources', 'eventbridge', 'auth', 'basic', 'usernameEnv'],
        auth.basic.usernameEnv,
      ]);
      names.push([
        ['sources', 'eventbridge', 'auth', 'basic', 'passwordEnv'],
        auth.basic.passwordEnv,
      ]);
    }
  }
  for (const [name, source] of Object.entries(webhooks)) {
    names.push([['sources', name, 'verify', 'secretEnv'], source.verify.secretEnv]);
  }
  return names
    .filter(([, variable]) => (env[variable] ?? '') === '')
    .map(([path, variable]) =>
      warning(path, 'RULES_SECRET_UNSET', `${variable} is not set in this environment`),
    );
}

/** Message types (or purposes, media types) closer does not know: maybe new, maybe a mistake. */
function matchValueWarnings(rule: Rule, index: number): PathProblem[] {
  if (rule.kind === 'event' || rule.match === undefined) {
    return [];
  }
  return matchFactProblems(rule.match)
    .filter((problem) => problem.severity === 'warning')
    .map((problem) =>
      warning(['rules', index, 'match', ...problem.path], problem.code, problem.message),
    );
}

/** A message over the limit of some of the channels the rule reaches (an SMS among them). */
function messageWarnings(rule: Rule, index: number): PathProblem[] {
  return ruleMessageProblems(rule).flatMap(({ path, problem }) =>
    problem.severity === 'warning'
      ? [warning(['rules', index, ...path], problem.code, problem.message)]
      : [],
  );
}

/**
 * A customer-idle rule without `idle.while` counts the customer's wait in queue (and in a bot
 * flow) as silence: a customer waiting 20 minutes for an agent is "idle" for 20 minutes. Valid,
 * and today's behaviour for existing files, but rarely meant. Not said of a channel-window rule.
 */
function countsQueueWait(rule: Rule, index: number): PathProblem[] {
  if (
    rule.kind !== 'inactivity' ||
    !rule.enabled ||
    rule.idle.side === 'agent' ||
    // A channel's reply window runs from the customer's last message, in queue or not.
    rule.idle.before === 'channelWindow' ||
    (rule.idle.while !== undefined && !rule.idle.while.includes('queue'))
  ) {
    return [];
  }
  return [
    warning(
      ['rules', index, 'idle'],
      'RULES_COUNTS_QUEUE_WAIT',
      `rule ${rule.id} counts customer silence while the customer waits in queue; add "while: [agent]" to the idle block to count it only while an agent is connected (as Genesys's own queue inactivity timer does)`,
    ),
  ];
}

/**
 * An event rule without `eventTime` cannot tell a sender's retry of an old event from a new one
 * (the delivery timestamp is renewed on each attempt): a "ticket closed" retried after the
 * customer came back would end the new episode.
 */
function eventWithoutTime(rule: Rule, index: number): PathProblem[] {
  if (rule.kind !== 'event' || !rule.enabled || rule.eventTime !== undefined) {
    return [];
  }
  return [
    warning(
      ['rules', index, 'conversationId'],
      'RULES_EVENT_WITHOUT_TIME',
      `rule ${rule.id} has no eventTime — closer cannot tell a retried old event from a new one after the customer came back; point eventTime at the event's own time in the body (e.g. $.data.closedAt)`,
    ),
  ];
}

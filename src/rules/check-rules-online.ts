import { formatDuration, SECOND } from '../config/durations';
import { coerceError } from '../errors';
import { GenesysApiError, GENESYS_OPERATIONS, inconclusiveProbeError } from '../genesys';
import type { GenesysOperation, OrgReader, RoutingQueue } from '../genesys';
import { placeAll } from './analyze-rules';
import type { PathProblem } from './format-problems';
import { describeIdleTiming } from './idle-timing';
import {
  queueReferences,
  timedRules,
  transferReferences,
  webMessagingRules,
  wrapupReferences,
} from './org-references';
import type { QueueReference, TimedRule } from './org-references';
import { ScheduleGroupError } from './errors';
import { loadScheduleGroup } from './load-schedule-group';
import type { RulesDiagnostic } from './rules-diagnostic';
import type { RulesConfig } from './rules-schema';
import { isGenesysScheduleRef } from './schedule-schema';
import type { Locate } from './yaml-locations';

/**
 * The online rules checks, one function for `closer doctor` and `closer rules check --online`:
 * does the org hold what the rules assume? (docs/genesys/facts.md §12)
 * - `queues` — the queues the rules name exist; no queue a rule can act on runs Genesys's own
 *   message inactivity timer too (two timers racing on the same chats). Needs `routing:queue:view`.
 * - `wrap-up codes` — the wrap-up codes the rules apply exist. Needs `routing:wrapupCode:view`.
 * - `messenger deployments` — when a rule can reach web messaging, every Messenger deployment
 *   shows the customer that the chat ended (`conversationDisconnect` on); otherwise the customer
 *   keeps typing into an ended chat, which Genesys re-threads. Needs
 *   `webDeployments:deployment:view` and `webDeployments:configuration:view`.
 * - `transfers` — when a rule has `action: transfer`: the OAuth client may blind-transfer (the
 *   transfer probed on random ids, never a real conversation; needs
 *   `conversation:communication:blindTransfer`, else an error at each such rule's `action`), and
 *   every queue a transfer names exists (`queue: current` needs no lookup; `routing:queue:view`).
 * - `schedule groups` — every schedule the file takes from a Genesys schedule group exists, can be
 *   read, and is interpretable (docs/genesys/facts.md §15): the service does not count silence
 *   for a rule whose schedule it cannot read, so each one that cannot is an error naming the
 *   rules it stops — a missing permission too, not a skip. Needs `routing:scheduleGroup:view` and
 *   `routing:schedule:view`.
 * Read-only but for that probe. A check whose permission the OAuth client lacks is `skipped` (naming the permission),
 * never a failure of the others; a check that could not run for another reason is `failed`.
 */

/** Names of the online checks. */
export type OrgCheckName =
  'queues' | 'wrap-up codes' | 'messenger deployments' | 'transfers' | 'schedule groups';

/** `error`/`warning`: it ran and found that; `skipped`: a permission is missing; `failed`: it could not run. */
export type OrgCheckStatus = 'ok' | 'warning' | 'error' | 'skipped' | 'failed';

/** The outcome of one online check. */
export interface OrgCheck {
  name: OrgCheckName;
  status: OrgCheckStatus;
  /** One line for humans, e.g. `skipped: needs permission routing:queue:view`. */
  detail: string;
  /** The permissions the check needs (each of them). */
  permissions: string[];
  /** When skipped: the permissions the OAuth client lacks. */
  missingPermissions?: string[];
  /** Findings, placed in the rules file where they have a place. */
  diagnostics: RulesDiagnostic[];
}

/** The rules to check: the validated config and where its paths are in the file. */
export interface CheckedRules {
  config: RulesConfig;
  locate: Locate;
}

const NEEDS: Record<OrgCheckName, GenesysOperation[]> = {
  queues: ['getRoutingQueue', 'listRoutingQueues'],
  'wrap-up codes': ['getRoutingWrapupCode'],
  'messenger deployments': ['listWebDeployments', 'getWebDeploymentConfigurationVersion'],
  transfers: ['transferMessageParticipant', 'getRoutingQueue'],
  'schedule groups': ['getArchitectScheduleGroup', 'getArchitectSchedule'],
};

/** Runs every online check, one after the other. Never throws for Genesys errors. */
export async function checkRulesOnline(
  reader: OrgReader,
  rules: CheckedRules,
): Promise<OrgCheck[]> {
  return [
    await guarded('queues', rules, () => checkQueues(reader, rules.config)),
    await guarded('wrap-up codes', rules, () => checkWrapupCodes(reader, rules.config)),
    await guarded('messenger deployments', rules, () => checkMessenger(reader, rules.config)),
    await guarded('transfers', rules, () => checkTransfers(reader, rules.config)),
    await guarded('schedule groups', rules, () => checkScheduleGroups(reader, rules.config)),
  ];
}

/** What a check body reports: a detail line and its findings. */
interface Findings {
  detail: string;
  problems: PathProblem[];
  /** Findings with no place in the file (about the org). */
  orgProblems?: RulesDiagnostic[];
  /** Permissions the OAuth client was found to lack (a finding, not a skip). */
  missingPermissions?: string[];
}

async function guarded(
  name: OrgCheckName,
  rules: CheckedRules,
  body: () => Promise<Findings>,
): Promise<OrgCheck> {
  const permissions = [...new Set(NEEDS[name].flatMap((op) => permissionsOf(op)))];
  try {
    const { detail, problems, orgProblems = [], missingPermissions } = await body();
    const diagnostics = [...placeAll(problems, rules.locate), ...orgProblems];
    const status: OrgCheckStatus = diagnostics.some((d) => d.severity === 'error')
      ? 'error'
      : diagnostics.length > 0
        ? 'warning'
        : 'ok';
    return {
      name,
      status,
      detail,
      permissions,
      ...(missingPermissions === undefined || missingPermissions.length === 0
        ? {}
        : { missingPermissions }),
      diagnostics,
    };
  } catch (thrown: unknown) {
    const error = coerceError(thrown);
    if (error instanceof GenesysApiError && error.code === 'GENESYS_FORBIDDEN') {
      const missing =
        error.missingPermissions.length > 0
          ? error.missingPermissions
          : permissionsOf(error.operation);
      return {
        name,
        status: 'skipped',
        detail: `skipped: needs permission ${missing.join(' or ')}`,
        permissions,
        missingPermissions: missing,
        diagnostics: [],
      };
    }
    const code = error instanceof GenesysApiError ? `${error.code}: ` : '';
    return {
      name,
      status: 'failed',
      detail: `${code}${error.message}`,
      permissions,
      diagnostics: [],
    };
  }
}

function permissionsOf(operation: string): string[] {
  const spec = (
    GENESYS_OPERATIONS as Record<string, { permissions: { any: string[] } | { all: string[] } }>
  )[operation];
  if (spec === undefined) {
    return [];
  }
  return 'any' in spec.permissions ? spec.permissions.any : spec.permissions.all;
}

function isNotFound(thrown: unknown): boolean {
  return thrown instanceof GenesysApiError && thrown.code === 'GENESYS_NOT_FOUND';
}

function isForbidden(thrown: unknown): boolean {
  return thrown instanceof GenesysApiError && thrown.code === 'GENESYS_FORBIDDEN';
}

async function checkQueues(reader: OrgReader, config: RulesConfig): Promise<Findings> {
  const references = queueReferences(config);
  const timed = timedRules(config);
  if (references.length === 0 && timed.length === 0) {
    return { detail: 'no enabled inactivity rule', problems: [] };
  }
  const found = new Map<string, RoutingQueue | undefined>();
  for (const queueId of new Set(references.map((r) => r.queueId))) {
    try {
      found.set(queueId, await reader.getQueue(queueId));
    } catch (thrown: unknown) {
      if (!isNotFound(thrown)) {
        throw thrown;
      }
      found.set(queueId, undefined);
    }
  }
  const problems: PathProblem[] = references
    .filter((reference) => found.get(reference.queueId) === undefined)
    .map((reference) => ({
      path: reference.path,
      severity: reference.positive ? 'error' : 'warning',
      code: 'ORG_QUEUE_NOT_FOUND',
      message: `queue ${reference.queueId} does not exist in the org (or the OAuth client's divisions do not cover it)${reference.positive ? ', so the rule never matches it' : ''}`,
    }));
  let listed: { queues: RoutingQueue[]; truncated: boolean } | undefined;
  if (timed.some((t) => t.queues === 'all')) {
    listed = await reader.listQueues();
  }
  for (const rule of timed) {
    const inScope: Array<[RoutingQueue, QueueReference | undefined]> =
      rule.queues === 'all'
        ? (listed?.queues ?? []).map((queue) => [queue, undefined])
        : rule.queues.flatMap((reference) => {
            const queue = found.get(reference.queueId);
            return queue === undefined
              ? []
              : [[queue, reference] as [RoutingQueue, QueueReference]];
          });
    for (const [queue, reference] of inScope) {
      if (racesGenesysTimer(queue, rule)) {
        problems.push({
          path: reference?.path ?? ['rules', rule.ruleIndex, 'idle'],
          severity: 'warning',
          code: 'ORG_QUEUE_TIMER_ON',
          message: timerMessage(queue, rule),
        });
      }
    }
  }
  const parts = [
    ...(found.size === 0 ? [] : [`${found.size} queue(s) named by the rules looked up`]),
    ...(listed === undefined
      ? []
      : [
          `${listed.queues.length} queue(s) listed for rules not limited to named queues${listed.truncated ? ' (Genesys has more: only these were checked)' : ''}`,
        ]),
  ];
  return { detail: parts.join('; '), problems };
}

/** Genesys's timer acts on the messaging sub-types the rule can reach. */
function racesGenesysTimer(queue: RoutingQueue, rule: TimedRule): boolean {
  const timer = queue.messageInactivityTimer;
  return timer.enabled || timer.subTypes.some((subType) => rule.messageTypes.includes(subType));
}

function timerMessage(queue: RoutingQueue, rule: TimedRule): string {
  const timer = queue.messageInactivityTimer;
  const after =
    timer.timeoutSeconds === undefined
      ? ''
      : ` after ${formatDuration(timer.timeoutSeconds * SECOND)}`;
  const scope = timer.enabled ? '' : ` for ${timer.subTypes.join(', ')}`;
  const shorter =
    timer.timeoutSeconds !== undefined &&
    rule.rule.idle.after !== undefined &&
    timer.timeoutSeconds * SECOND <= rule.rule.idle.after
      ? " Genesys's is the shorter, so it usually fires first."
      : '';
  return `queue ${JSON.stringify(queue.name ?? queue.id)} (${queue.id}) runs Genesys's own message inactivity timer${scope} (${timer.actionType ?? 'DISCONNECT'}${after}, reset by either side) on the same chats as rule ${rule.rule.id} (${describeIdleTiming(rule.rule.idle)}): two timers race on one chat.${shorter} When Genesys's fires first, the chat ends without closer's warning, closing message or audit. Turn the queue's message inactivity timeout off, or limit the rule to other queues`;
}

async function checkWrapupCodes(reader: OrgReader, config: RulesConfig): Promise<Findings> {
  const references = wrapupReferences(config);
  if (references.length === 0) {
    return { detail: 'no enabled rule applies a wrap-up code', problems: [] };
  }
  const missing = new Set<string>();
  const ids = new Set(references.map((r) => r.codeId));
  for (const codeId of ids) {
    try {
      await reader.getWrapupCode(codeId);
    } catch (thrown: unknown) {
      if (!isNotFound(thrown)) {
        throw thrown;
      }
      missing.add(codeId);
    }
  }
  return {
    detail: `${ids.size} wrap-up code(s) looked up, ${missing.size} missing`,
    problems: references
      .filter((reference) => missing.has(reference.codeId))
      .map((reference) => ({
        path: reference.path,
        severity: 'error',
        code: 'ORG_WRAPUP_CODE_NOT_FOUND',
        message: `wrap-up code ${reference.codeId} does not exist in the org (or the OAuth client's divisions do not cover it): Genesys would refuse it on every close`,
      })),
  };
}

/** Deployments in these states serve no Messenger (`WebDeployment.status`). */
const IDLE_STATUSES = new Set(['inactive', 'deleting']);

async function checkMessenger(reader: OrgReader, config: RulesConfig): Promise<Findings> {
  const rules = webMessagingRules(config);
  if (rules.length === 0) {
    return { detail: 'no enabled rule reaches web messaging', problems: [] };
  }
  const { deployments, truncated } = await reader.listWebDeployments();
  const live = deployments.filter(
    (d) => d.configuration !== undefined && !IDLE_STATUSES.has((d.status ?? '').toLowerCase()),
  );
  const orgProblems: RulesDiagnostic[] = [];
  for (const deployment of live) {
    const ref = deployment.configuration;
    if (ref === undefined) {
      continue;
    }
    const configuration = await reader.getWebDeploymentConfiguration(ref.id, ref.version);
    const serves =
      configuration.messengerEnabled !== false && configuration.conversationsEnabled !== false;
    if (serves && configuration.disconnectEnabled !== true) {
      orgProblems.push({
        severity: 'warning',
        code: 'ORG_MESSENGER_DISCONNECT_OFF',
        path: '',
        message: `Messenger deployment ${JSON.stringify(deployment.name ?? deployment.id)} (${deployment.id}) does not show customers that a chat ended (configuration ${JSON.stringify(configuration.name ?? ref.id)} version ${ref.version}: conversationDisconnect is off): after closer ends a chat (rules ${rules.join(', ')}), the customer keeps typing into it and Genesys threads the next message into the same conversation as a new episode. Turn on "Conversation disconnect" (Send or ReadOnly) in the Messenger configuration and publish it`,
      });
    }
  }
  return {
    detail: `${live.length} active Messenger deployment(s) checked${truncated ? ' (Genesys has more: only the first page was checked)' : ''}`,
    problems: [],
    orgProblems,
  };
}

/**
 * The transfer rules' needs: the permission (probed first, on random ids) and the target queues.
 * Without `routing:queue:view` the check is skipped, unless the probe already found the
 * transfer forbidden: that error is reported, with the queues left unchecked.
 */
async function checkTransfers(reader: OrgReader, config: RulesConfig): Promise<Findings> {
  const transfers = transferReferences(config);
  if (transfers.length === 0) {
    return { detail: 'no enabled rule transfers', problems: [] };
  }
  const probe = await reader.probeTransfer();
  if (probe.kind === 'inconclusive') {
    throw inconclusiveProbeError(probe, 'transferMessageParticipant');
  }
  const problems: PathProblem[] = [];
  let permission = 'transfer allowed (probed on random ids)';
  if (probe.kind === 'forbidden') {
    const needed =
      probe.error.missingPermissions.length > 0
        ? probe.error.missingPermissions
        : permissionsOf('transferMessageParticipant');
    permission = `transfer refused: needs permission ${needed.join(' or ')}`;
    for (const transfer of transfers) {
      problems.push({
        path: transfer.actionPath,
        severity: 'error',
        code: 'ORG_TRANSFER_FORBIDDEN',
        message: `rule ${transfer.ruleId} transfers, but Genesys refused the transfer (probed on random ids): the OAuth client's roles lack ${needed.join(' or ')}, so closer would send no pre-transfer message and record every transfer as failed${probe.error.fix === undefined ? '' : `. Fix: ${probe.error.fix}`}`,
      });
    }
  }
  const queueIds = [
    ...new Set(transfers.flatMap((t) => (t.queueId === undefined ? [] : [t.queueId]))),
  ];
  if (queueIds.length === 0) {
    return { detail: `${permission}; queue: current needs no lookup`, problems };
  }
  const missing = new Set<string>();
  try {
    for (const queueId of queueIds) {
      try {
        await reader.getQueue(queueId);
      } catch (thrown: unknown) {
        if (!isNotFound(thrown)) {
          throw thrown;
        }
        missing.add(queueId);
      }
    }
  } catch (thrown: unknown) {
    if (problems.length === 0 || !isForbidden(thrown)) {
      throw thrown;
    }
    return {
      detail: `${permission}; target queues not looked up (needs permission ${permissionsOf('getRoutingQueue').join(' or ')})`,
      problems,
    };
  }
  for (const transfer of transfers) {
    if (transfer.queueId !== undefined && missing.has(transfer.queueId)) {
      problems.push({
        path: transfer.targetPath,
        severity: 'error',
        code: 'ORG_TRANSFER_QUEUE_NOT_FOUND',
        message: `queue ${transfer.queueId} does not exist in the org (or the OAuth client's divisions do not cover it): Genesys would refuse every transfer of rule ${transfer.ruleId}`,
      });
    }
  }
  return {
    detail: `${permission}; ${queueIds.length} target queue(s) looked up, ${missing.size} missing`,
    problems,
  };
}

/** Reads and interprets each schedule the file takes from Genesys, as the service would. */
async function checkScheduleGroups(reader: OrgReader, config: RulesConfig): Promise<Findings> {
  const taken = Object.entries(config.schedules).flatMap(([name, spec]) =>
    isGenesysScheduleRef(spec) ? [{ name, groupId: spec.genesysScheduleGroupId }] : [],
  );
  if (taken.length === 0) {
    return { detail: 'no schedule is taken from a Genesys schedule group', problems: [] };
  }
  const problems: PathProblem[] = [];
  const missingPermissions = new Set<string>();
  for (const { name, groupId } of taken) {
    try {
      await loadScheduleGroup(reader, name, groupId);
    } catch (thrown: unknown) {
      if (!(thrown instanceof ScheduleGroupError) || thrown.code === 'SCHEDULE_GROUP_UNAVAILABLE') {
        throw thrown instanceof ScheduleGroupError && thrown.cause !== undefined
          ? thrown.cause
          : thrown;
      }
      const users = rulesDuring(config, name);
      const stopped =
        users.length === 0
          ? 'no enabled rule counts during it'
          : `rule${users.length === 1 ? '' : 's'} ${users.join(', ')} will not count silence (never fire) until it can be read`;
      const missing = thrown.details.missingPermissions;
      if (Array.isArray(missing)) {
        for (const permission of missing) {
          missingPermissions.add(String(permission));
        }
      }
      problems.push({
        path: ['schedules', name, 'genesysScheduleGroupId'],
        severity: 'error',
        code:
          thrown.code === 'SCHEDULE_GROUP_NOT_FOUND'
            ? 'ORG_SCHEDULE_GROUP_NOT_FOUND'
            : thrown.code === 'SCHEDULE_GROUP_FORBIDDEN'
              ? 'ORG_SCHEDULE_GROUP_UNREADABLE'
              : 'ORG_SCHEDULE_GROUP_UNSUPPORTED',
        message: `${thrown.message}: ${stopped}`,
      });
    }
  }
  return {
    detail: `${taken.length} schedule group(s) read, ${problems.length} cannot be used`,
    problems,
    missingPermissions: [...missingPermissions],
  };
}

/** Ids of the enabled inactivity rules counting silence during schedule `name`. */
function rulesDuring(config: RulesConfig, name: string): string[] {
  return config.rules
    .filter((rule) => rule.enabled && rule.kind === 'inactivity' && rule.idle.during === name)
    .map((rule) => rule.id);
}

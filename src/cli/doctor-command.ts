import { parseArgs } from 'node:util';
import type { GenesysClient } from '../genesys';
import { GenesysApiError, probeOperation, resolveRegion, type GenesysOperation } from '../genesys';
import { SettingsError } from '../config/settings';
import { coerceError } from '../errors';
import { maskSecrets } from '../observability/logger';
import { EXIT, type ExitCode } from './exit-codes';
import type { Command } from './output';
import { genesysFromEnv } from './genesys-from-env';
import { rulesDoctorLines } from './rules-org-checks';

/** One line of the doctor's checklist; `skip`: a check the OAuth client lacks a permission for. */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'fail' | 'warn' | 'skip';
  detail: string;
  fix?: string;
  missingPermissions?: string[];
  /** What the check found, one compiler-style line each (rules checks). */
  findings?: string[];
}

interface Probe {
  name: string;
  operation: GenesysOperation;
  why: string;
  body?: unknown;
}

/**
 * Permission probes: each calls a real operation on conversation ids that do not exist
 * (`probeOperation`, the same check the service runs before promising an end): 403 means the
 * OAuth client's roles lack the permission, 404 that it is allowed — without touching any real
 * conversation. The premise (permissions checked before existence) and division scoping are not
 * verifiable without a live org: docs/genesys/facts.md §10.
 */
const PROBES: readonly Probe[] = [
  {
    name: 'disconnect conversations',
    operation: 'disconnectMessageConversation',
    why: 'ending a conversation',
    body: { state: 'disconnected' },
  },
  {
    name: 'disconnect one participant',
    operation: 'disconnectMessageParticipant',
    why: 'ending one leg',
    body: { state: 'disconnected' },
  },
  {
    name: 'read conversations',
    operation: 'getConversation',
    why: 'finding the communication to send closing messages on',
  },
  {
    name: 'send messages',
    operation: 'sendMessage',
    why: 'closing and warning messages',
    body: { textBody: 'closer doctor probe' },
  },
  {
    name: 'apply wrap-up',
    operation: 'applyWrapup',
    why: 'wrap-up codes on closing',
    body: { code: 'closer-doctor-probe' },
  },
];

/** `closer doctor`: checks region, credentials and permissions and prints the fix for each failure. */
export const doctorCommand: Command = async (args, io) => {
  let json = false;
  try {
    json = parseArgs({ args, options: { json: { type: 'boolean', default: false } } }).values.json;
  } catch (error: unknown) {
    io.err(`${coerceError(error).message}\nusage: closer doctor [--json]`);
    return EXIT.USAGE;
  }
  const checks: DoctorCheck[] = [];
  let client: GenesysClient | undefined;
  let notificationQueues: readonly string[] = [];
  try {
    const built = genesysFromEnv(io.env);
    client = built.client;
    const genesys = built.settings.genesys;
    notificationQueues = built.settings.notificationQueues;
    const region = genesys === undefined ? undefined : resolveRegion(genesys.region);
    checks.push({
      name: 'configuration',
      status: 'ok',
      detail: `region ${region?.key ?? '?'}; API ${genesys?.apiUrl ?? region?.apiUrl ?? '?'}; login ${genesys?.loginUrl ?? region?.loginUrl ?? '?'}`,
    });
  } catch (error: unknown) {
    const problem =
      error instanceof SettingsError ? error.problems.join('; ') : coerceError(error).message;
    checks.push({
      name: 'configuration',
      status: 'fail',
      detail: problem,
      fix: 'set the variables named above (see README, Configuration)',
    });
    return finish(checks, io, json, EXIT.USAGE);
  }
  try {
    await client.getToken();
    checks.push({ name: 'credentials', status: 'ok', detail: 'client-credentials token obtained' });
  } catch (error: unknown) {
    checks.push(failure('credentials', error));
    await client.close();
    return finish(checks, io, json, EXIT.AUTH_FAILED);
  }
  try {
    const info = await client.getTokenInfo();
    const grant = info.OAuthClient?.authorizedGrantType;
    checks.push({
      name: 'token',
      status: grant === undefined || /client[-_ ]?credentials/i.test(grant) ? 'ok' : 'warn',
      detail: `organization ${JSON.stringify(info.organization?.name ?? '?')}, OAuth client ${JSON.stringify(info.OAuthClient?.name ?? '?')}, grant ${grant ?? '?'}`,
    });
  } catch (error: unknown) {
    checks.push({ ...failure('token', error), status: 'warn' });
  }
  for (const probe of PROBES) {
    checks.push(await runProbe(client, probe));
  }
  if (notificationQueues.length > 0) {
    checks.push(await checkReconciliation(client, notificationQueues));
  }
  // The org against the rules file: queues, wrap-up codes, Messenger (rules-org-checks.ts).
  checks.push(...(await rulesDoctorLines(client, io.env)));
  await client.close();
  const forbidden = checks.some(
    (c) => c.status === 'fail' && (c.missingPermissions?.length ?? 0) > 0,
  );
  const failed = checks.some((c) => c.status === 'fail');
  return finish(checks, io, json, forbidden ? EXIT.FORBIDDEN : failed ? EXIT.FAILURE : EXIT.OK);
};

async function runProbe(client: GenesysClient, probe: Probe): Promise<DoctorCheck> {
  const result = await probeOperation(client, probe.operation, probe.body);
  switch (result.kind) {
    case 'allowed':
      return { name: probe.name, status: 'ok', detail: `allowed (${probe.why})` };
    case 'forbidden':
      return failure(probe.name, result.error);
    case 'inconclusive':
      return result.error === undefined
        ? { name: probe.name, status: 'warn', detail: result.detail }
        : failure(probe.name, result.error);
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

/**
 * The WebSocket intake reconciles its gaps with the analytics activity query: a real, read-only
 * query of the followed queues (nothing is changed), so its permission shows for certain.
 */
async function checkReconciliation(
  client: GenesysClient,
  queueIds: readonly string[],
): Promise<DoctorCheck> {
  try {
    const active = await client.queryActiveConversations(queueIds);
    return {
      name: 'reconcile notification gaps',
      status: 'ok',
      detail: `activity query allowed (${active.conversations.length} active conversation(s) in the followed queues)`,
    };
  } catch (error: unknown) {
    return failure('reconcile notification gaps', error);
  }
}

function failure(name: string, thrown: unknown): DoctorCheck {
  const error = coerceError(thrown);
  if (error instanceof GenesysApiError) {
    return {
      name,
      status: 'fail',
      detail: maskSecrets(error.message),
      ...(error.fix === undefined ? {} : { fix: error.fix }),
      ...(error.code === 'GENESYS_FORBIDDEN'
        ? { missingPermissions: error.missingPermissions }
        : {}),
    };
  }
  return { name, status: 'fail', detail: maskSecrets(error.message) };
}

function finish(
  checks: DoctorCheck[],
  io: Parameters<Command>[1],
  json: boolean,
  code: ExitCode,
): ExitCode {
  if (json) {
    io.out(JSON.stringify({ ok: code === EXIT.OK, exitCode: code, checks }));
    return code;
  }
  io.out('closer doctor');
  for (const check of checks) {
    const mark = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' }[check.status];
    io.out(`  [${mark}] ${check.name}: ${check.detail}`);
    for (const finding of check.findings ?? []) {
      io.out(`         ${finding}`);
    }
    if (check.missingPermissions !== undefined && check.missingPermissions.length > 0) {
      io.out(`         missing permission(s): ${check.missingPermissions.join(', ')}`);
    }
    if (check.fix !== undefined) {
      io.out(`         fix: ${check.fix}`);
    }
  }
  io.out(code === EXIT.OK ? 'all checks passed' : `problems found (exit ${code})`);
  return code;
}

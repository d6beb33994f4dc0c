import { Command } from 'commander';
import type { GenesysClient } from '../genesys';
import {
  checkGenesysAccess,
  clientFromSettings,
  GenesysApiError,
  type AccessProbeResult,
} from '../genesys';
import { systemClock } from '../timers/clock';
import { parseSettings, SettingsError } from '../config/settings';
import { requireGenesysSettings } from '../config/genesys-settings';
import { CloserError, coerceError } from '../errors';
import { maskSecrets } from '../observability/logger';
import { EXIT, type ExitCode } from './exit-codes';
import { exitCodeForErrorCode } from './error-exit';
import type { CommandIo } from './output';
import { runs, type CliContext } from './cli-context';
import { examplesHelp, GENESYS_ENV_HELP, jsonOption } from './help-text';
import { rulesDoctorLines } from './rules-org-checks';

/** One line of the doctor's checklist; `skip`: a check the OAuth client lacks a permission for. */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'fail' | 'warn' | 'skip';
  detail: string;
  fix?: string;
  missingPermissions?: string[];
  /** Stable code of the error behind a failed check (`GENESYS_NETWORK`, …); sets the exit code. */
  code?: string;
  /** What the check found, one compiler-style line each (rules checks). */
  findings?: string[];
}

/** The options of `closer doctor`, as commander parses them. */
interface DoctorFlags {
  json?: boolean;
}

/** `closer doctor`: its options, help and action. */
export function doctorCommand(ctx: CliContext): Command {
  return new Command('doctor')
    .summary('check region, credentials and permissions')
    .description(
      "Checks the Genesys settings, the OAuth client's credentials and token, and whether its roles " +
        'allow what closer does (disconnect, read, send messages, wrap-up, and transfer when a ' +
        'rule transfers) — by probing random conversation ids, so no real conversation is ' +
        'touched — then the org against the rules file, and prints the fix for each failure. ' +
        'Exits with the code of the first failed check.',
    )
    .addOption(jsonOption())
    .addHelpText('after', GENESYS_ENV_HELP)
    .addHelpText(
      'after',
      examplesHelp([
        { command: 'closer doctor', does: 'print the checklist' },
        {
          command: 'closer doctor --json | jq \'.checks[] | select(.status == "fail")\'',
          does: 'list the failed checks of the JSON report',
        },
      ]),
    )
    .action(runs(ctx, (flags: DoctorFlags) => runDoctor(flags.json === true, ctx.io)));
}

/** Runs the checks in order and prints the checklist (or its JSON report). */
async function runDoctor(json: boolean, io: CommandIo): Promise<ExitCode> {
  const checks: DoctorCheck[] = [];
  let client: GenesysClient | undefined;
  let notificationQueues: readonly string[] = [];
  try {
    const settings = parseSettings(io.env);
    notificationQueues = settings.notificationQueues;
    client = clientFromSettings(requireGenesysSettings(settings.genesys));
    checks.push({
      name: 'configuration',
      status: 'ok',
      detail: `region ${client.region}; API ${client.apiUrl}; login ${client.loginUrl}`,
    });
  } catch (error: unknown) {
    const problem =
      error instanceof SettingsError ? error.problems.join('; ') : coerceError(error).message;
    checks.push({
      name: 'configuration',
      status: 'fail',
      detail: problem,
      fix:
        (error instanceof SettingsError ? error.fix : undefined) ??
        'set the variables named above (see README, Configuration)',
      code: error instanceof CloserError ? error.code : 'CONFIG_INVALID',
    });
    return finish(checks, io, json);
  }
  try {
    await client.getToken();
    checks.push({ name: 'credentials', status: 'ok', detail: 'client-credentials token obtained' });
  } catch (error: unknown) {
    checks.push(failure('credentials', error));
    await client.close();
    return finish(checks, io, json);
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
  // The same access check the service runs at start and periodically (one implementation).
  const access = await checkGenesysAccess(client, systemClock);
  if (access.token === 'failed') {
    checks.push(failure('credentials', access.error));
  } else {
    checks.push(...access.probes.map(probeCheck));
  }
  if (notificationQueues.length > 0) {
    checks.push(await checkReconciliation(client, notificationQueues));
  }
  // The org against the rules file: queues, wrap-up codes, Messenger, transfers (their permission
  // only when a rule transfers: rules-org-checks.ts).
  checks.push(...(await rulesDoctorLines(client, io.env)));
  await client.close();
  return finish(checks, io, json);
}

function probeCheck({ probe, result }: AccessProbeResult): DoctorCheck {
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
      code: error.code,
    };
  }
  return {
    name,
    status: 'fail',
    detail: maskSecrets(error.message),
    ...(error instanceof CloserError ? { code: error.code } : {}),
  };
}

/**
 * The doctor's exit code: that of its first failed check — checks run in dependency order, so the
 * first failure is the cause (a refused connection is TEMPORARY, as for every command; refused
 * credentials AUTH_FAILED; a missing permission FORBIDDEN). 0 when nothing failed.
 */
function exitCodeOf(checks: readonly DoctorCheck[]): ExitCode {
  const failed = checks.find((c) => c.status === 'fail');
  if (failed === undefined) {
    return EXIT.OK;
  }
  return failed.code === undefined ? EXIT.FAILURE : exitCodeForErrorCode(failed.code);
}

function finish(checks: DoctorCheck[], io: CommandIo, json: boolean): ExitCode {
  const code = exitCodeOf(checks);
  if (json) {
    io.out(JSON.stringify({ ok: code === EXIT.OK, exitCode: code, checks }));
    return code;
  }
  const style = io.outStyle;
  io.out(style.bold('closer doctor'));
  for (const check of checks) {
    const mark =
      check.status === 'ok'
        ? style.green('ok  ')
        : check.status === 'warn'
          ? style.yellow('WARN')
          : check.status === 'skip'
            ? style.yellow('SKIP')
            : style.red('FAIL');
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

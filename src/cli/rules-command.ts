import { parseArgs } from 'node:util';
import { orgReader } from '../genesys';
import type { GenesysClient } from '../genesys';
import { checkRulesFile, checkRulesOnline, diagnosticJson, formatDiagnostic } from '../rules';
import type { OrgCheck, RulesCheckResult, RulesDiagnostic } from '../rules';
import { DEFAULT_RULES_FILE } from '../config/settings';
import { coerceError } from '../errors';
import { reportError } from './error-exit';
import { EXIT, type ExitCode } from './exit-codes';
import { genesysFromEnv } from './genesys-from-env';
import type { Command, CommandIo } from './output';

const USAGE =
  'usage: closer rules check [file] [--json] [--online]   (default: $CLOSER_RULES_FILE or config/rules.yaml)';

/**
 * `closer rules check [file] [--json] [--online]`: validates a rules file. Every finding is printed
 * as compilers do, `file:line:col: severity: path: message` (on stderr; the summary on stdout), or
 * as one JSON object with `--json`. `--online` then checks the org with the Genesys credentials of
 * the environment (`checkRulesOnline`: queues, wrap-up codes, Messenger deployments); a check
 * whose permission is missing is skipped. Exit 2 when any error refuses the file (offline or
 * online), 1 when an online check could not run, else 0; credentials problems exit as `doctor`.
 */
export const rulesCommand: Command = async (args, io) => {
  let options: { file: string | undefined; json: boolean; online: boolean };
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        online: { type: 'boolean', default: false },
      },
    });
    const [sub, file, ...rest] = positionals;
    if (sub !== 'check' || rest.length > 0) {
      throw new Error(sub === undefined ? 'missing subcommand' : 'unknown arguments');
    }
    options = { file, json: values.json, online: values.online };
  } catch (error: unknown) {
    io.err(`${coerceError(error).message}\n${USAGE}`);
    return EXIT.USAGE;
  }
  const path = options.file ?? io.env.CLOSER_RULES_FILE ?? DEFAULT_RULES_FILE;
  const result = checkRulesFile(path, io.env);
  let online: OrgCheck[] | undefined;
  if (result.ok && options.online) {
    const checked = await runOnline(result.rules, io, options.json);
    if (typeof checked === 'number') {
      return checked;
    }
    online = checked;
  }
  const diagnostics = [...result.diagnostics, ...(online ?? []).flatMap((c) => c.diagnostics)];
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const code: ExitCode =
    errors > 0
      ? EXIT.USAGE
      : online?.some((c) => c.status === 'failed') === true
        ? EXIT.FAILURE
        : EXIT.OK;
  if (options.json) {
    io.out(JSON.stringify(jsonReport(path, result, diagnostics, online)));
    return code;
  }
  printText(path, result, diagnostics, online, io);
  return code;
};

/** The online checks, or the exit code when Genesys could not be reached at all. */
async function runOnline(
  rules: Extract<RulesCheckResult, { ok: true }>['rules'],
  io: CommandIo,
  json: boolean,
): Promise<OrgCheck[] | ExitCode> {
  let client: GenesysClient;
  try {
    client = genesysFromEnv(io.env).client;
  } catch (error: unknown) {
    return reportError(error, io, json);
  }
  try {
    await client.getToken();
    return await checkRulesOnline(orgReader(client), rules);
  } catch (error: unknown) {
    return reportError(error, io, json);
  } finally {
    await client.close();
  }
}

function jsonReport(
  path: string,
  result: RulesCheckResult,
  diagnostics: readonly RulesDiagnostic[],
  online: readonly OrgCheck[] | undefined,
): Record<string, unknown> {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    file: path,
    valid: errors === 0,
    errors,
    warnings: diagnostics.length - errors,
    diagnostics: diagnostics.map((d) => diagnosticJson(path, d)),
    ...(result.ok
      ? {
          rules: result.summary.rules,
          enabled: result.summary.enabled,
          dryRun: result.summary.dryRun,
          hash: result.summary.hash,
        }
      : {}),
    ...(online === undefined
      ? {}
      : {
          online: online.map(({ diagnostics: _found, ...check }) => check),
        }),
  };
}

function printText(
  path: string,
  result: RulesCheckResult,
  diagnostics: readonly RulesDiagnostic[],
  online: readonly OrgCheck[] | undefined,
  io: CommandIo,
): void {
  for (const diagnostic of diagnostics) {
    io.err(formatDiagnostic(path, diagnostic));
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  for (const check of online ?? []) {
    // A skipped check's detail already says so: `skipped: needs permission routing:queue:view`.
    const what = check.status === 'skipped' ? check.detail : `${check.status} — ${check.detail}`;
    io.out(`online check ${check.name}: ${what}`);
  }
  if (!result.ok || errors > 0) {
    io.err(`${path}: refused — ${errors} error(s), ${warnings} warning(s)`);
    return;
  }
  const { summary } = result;
  io.out(
    `${path}: valid — ${summary.rules} rule(s), ${summary.enabled} enabled${summary.dryRun ? ', dry run' : ''}${warnings > 0 ? `, ${warnings} warning(s)` : ''}`,
  );
  for (const line of summary.lines) {
    io.out(`  ${line}`);
  }
}

import { Command } from 'commander';
import { clientFromSettings, orgReader } from '../genesys';
import type { GenesysClient } from '../genesys';
import { checkRulesFile, checkRulesOnline, diagnosticJson, formatDiagnostic } from '../rules';
import type { OrgCheck, RulesCheckResult, RulesDiagnostic } from '../rules';
import { DEFAULT_RULES_FILE, parseSettings } from '../config/settings';
import { requireGenesysSettings } from '../config/genesys-settings';
import { EXIT, type ExitCode } from './exit-codes';
import type { CommandIo } from './output';
import { runs, type CliContext } from './cli-context';
import { examplesHelp, GENESYS_ENV_HELP, jsonOption } from './help-text';
import { reportError } from './report-error';
import { rulesTestCommand } from './rules-test-command';
import { rulesPreviewCommand } from './rules-preview-command';

/**
 * `closer rules …`: the rules-file commands. To add one: write a factory like
 * {@link rulesCheckCommand} — options, help with examples, `.action(runs(ctx, body))`, in its own
 * file once it grows — and add it below; help, suggestions and `--json` errors come with it.
 */
export function rulesCommand(ctx: CliContext): Command {
  return new Command('rules')
    .summary('work with rules files')
    .description('Commands for rules files (see README, The rules file).')
    .addHelpText(
      'after',
      examplesHelp([
        { command: 'closer rules check config/rules.yaml', does: 'validate a rules file' },
        {
          command: 'closer rules test --source crm ticket.json',
          does: "which rules match this webhook body, and why the others don't",
        },
        {
          command: 'closer rules preview new-rules.yaml',
          does: 'which tracked conversations the new rules would warn or close, and when',
        },
      ]),
    )
    .addCommand(rulesCheckCommand(ctx))
    .addCommand(rulesTestCommand(ctx))
    .addCommand(rulesPreviewCommand(ctx));
}

/** The options of `closer rules check`, as commander parses them. */
interface RulesCheckFlags {
  json?: boolean;
  online?: boolean;
}

/** `closer rules check [file]`: its arguments, options, help and action. */
export function rulesCheckCommand(ctx: CliContext): Command {
  return new Command('check')
    .summary('validate a rules file')
    .description(
      'Validates a rules file without starting anything, refusing rules that can never fire: one ' +
        '`file:line:col: severity: path: message` line per finding on stderr, the summary on ' +
        'stdout. --online then checks the org with the Genesys credentials of the environment ' +
        '(queues, wrap-up codes, Messenger deployments; a check whose permission is missing is ' +
        'skipped). Exit 2 when an error refuses the file, 1 when an online check could not run, ' +
        'else 0.',
    )
    .argument('[file]', `rules file (default: $CLOSER_RULES_FILE, else ${DEFAULT_RULES_FILE})`)
    .option('--online', 'also check the org: queues, wrap-up codes, Messenger deployments')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `${examplesHelp([
        {
          command: 'closer rules check',
          does: `validate $CLOSER_RULES_FILE or ${DEFAULT_RULES_FILE}`,
        },
        {
          command: 'closer rules check config/rules.yaml --json',
          does: 'the findings as JSON: {"ok","path","errors","warnings","diagnostics":[…],…}',
        },
        {
          command: 'closer rules check --online',
          does: 'and check the org the rules name (needs the Genesys variables)',
        },
      ])}\n${GENESYS_ENV_HELP}`,
    )
    .action(
      runs(ctx, (file: string | undefined, flags: RulesCheckFlags) =>
        checkRules(file, flags, ctx.io),
      ),
    );
}

/** Validates the file (and, with --online, the org); exit 2 when an error refuses it. */
async function checkRules(
  file: string | undefined,
  flags: RulesCheckFlags,
  io: CommandIo,
): Promise<ExitCode> {
  const json = flags.json === true;
  const path = file ?? io.env.CLOSER_RULES_FILE ?? DEFAULT_RULES_FILE;
  const result = checkRulesFile(path, io.env);
  let online: OrgCheck[] | undefined;
  if (result.ok && flags.online === true) {
    const checked = await runOnline(result.rules, io, json);
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
  if (json) {
    io.out(JSON.stringify(jsonReport(path, result, diagnostics, online)));
    return code;
  }
  printText(path, result, diagnostics, online, io);
  return code;
}

/** The online checks, or the exit code when Genesys could not be reached at all. */
async function runOnline(
  rules: Extract<RulesCheckResult, { ok: true }>['rules'],
  io: CommandIo,
  json: boolean,
): Promise<OrgCheck[] | ExitCode> {
  let client: GenesysClient;
  try {
    client = clientFromSettings(requireGenesysSettings(parseSettings(io.env).genesys));
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
    ok: errors === 0,
    path,
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

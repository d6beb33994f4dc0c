import { Command } from 'commander';
import { checkRulesFile } from '../rules';
import { DEFAULT_RULES_FILE } from '../config/settings';
import { EXIT, type ExitCode } from './exit-codes';
import type { CommandIo } from './output';
import { runs, type CliContext } from './cli-context';
import { examplesHelp, jsonOption } from './help-text';
import { rulesTestCommand } from './rules-test-command';

/**
 * `closer rules …`: the rules-file commands. To add one (`rules test`, …): write a factory like
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
      ]),
    )
    .addCommand(rulesCheckCommand(ctx))
    .addCommand(rulesTestCommand(ctx));
}

/** The options of `closer rules check`, as commander parses them. */
interface RulesCheckFlags {
  json?: boolean;
}

/** `closer rules check [file]`: its arguments, options, help and action. */
export function rulesCheckCommand(ctx: CliContext): Command {
  return new Command('check')
    .summary('validate a rules file')
    .description(
      'Validates a rules file without starting anything: one line per problem, with its place in ' +
        'the file (exit 2), or a summary of the rules and warnings (exit 0).',
    )
    .argument('[file]', `rules file (default: $CLOSER_RULES_FILE, else ${DEFAULT_RULES_FILE})`)
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examplesHelp([
        {
          command: 'closer rules check',
          does: `validate $CLOSER_RULES_FILE or ${DEFAULT_RULES_FILE}`,
        },
        {
          command: 'closer rules check config/rules.yaml --json',
          does: 'the verdict as JSON: {"ok":true,"path",…} or {"ok":false,"path","problems":[…]}',
        },
      ]),
    )
    .action(
      runs(ctx, (file: string | undefined, flags: RulesCheckFlags) =>
        checkRules(file, flags.json === true, ctx.io),
      ),
    );
}

/** Validates the file; exit 2 with one line per problem. */
function checkRules(file: string | undefined, json: boolean, io: CommandIo): ExitCode {
  const path = file ?? io.env.CLOSER_RULES_FILE ?? DEFAULT_RULES_FILE;
  const result = checkRulesFile(path, io.env);
  if (json) {
    io.out(
      JSON.stringify(
        result.ok
          ? { ok: true, ...result.summary }
          : { ok: false, path, problems: result.problems },
      ),
    );
    return result.ok ? EXIT.OK : EXIT.USAGE;
  }
  if (result.ok) {
    io.out(
      `${path}: valid — ${result.summary.rules} rule(s), ${result.summary.enabled} enabled${result.summary.dryRun ? ', dry run' : ''}`,
    );
    for (const line of result.summary.lines) {
      io.out(`  ${line}`);
    }
    for (const warning of result.summary.warnings) {
      io.err(`  ${io.errStyle.yellow('warning')}: ${warning}`);
    }
    return EXIT.OK;
  }
  io.err(`${path}: ${result.problems.length} problem(s)`);
  for (const problem of result.problems) {
    io.err(`  ${problem}`);
  }
  return EXIT.USAGE;
}

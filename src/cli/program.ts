import { Command, type CommanderError } from 'commander';
import { EXIT, exitCodeTable } from './exit-codes';
import type { CliContext } from './cli-context';
import { examplesHelp } from './help-text';
import { usageErrorFromCommander } from './usage-error';
import { closerVersion } from './version';
import { serveCommand } from './serve-command';
import { terminateCommand } from './terminate-command';
import { doctorCommand } from './doctor-command';
import { simulatorCommand } from './simulator-command';
import { rulesCommand } from './rules-command';
import { webhooksCommand } from './webhooks-command';
import { outcomesCommand } from './outcomes-command';

/**
 * The `closer` command tree. A new top-level command is one `.addCommand(xCommand(ctx))` here;
 * a subcommand is added by its group (see rules-command.ts). Help, "did you mean", `--version`
 * and usage errors are configured for the whole tree by {@link configureTree}.
 */
export function closerProgram(ctx: CliContext): Command {
  const program = new Command('closer')
    .description('closer — ends Genesys Cloud conversations automatically and correctly')
    .version(closerVersion(), '-V, --version', "print closer's version")
    .addCommand(serveCommand(ctx))
    .addCommand(terminateCommand(ctx))
    .addCommand(doctorCommand(ctx))
    .addCommand(simulatorCommand(ctx))
    .addCommand(rulesCommand(ctx))
    .addCommand(webhooksCommand(ctx))
    .addCommand(outcomesCommand(ctx))
    .addHelpText(
      'after',
      [
        '',
        'Every command has --help (or: closer help <command>). With --json a command prints one',
        'JSON document on stdout — its result, or {"error":{"code","message","hint"}} — even for',
        'usage errors; human-readable errors and warnings go to stderr.',
        '',
        'Exit codes:',
        ...exitCodeTable(),
        examplesHelp([
          { command: 'closer doctor', does: 'check region, credentials and permissions first' },
          {
            command: 'closer terminate 3f2c9a1e-… --message "We closed this chat." --json',
            does: 'end one conversation',
          },
          { command: 'closer help rules check', does: 'how to validate a rules file' },
        ]),
      ].join('\n'),
    );
  configureTree(program, ctx);
  return program;
}

/**
 * Applies to every command of the tree what commander keeps per command: errors thrown instead of
 * `process.exit` (a usage error becomes a {@link UsageError} naming the command; help and version
 * pass through as they are), output through the injected streams with their colour decision, and
 * help titles in bold. Commander's own error line is suppressed: report-error.ts prints it.
 */
function configureTree(command: Command, ctx: CliContext): void {
  const { io } = ctx;
  command
    .exitOverride((error: CommanderError) => {
      if (error.exitCode === EXIT.OK || error.code === 'commander.help') {
        throw error;
      }
      throw usageErrorFromCommander(error, commandPath(command));
    })
    .configureOutput({
      writeOut: (text) => {
        io.out(text.replace(/\n$/, ''));
      },
      writeErr: (text) => {
        io.err(text.replace(/\n$/, ''));
      },
      outputError: () => undefined,
      getOutHasColors: () => io.outStyle.enabled,
      getErrHasColors: () => io.errStyle.enabled,
    })
    .configureHelp({ styleTitle: (title) => io.outStyle.bold(title) });
  for (const sub of command.commands) {
    configureTree(sub, ctx);
  }
}

/** `closer rules check` for the `check` command: what the user types to reach it. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) {
    names.unshift(at.name());
  }
  return names.join(' ');
}

import { CommanderError, type Command } from 'commander';
import { EXIT, type ExitCode } from './exit-codes';
import type { CliContext } from './cli-context';
import type { CommandIo } from './output';
import { closerProgram } from './program';
import { reportError } from './report-error';

/**
 * Runs the `closer` command line `argv` (without node and the script) and resolves with its exit
 * code; never rejects. Help and `--version` exit 0 having started nothing; a usage error exits 2,
 * as JSON when `--json` appears on the line (before `--`) even though parsing failed.
 */
export async function runCli(argv: readonly string[], io: CommandIo): Promise<ExitCode> {
  const ctx: CliContext = { io, exitCode: EXIT.OK };
  const json = jsonRequested(argv);
  try {
    const program = closerProgram(ctx);
    await program.parseAsync(helpCommandAsOption(program, argv), { from: 'user' });
    return ctx.exitCode;
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      // Help or version (printed already), or help shown because a subcommand was missing.
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    return reportError(error, io, json);
  }
}

/** Whether `--json` is on the command line, read before parsing so usage errors honour it. */
function jsonRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * `closer help rules check` → `closer rules check --help`: commander's help command reaches one
 * level only and shows the top-level help for a name it does not know. An unknown name is run
 * without `--help` instead, so commander reports it with "did you mean" like any other.
 */
function helpCommandAsOption(program: Command, argv: readonly string[]): string[] {
  const [first, ...names] = argv;
  if (first !== 'help' || names.length === 0) {
    return [...argv];
  }
  const path: string[] = [];
  let command = program;
  for (const name of names) {
    if (command.commands.length === 0) {
      break; // A leaf command: the rest would be its arguments.
    }
    path.push(name);
    const sub = command.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (sub === undefined) {
      return path;
    }
    command = sub;
  }
  return [...path, '--help'];
}

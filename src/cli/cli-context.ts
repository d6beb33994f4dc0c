import type { ExitCode } from './exit-codes';
import type { CommandIo } from './output';

/**
 * What every command factory receives: where to write, and where its action leaves the exit code
 * (commander ignores what an action returns). One per CLI run; `exitCode` starts at 0.
 */
export interface CliContext {
  readonly io: CommandIo;
  exitCode: ExitCode;
}

/**
 * Makes a commander action of a command body that resolves to its exit code:
 * `.action(runs(ctx, (id: string, flags: Flags) => …))`. Commander calls it with the arguments in
 * declaration order, then the options object. A body may also throw: the runner prints the error
 * (JSON with `--json`) and exits with its code (error-exit.ts).
 */
export function runs<Args extends unknown[]>(
  ctx: CliContext,
  body: (...args: Args) => ExitCode | Promise<ExitCode>,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    ctx.exitCode = await body(...args);
  };
}

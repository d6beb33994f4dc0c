import type { ExitCode } from './exit-codes';

/** Where a command writes: stdout for results, stderr for problems. Injected for tests. */
export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Every command resolves to an exit code; `main` does the `process.exit`. */
export type Command = (args: string[], io: CommandIo) => Promise<ExitCode>;

export const processIo: CommandIo = {
  out: (line) => {
    process.stdout.write(`${line}\n`);
  },
  err: (line) => {
    process.stderr.write(`${line}\n`);
  },
  env: process.env,
};

/**
 * Test helper: runs the built `closer` CLI (dist/cli/main.js) as a child process — asynchronously,
 * so a simulator living in the test process keeps serving while it runs.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** The repository root (the CLI runs with it as cwd). */
export const ROOT = resolve(__dirname, '../..');

/** The built CLI; `npm run build` makes it (npm test does). */
export const CLI = join(ROOT, 'dist/cli/main.js');

/** What one CLI run produced. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Fails fast with the fix when dist/ has not been built. */
export function assertBuilt(): void {
  if (!existsSync(CLI)) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  }
}

/**
 * Runs `node <script> …args` with only PATH and `env` in its environment (no colour or Genesys
 * settings leak in from the developer's shell). A run still going after `timeoutMs` (default
 * 30 s) is killed and reported with code -1.
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  options: { timeoutMs?: number; script?: string } = {},
): Promise<CliRun> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [options.script ?? CLI, ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
        timeout: options.timeoutMs ?? 30_000,
      },
      (error, stdout, stderr) => {
        const code =
          error === null ? 0 : error.killed ? -1 : typeof error.code === 'number' ? error.code : 1;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

/** A loopback port nothing listens on (bound, then closed): connections to it are refused. */
export function closedLoopbackPort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolvePromise(port);
      });
    });
  });
}

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (dist/main.js is run from here). */
export const ROOT = resolve(__dirname, '../..');

/** A `node dist/main.js` child process and where it listens. */
export interface ServiceProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
}

/** Fails clearly when the build is missing (npm test builds before jest). */
export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  }
}

/** Starts `node dist/main.js` with `env` and resolves once it logs its port. */
export function startService(env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/main.js')], { cwd: ROOT, env });
  let output = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`closer did not start:\n${output}`));
    }, timeoutMs);
    let listening = false;
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (listening) {
        // Scanning the whole output again on every chunk is quadratic (a regex flattens it).
        return;
      }
      const match = /"message":"closer listening"[^\n]*"port":(\d+)/.exec(output);
      if (match?.[1] !== undefined) {
        listening = true;
        clearTimeout(timer);
        done({ child, url: `http://127.0.0.1:${match[1]}`, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
}

/** Polls `check` every 50 ms of real time until it holds; fails naming `what` after `ms`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends `signal` and resolves once the process has exited (at once if it already had). */
export function killed(
  child: ChildProcessWithoutNullStreams,
  signal: NodeJS.Signals,
): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      done();
      return;
    }
    child.on('exit', () => {
      done();
    });
    child.kill(signal);
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/main.js');

/** A `node dist/main.js` child: its output so far, and a promise of its exit. */
export interface ServiceProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** Resolves with the port once closer logged `closer listening` (needs CLOSER_LOG_LEVEL=info). */
  listening(timeoutMs?: number): Promise<number>;
  stop(): Promise<number | null>;
}

/** Starts closer's service as its own process, as a user would (`node dist/main.js`). */
export function startService(env: Record<string, string>): ServiceProcess {
  if (!existsSync(MAIN)) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  }
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', CLOSER_LOG_LEVEL: 'info', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', done));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exited.then(() => {
    clearTimeout(killer);
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async listening(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      // Bounded poll of the child's own log.
      while (Date.now() < deadline) {
        const match =
          /"message":"closer listening"[^\n]*"port":(\d+)|"port":(\d+)[^\n]*"message":"closer listening"/.exec(
            out,
          );
        if (match !== null) {
          return Number(match[1] ?? match[2]);
        }
        if (child.exitCode !== null) {
          throw new Error(`closer exited (${child.exitCode}): ${err}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`closer did not listen within ${timeoutMs} ms: ${err}`);
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
      }
      return exited;
    },
  };
}

/** Polls `probe` until it returns a value (bounded). */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Servers under test, each in a child process of its own (bench/intake-server.mjs), so that the
// load generator in the bench's process does not take the server's CPU.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, URL } from 'node:url';
import { fetch } from 'undici';

const SERVER = fileURLToPath(new URL('../intake-server.mjs', import.meta.url));

/**
 * Starts `kind` ('bare' | 'closer') in a child process; `args` are intake-server.mjs's options
 * (`{ background: 'true', rules: 'quiet', … }`), `profileDir` runs it under --cpu-prof. Resolves
 * `{ port, pid, cpuMicros(), stop() }`.
 */
export async function startChild(kind, args = {}, { profileDir } = {}) {
  const argv = ['--kind', kind];
  for (const [key, value] of Object.entries(args)) {
    if (value !== undefined) {
      argv.push(`--${key}`, String(value));
    }
  }
  const child = fork(SERVER, argv, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  const [ready] = await once(child, 'message');
  return {
    port: ready.port,
    pid: child.pid,
    async cpuMicros() {
      child.send('cpu');
      const [reply] = await once(child, 'message');
      return reply.cpuMicros;
    },
    async stop() {
      child.send('stop');
      const [stopped] = await once(child, 'message');
      await once(child, 'exit');
      return stopped;
    },
  };
}

/** closer's `closer_inbox_pending` gauge (events stored, not processed yet) from GET /metrics. */
export async function inboxBacklog(port) {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await response.text();
  const match = /^closer_inbox_pending (\d+(?:\.\d+)?)$/m.exec(text);
  return match === null ? Number.NaN : Number(match[1]);
}

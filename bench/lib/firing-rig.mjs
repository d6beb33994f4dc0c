// The firing benchmarks' rig: closer (rules preset `quiet`: an agent-phase silence of 10 s ends
// the conversation, no closing message) and the Genesys simulator, each in a child process; the
// simulator delivers every conversation change to closer's EventBridge intake.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, URL } from 'node:url';
import { API_KEY } from '../intake-server.mjs';
import { startChild } from './servers.mjs';

/** The rule's idle time (bench/intake-server.mjs `quiet` preset; `quiet30`: 30 s). */
export const IDLE_MS = 10_000;

const SIMULATOR = fileURLToPath(new URL('./simulator-process.mjs', import.meta.url));

/**
 * Starts the simulator (`rateLimit`: "requests/windowSeconds") and closer
 * (`requestsPerSecond`: GENESYS_REQUESTS_PER_SECOND; `databaseUrl`: its store, default a fresh
 * SQLite file), then points the simulator's event delivery
 * at closer. Resolves { sim(cmd, args), closerPort, closer, stop() }.
 */
export async function startRig({
  rateLimit,
  requestsPerSecond,
  maxConcurrency,
  profileDir,
  rules = 'quiet',
  databaseUrl,
  firingConcurrency,
}) {
  const simChild = fork(SIMULATOR, rateLimit === undefined ? [] : ['--rate-limit', rateLimit], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}/sim`],
  });
  const [ready] = await once(simChild, 'message');
  let next = 0;
  const pending = new Map();
  simChild.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (waiter !== undefined) {
      pending.delete(message.id);
      if (message.error === undefined) {
        waiter.resolve(message);
      } else {
        waiter.reject(new Error(message.error));
      }
    }
  });
  const sim = (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      next += 1;
      pending.set(next, { resolve, reject });
      simChild.send({ id: next, cmd, ...args });
    });
  const closer = await startChild(
    'closer',
    {
      background: 'true',
      rules,
      'genesys-url': ready.url,
      'client-id': ready.clientId,
      'client-secret': ready.clientSecret,
      'requests-per-second': requestsPerSecond,
      'max-concurrency': maxConcurrency,
      database: databaseUrl,
      'firing-concurrency': firingConcurrency,
    },
    profileDir === undefined ? {} : { profileDir: `${profileDir}/closer` },
  );
  await sim('target', { url: `http://127.0.0.1:${closer.port}/events/eventbridge`, key: API_KEY });
  return {
    sim,
    closerPort: closer.port,
    closer,
    async stop() {
      await closer.stop();
      await sim('stop');
      await once(simChild, 'exit');
    },
  };
}

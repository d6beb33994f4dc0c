// One server under test for bench/intake.mjs: a bare Express app or closer's intake.
//
// Run as a child process (bench/intake.mjs forks it with an IPC channel) so that the load
// generator and the server do not share one event loop: on a 2-core machine autocannon in the
// server's process takes CPU from the server and caps both apps at the generator's speed, which
// squeezes the ratio towards 1 and inflates p99. `startServer` is also exported for
// `--same-process` runs that show that distortion.
//
// IPC protocol: the child sends {ready, port}; 'cpu' → {cpuMicros} (user + system CPU time used by
// the process so far); 'stop' → {stopped, stored, pending} (events in the store — SQLite only —,
// events the inbox processor has not handled yet), then the child exits. `--database URL` runs
// closer on that database (bench/replicas.mjs: PostgreSQL, several servers on one database).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import express from 'express';
import Database from 'better-sqlite3';
import { GenesysClient } from '../dist/index.js';
import { createCloser } from '../dist/service/index.js';
import { createLogger } from '../dist/observability/logger.js';
import { openStore } from '../dist/store/index.js';

/** The API key the bench's requests carry. */
export const API_KEY = 'bench-key-0123456789abcdef';

// The production rules shape: an inactivity rule matching the bench's web messaging events, so with
// `background: true` the inbox processor does the real per-event work (state + timer arming).
const RULES = `sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: BENCH_KEY } }
rules:
  - id: idle-web-customer
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 20m }
    close: { message: closed after 20 minutes }
`;

// The firing benchmarks (bench/timers.mjs lag, bench/budget.mjs): conversations are created in the
// queue phase and answered by an agent; from then on nobody writes, so the agent-phase silence
// counts from the answer (the agent leg's start) and the timer is due exactly IDLE later. 10 s is
// the shortest idle a rules file accepts (src/rules/rule-limits.ts). No closing message: an
// ending is the live read and the disconnect.
const QUIET_RULES = `sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: BENCH_KEY } }
rules:
  - id: quiet-agent-phase
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 10s, while: [agent] }
    close: {}
`;

/** Rules presets by name (`--rules`); `quiet30`: the same with 30 s of silence. */
export const RULES_PRESETS = {
  intake: RULES,
  quiet: QUIET_RULES,
  quiet30: QUIET_RULES.replace('after: 10s', 'after: 30s'),
};

/** The bearer token of closer's /v1 API in the benches. */
export const API_TOKEN = 'bench-api-token-0123456789abcdef';

function listen(app) {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Starts `kind` ('bare' | 'closer') on 127.0.0.1 port 0. closer runs as the service does: JSON
 * logger at `info` (output discarded), Prometheus metrics, `background` as given (the service
 * default is true: the inbox processor drains after each accepted request).
 */
export async function startServer(
  kind,
  {
    background = true,
    databaseUrl,
    rules = 'intake',
    genesys: genesysOptions,
    firingConcurrency,
    thread = true,
  } = {},
) {
  if (kind === 'bare') {
    const app = express();
    app.post('/events/eventbridge', express.json({ limit: '1mb' }), (_req, res) => {
      res.status(202).json({ accepted: 1 });
    });
    const server = await listen(app);
    return {
      port: server.address().port,
      async stop() {
        server.closeAllConnections();
        server.close();
        return { stored: 0, pending: 0 };
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'closer-bench-'));
  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, RULES_PRESETS[rules]);
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const logger = createLogger({ level: 'info', stream: sink });
  // `databaseUrl` (a PostgreSQL database, for bench/replicas.mjs) or a fresh SQLite file.
  const url = databaseUrl ?? `sqlite:${join(dir, 'bench.db')}`;
  const store = await openStore(url, { logger });
  // `genesys`: {url, clientId, clientSecret, requestsPerSecond} of a simulator (the firing
  // benchmarks); otherwise an address nothing listens on (intake never calls Genesys).
  const genesys = new GenesysClient({
    clientId: genesysOptions?.clientId ?? 'unused',
    clientSecret: genesysOptions?.clientSecret ?? 'unused',
    apiUrl: genesysOptions?.url ?? 'http://127.0.0.1:9',
    loginUrl: genesysOptions?.url ?? 'http://127.0.0.1:9',
    ...(genesysOptions?.requestsPerSecond === undefined
      ? {}
      : { requestsPerSecond: genesysOptions.requestsPerSecond }),
    ...(genesysOptions?.maxConcurrency === undefined
      ? {}
      : { maxConcurrency: genesysOptions.maxConcurrency }),
    logger,
  });
  const closer = createCloser({
    store,
    rulesFile,
    genesys,
    logger,
    env: { BENCH_KEY: API_KEY },
    apiToken: API_TOKEN,
    watchRules: false,
    background,
    ...(firingConcurrency === undefined ? {} : { firingConcurrency }),
    // As the service runs by default (CLOSER_PROCESSING_THREAD=on): processing on a worker thread.
    ...(thread ? { processingThread: { databaseUrl: url } } : {}),
  });
  const server = await listen(closer.app);
  return {
    port: server.address().port,
    async stop() {
      server.closeAllConnections();
      server.close();
      const pending = await store.countPendingEvents();
      // Not closer.stop(): it drains the inbox, which is not part of what was measured.
      closer.rules.stop();
      await closer.inbox.stop();
      await closer.scheduler.stop();
      await genesys.close();
      await store.close();
      let stored;
      if (databaseUrl === undefined) {
        const db = new Database(join(dir, 'bench.db'), { readonly: true });
        stored = db.prepare('SELECT count(*) FROM inbox_events').pluck().get();
        db.close();
      }
      rmSync(dir, { recursive: true, force: true });
      return { stored, pending };
    },
  };
}

if (process.send !== undefined && process.argv[1]?.endsWith('intake-server.mjs')) {
  const { values } = parseArgs({
    options: {
      kind: { type: 'string', default: 'closer' },
      background: { type: 'string', default: 'true' },
      database: { type: 'string' },
      rules: { type: 'string', default: 'intake' },
      'genesys-url': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'requests-per-second': { type: 'string' },
      'max-concurrency': { type: 'string' },
      'firing-concurrency': { type: 'string' },
      thread: { type: 'string', default: 'true' },
    },
  });
  const running = await startServer(values.kind, {
    background: values.background === 'true',
    thread: values.thread === 'true',
    databaseUrl: values.database,
    rules: values.rules,
    firingConcurrency:
      values['firing-concurrency'] === undefined ? undefined : Number(values['firing-concurrency']),
    genesys:
      values['genesys-url'] === undefined
        ? undefined
        : {
            url: values['genesys-url'],
            clientId: values['client-id'],
            clientSecret: values['client-secret'],
            requestsPerSecond:
              values['requests-per-second'] === undefined
                ? undefined
                : Number(values['requests-per-second']),
            maxConcurrency:
              values['max-concurrency'] === undefined
                ? undefined
                : Number(values['max-concurrency']),
          },
  });
  process.on('message', (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send({ cpuMicros: user + system });
    } else if (message === 'stop') {
      running.stop().then(
        (result) => process.send({ stopped: true, ...result }, () => process.exit(0)),
        (error) => {
          console.error(error);
          process.exit(1);
        },
      );
    }
  });
  process.send({ ready: true, port: running.port });
}

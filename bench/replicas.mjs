// Intake and timer throughput on PostgreSQL — one replica and three — beside SQLite, in one run.
//
//   npm run build && scripts/with-postgres node bench/replicas.mjs
//   node bench/replicas.mjs [--rounds 2] [--seconds 6] [--warmup 2] [--connections 48]
//                           [--timers 20000]            (with CLOSER_TEST_DATABASE_URL set)
//
// Intake (max throughput, autocannon closed loop, `connections` requests in flight in total):
//   - closer on SQLite, one process (the default deployment): the baseline of each round;
//   - closer on PostgreSQL, one replica;
//   - closer on PostgreSQL, three replicas (three processes, one database), the connections split
//     evenly across them as a balancer would, their requests/s summed.
// Each server runs in a child process (bench/intake-server.mjs, background processing on, as the
// service runs), each PostgreSQL measurement on a fresh database. After each PostgreSQL run the
// bench counts the stored events: every 2xx must be in the database.
//
// Timers (in this process, `--timers` timers due at once, claimed 50 at a time and completed):
//   - arming: upsertTimer, one commit each;
//   - claim + complete: one store on SQLite, one on PostgreSQL, and three PostgreSQL stores
//     claiming concurrently (three replicas' schedulers on one database; each timer must be
//     claimed exactly once).
//
// Ratios are against the SQLite figure of the same round; absolute numbers depend on the machine.
// Loopback only; every run is bounded by --seconds / --timers.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { parseArgs } from 'node:util';
import console from 'node:console';
import process from 'node:process';
import { envelope } from './envelope.mjs';
import autocannon from 'autocannon';
import { openStore } from '../dist/store/index.js';
import { API_KEY } from './intake-server.mjs';
import { createDatabase as createPostgresDatabase, postgresServerUrl } from './postgres.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '48' },
    rounds: { type: 'string', default: '2' },
    timers: { type: 'string', default: '20000' },
  },
});
const seconds = Math.min(60, Number(values.seconds));
const warmup = Math.min(10, Number(values.warmup));
const connections = Math.max(3, Number(values.connections));
const rounds = Math.min(5, Math.max(1, Number(values.rounds)));
const timerCount = Math.min(200_000, Math.max(100, Number(values.timers)));
const serverUrl = postgresServerUrl('bench/replicas.mjs');
const createDatabase = () => createPostgresDatabase(serverUrl);

/** closer (background processing on) in a child process, on `databaseUrl` or a SQLite file. */
async function startServer(databaseUrl) {
  const child = fork(
    fileURLToPath(new URL('./intake-server.mjs', import.meta.url)),
    [
      '--kind',
      'closer',
      '--background',
      'true',
      ...(databaseUrl ? ['--database', databaseUrl] : []),
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const [ready] = await once(child, 'message');
  return {
    port: ready.port,
    async stop() {
      child.send('stop');
      const [stopped] = await once(child, 'message');
      await once(child, 'exit');
      return stopped;
    },
  };
}

/** autocannon against each port at once, `connections` split evenly; requests/s summed. */
async function load(ports, duration) {
  const results = await Promise.all(
    ports.map((port) =>
      autocannon({
        url: `http://127.0.0.1:${port}/events/eventbridge`,
        method: 'POST',
        connections: Math.floor(connections / ports.length),
        duration,
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        requests: [{ setupRequest: (req) => ({ ...req, body: envelope() }) }],
      }),
    ),
  );
  return {
    rps: results.reduce((sum, r) => sum + r.requests.average, 0),
    ok: results.reduce((sum, r) => sum + r['2xx'], 0),
    failed: results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
  };
}

/** One intake measurement: `replicas` servers (0 = SQLite, one process). */
async function measureIntake(replicas) {
  const database = replicas === 0 ? undefined : await createDatabase();
  const servers = await Promise.all(
    Array.from({ length: Math.max(1, replicas) }, () => startServer(database?.url)),
  );
  try {
    const ports = servers.map((s) => s.port);
    const warm = warmup > 0 ? await load(ports, warmup) : { ok: 0 };
    const result = await load(ports, seconds);
    // Every acknowledged request, warm-up included, must be stored.
    result.acknowledged = warm.ok + result.ok;
    await Promise.all(servers.map((s) => s.stop()));
    servers.length = 0;
    if (database !== undefined) {
      result.stored = await database.count('SELECT count(*) AS n FROM inbox_events');
    }
    return result;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const rate = (n, ms) => Math.round((n / ms) * 1000);
const fmt = (perSecond) => `${Math.round(perSecond).toLocaleString('en-US')}/s`;
const elapsed = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const T0 = Date.UTC(2026, 0, 1);

/** Arms `timerCount` timers due at T0 (one commit each); returns arms per second. */
async function arm(store) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < timerCount; i += 1) {
    await store.upsertTimer(
      { conversationId: `conv-${i}`, ruleId: 'idle', phase: 'close', dueAt: T0 + (i % 1000) },
      T0,
    );
  }
  return rate(timerCount, elapsed(start));
}

/** Claims (50 at a time) and completes every timer with each store at once; claimed ids. */
async function drain(stores) {
  const claimed = [];
  const start = process.hrtime.bigint();
  await Promise.all(
    stores.map(async (store) => {
      for (;;) {
        const batch = await store.claimDueTimers(T0 + 1000, 50, 60_000);
        if (batch.length === 0) {
          return;
        }
        for (const timer of batch) {
          claimed.push(timer.conversationId);
          await store.completeTimer(timer);
        }
      }
    }),
  );
  return { perSecond: rate(claimed.length, elapsed(start)), claimed };
}

async function measureTimers(kind) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'closer-bench-replicas-'));
    const store = await openStore(`sqlite:${join(dir, 'timers.db')}`);
    try {
      const armed = await arm(store);
      const { perSecond, claimed } = await drain([store]);
      return { armed, perSecond, claimed: claimed.length, unique: new Set(claimed).size };
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const database = await createDatabase();
  const replicas = kind === 'pg3' ? 3 : 1;
  const stores = await Promise.all(Array.from({ length: replicas }, () => openStore(database.url)));
  try {
    const armed = await arm(stores[0]);
    const { perSecond, claimed } = await drain(stores);
    return { armed, perSecond, claimed: claimed.length, unique: new Set(claimed).size };
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    await database.drop();
  }
}

console.log(
  `replicas bench ${new Date().toISOString()}: ${rounds} round(s); intake ${connections} connections, ` +
    `${warmup}s warm-up + ${seconds}s; ${timerCount.toLocaleString('en-US')} timers`,
);

const intakeConfigs = [
  ['SQLite, 1 process         ', 0],
  ['PostgreSQL, 1 replica     ', 1],
  ['PostgreSQL, 3 replicas    ', 3],
];
const intakeRatios = new Map(intakeConfigs.map(([name]) => [name, []]));
const intakeRps = new Map(intakeConfigs.map(([name]) => [name, []]));
console.log('intake: max throughput (closer with background processing)');
for (let round = 1; round <= rounds; round += 1) {
  let base;
  for (const [name, replicas] of intakeConfigs) {
    const r = await measureIntake(replicas);
    base ??= r.rps;
    intakeRatios.get(name).push(r.rps / base);
    intakeRps.get(name).push(r.rps);
    const lost =
      r.stored !== undefined && r.stored < r.acknowledged
        ? `  !! ${r.acknowledged - r.stored} LOST`
        : '';
    console.log(
      `  [${round}] ${name}: ${r.rps.toFixed(0).padStart(5)} req/s  ratio ${(r.rps / base).toFixed(2)}` +
        `${r.failed > 0 ? `  (failed ${r.failed})` : ''}` +
        `${r.stored === undefined ? '' : `  stored ${r.stored} of ${r.acknowledged} acknowledged`}${lost}`,
    );
  }
}
for (const [name] of intakeConfigs) {
  console.log(
    `  => ${name.trim()}: median ${median(intakeRps.get(name)).toFixed(0)} req/s, ` +
      `ratio to SQLite ${median(intakeRatios.get(name)).toFixed(2)}`,
  );
}

console.log('timers: arm (one commit each), then claim 50 at a time + complete');
const timerConfigs = [
  ['SQLite, 1 scheduler       ', 'sqlite'],
  ['PostgreSQL, 1 scheduler   ', 'pg1'],
  ['PostgreSQL, 3 schedulers  ', 'pg3'],
];
for (let round = 1; round <= rounds; round += 1) {
  let base;
  for (const [name, kind] of timerConfigs) {
    const r = await measureTimers(kind);
    base ??= r;
    const once =
      r.unique === timerCount && r.claimed === timerCount ? 'each once' : 'NOT EACH ONCE';
    console.log(
      `  [${round}] ${name}: arm ${fmt(r.armed)} (${(r.armed / base.armed).toFixed(2)}x), ` +
        `claim+complete ${fmt(r.perSecond)} (${(r.perSecond / base.perSecond).toFixed(2)}x), ` +
        `${r.claimed} claimed, ${once}`,
    );
  }
}

// Intake throughput and latency, as ratios against a bare Express app measured in the same run,
// on SQLite and/or PostgreSQL.
//
//   npm run bench              (builds first)
//   node bench/intake.mjs [--rounds 3] [--seconds 6] [--warmup 2] [--connections 50]
//                         [--rate 2000] [--background both|true|false] [--only all|max|paced]
//                         [--store sqlite|postgres|both] [--same-process] [--profile DIR]
//
// Targets (issue "Automatic termination", "Design for the load it will meet"):
//   durable intake >= 0.6x the requests/s of a bare Express app that parses JSON and answers 202;
//   p99 < 20 ms at 2,000 events/s.
//
// Each server under test runs alone in a child process (bench/intake-server.mjs), started fresh
// for each measurement, while the load generators run here: on a 2-core machine a generator in the
// server's process takes CPU from the server (see bench/README.md). `--same-process` runs the
// servers in this process instead, to show that distortion. `--profile DIR` passes `--cpu-prof` to
// the server processes.
//
// Max throughput: autocannon, `connections` requests always in flight. Fixed rate: bench/paced-load.mjs
// (evenly spaced, open loop; autocannon's `overallRate` sends each second's quota as a burst).
// Rounds interleave bare and closer; results are per-round ratios and their median, plus the
// server's CPU time per request (steadier than requests/s on a shared machine).
//
// closer runs as the service does (JSON logger at info, metrics). `--background true` is the
// service's default: the inbox processor handles each accepted event (state, timers) in the same
// process after answering; `false` measures intake alone. `both` (default) measures both.
//
// `--store` (default sqlite): `postgres` runs closer on PostgreSQL (CLOSER_TEST_DATABASE_URL, a
// fresh database per measurement, dropped after; every acknowledged event is checked to be in it),
// one replica, and for the fixed rate also three replicas (three server processes on one database,
// the paced requests sent to them round-robin as a balancer would). `both` measures SQLite and
// PostgreSQL in the same rounds and prints each PostgreSQL figure as a ratio to SQLite's.
// Loopback only; every run is bounded by --seconds.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, URL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { API_KEY, startServer } from './intake-server.mjs';
import { pacedLoad } from './paced-load.mjs';
import { envelope } from './envelope.mjs';
import { createDatabase, postgresServerUrl } from './postgres.mjs';
import { figure, printTable } from './lib/report.mjs';

export const description =
  'POST /events/eventbridge: max throughput and p99 at a fixed rate vs a bare Express app';

let values;
let seconds;
let warmup;
let connections;
let rounds;
let rate;
let sameProcess;
let closerModes;
let stores;
let serverUrl;

function configure(argv) {
  ({ values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string', default: '6' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '50' },
      rate: { type: 'string', default: '2000' },
      background: { type: 'string', default: 'both' },
      rounds: { type: 'string', default: '3' },
      only: { type: 'string', default: 'all' },
      store: { type: 'string', default: 'sqlite' },
      'same-process': { type: 'boolean', default: false },
      profile: { type: 'string' },
    },
  }));
  seconds = Math.min(60, Number(values.seconds));
  warmup = Math.min(10, Number(values.warmup));
  connections = Number(values.connections);
  rounds = Math.min(10, Math.max(1, Number(values.rounds)));
  rate = Number(values.rate);
  sameProcess = values['same-process'];
  closerModes = values.background === 'both' ? [true, false] : [values.background !== 'false'];
  if (!['sqlite', 'postgres', 'both'].includes(values.store)) {
    throw new Error('--store is sqlite, postgres or both');
  }
  stores = values.store === 'both' ? ['sqlite', 'postgres'] : [values.store];
  serverUrl = stores.includes('postgres') ? postgresServerUrl('bench/intake.mjs') : undefined;
}

/**
 * Starts a server (child process unless --same-process), closer on `databaseUrl` when given (else
 * a SQLite file of its own); resolves {port, cpuMicros(), stop()}.
 */
async function start(kind, background, databaseUrl) {
  if (sameProcess) {
    return startServer(kind, { background, databaseUrl });
  }
  const child = fork(
    fileURLToPath(new URL('./intake-server.mjs', import.meta.url)),
    [
      '--kind',
      kind,
      '--background',
      String(background),
      ...(databaseUrl === undefined ? [] : ['--database', databaseUrl]),
    ],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv:
        values.profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${values.profile}`],
    },
  );
  const [ready] = await once(child, 'message');
  return {
    port: ready.port,
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

const headers = { 'content-type': 'application/json', 'x-api-key': API_KEY };

/**
 * Closed loop (autocannon: `connections` requests always in flight, split evenly among the ports)
 * or open loop at `rate` (the requests sent to the ports round-robin).
 */
async function load(ports, duration, paced) {
  const urls = ports.map((port) => `http://127.0.0.1:${port}/events/eventbridge`);
  if (paced) {
    return pacedLoad({ urls, rate, seconds: duration, connections, headers, body: envelope });
  }
  const results = await Promise.all(
    urls.map((url) =>
      autocannon({
        url,
        method: 'POST',
        connections: Math.max(1, Math.floor(connections / urls.length)),
        duration,
        headers,
        requests: [{ setupRequest: (req) => ({ ...req, body: envelope() }) }],
      }),
    ),
  );
  const sum = (f) => results.reduce((total, r) => total + f(r), 0);
  return {
    rps: sum((r) => r.requests.average),
    ok: sum((r) => r['2xx']),
    // Latency figures of the first server (closed loop: max throughput is what is compared).
    p50: results[0].latency.p50,
    p99: results[0].latency.p99,
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors + r.timeouts),
  };
}

/**
 * One measurement on fresh servers (`config.replicas` of them, on a fresh PostgreSQL database when
 * `config.store` is postgres): warm up (JIT), then measure. On PostgreSQL, counts what is stored
 * and still unprocessed after the servers stopped: every acknowledged request must be stored.
 */
async function measure(config, paced) {
  const { kind, background } = config;
  const database = config.store === 'postgres' ? await createDatabase(serverUrl) : undefined;
  const servers = [];
  let result;
  try {
    for (let i = 0; i < (config.replicas ?? 1); i += 1) {
      servers.push(await start(kind, background, database?.url));
    }
    const ports = servers.map((s) => s.port);
    const cpu = async () => {
      const each = await Promise.all(servers.map((s) => s.cpuMicros?.()));
      return each.includes(undefined) ? undefined : each.reduce((a, b) => a + b, 0);
    };
    const warm = warmup > 0 ? await load(ports, warmup, paced) : { ok: 0 };
    const cpuBefore = await cpu();
    result = await load(ports, seconds, paced);
    const cpuAfter = await cpu();
    const answered = result.rps * seconds;
    result.cpuPerRequest = cpuBefore === undefined ? undefined : (cpuAfter - cpuBefore) / answered;
    result.acknowledged = warm.ok + result.ok;
  } finally {
    const ends = [];
    while (servers.length > 0) {
      ends.push(await servers.pop().stop());
    }
    result = {
      ...result,
      ...config,
      end: {
        stored: ends.reduce((n, e) => n + (e.stored ?? 0), 0),
        pending: ends.reduce((n, e) => n + e.pending, 0),
      },
    };
    if (database !== undefined) {
      try {
        result.end = {
          stored: await database.count('SELECT count(*) AS n FROM inbox_events'),
          pending: await database.count(
            'SELECT count(*) AS n FROM inbox_events WHERE processed_at IS NULL',
          ),
        };
      } finally {
        await database.drop();
      }
    }
  }
  return result;
}

const storeName = (r) => (r.store === 'postgres' ? `pg x${r.replicas ?? 1}` : 'sqlite');
const label = (r) =>
  r.kind === 'bare'
    ? 'bare express                   '
    : `closer ${storeName(r).padEnd(6)} background=${String(r.background).padEnd(6)}`;
const failures = (r) =>
  r.non2xx + r.errors > 0 ? ` (non-2xx ${r.non2xx}, errors ${r.errors})` : '';
const lag = (r) => (r.maxLagMs > 5 ? ` (generator lagged up to ${r.maxLagMs} ms)` : '');
const stored = (r) => {
  if (r.end === undefined || r.end.stored === 0) {
    return '';
  }
  const lost =
    r.store === 'postgres' && r.end.stored < r.acknowledged
      ? ` !! ${r.acknowledged - r.end.stored} acknowledged but NOT STORED`
      : '';
  return `, stored ${r.end.stored}, unprocessed at end ${r.end.pending}${lost}`;
};
const cpu = (r) =>
  r.cpuPerRequest === undefined ? '' : `, server CPU ${r.cpuPerRequest.toFixed(0)} µs/request`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
/** What each round measures: the bare app, then closer per background mode and store. */
function configs(paced) {
  const list = [{ kind: 'bare', background: false }];
  for (const background of closerModes) {
    for (const store of stores) {
      list.push({ kind: 'closer', background, store, replicas: 1 });
      if (store === 'postgres' && paced) {
        list.push({ kind: 'closer', background, store, replicas: 3 });
      }
    }
  }
  return list;
}
/** The SQLite config a PostgreSQL one is compared with (`both`): same background mode. */
const sqliteLabel = (r) => label({ kind: 'closer', background: r.background, store: 'sqlite' });
const comparedToSqlite = (r) => r.store === 'postgres' && stores.includes('sqlite');

/** The benchmark (see the top of this file); resolves { figures, details }. */
export async function run(argv) {
  configure(argv);
  const figures = [];
  console.log(
    `intake bench ${new Date().toISOString()}: ${rounds} round(s), ${connections} connections, ` +
      `${warmup}s warm-up + ${seconds}s per measurement, servers ` +
      `${sameProcess ? 'IN THE SAME PROCESS as the load generator' : 'in child processes'}, ` +
      `store ${stores.join(' and ')}`,
  );

  // Rounds interleave bare and closer so that noise from a shared machine hits both; the ratio of
  // each round is computed from that round's bare run, and the median round is the result.
  if (values.only !== 'paced') {
    console.log('max throughput (autocannon, closed loop)');
    const ratios = new Map();
    const toSqlite = new Map();
    const cpuToSqlite = new Map();
    const push = (map, key, value) => map.set(key, [...(map.get(key) ?? []), value]);
    for (let round = 1; round <= rounds; round += 1) {
      let bare;
      const sqlite = new Map();
      for (const config of configs(false)) {
        const r = await measure(config, false);
        bare ??= r;
        const ratio = r.rps / bare.rps;
        let vsSqlite = '';
        if (r.kind === 'closer') {
          push(ratios, label(r), ratio);
          if (r.store === 'sqlite') {
            sqlite.set(label(r), r);
          } else if (comparedToSqlite(r)) {
            const base = sqlite.get(sqliteLabel(r));
            const pgRatio = r.rps / base.rps;
            push(toSqlite, label(r), pgRatio);
            vsSqlite = `  PostgreSQL/SQLite ${pgRatio.toFixed(2)}`;
            if (r.cpuPerRequest !== undefined) {
              push(cpuToSqlite, label(r), r.cpuPerRequest / base.cpuPerRequest);
            }
          }
        }
        console.log(
          `  [${round}] ${label(r)}: ${r.rps.toFixed(0).padStart(5)} req/s` +
            `${r.kind === 'bare' ? '' : `  ratio ${ratio.toFixed(2)}`}${vsSqlite}` +
            `${cpu(r)}${failures(r)}${stored(r)}`,
        );
      }
    }
    for (const [name, values] of ratios) {
      const ratio = median(values);
      figures.push(
        figure(`max throughput, ${name.trim().replace(/\s+/g, ' ')} / bare`, ratio, 'x', {
          op: '>=',
          value: 0.6,
        }),
      );
      console.log(
        `  => ${name.trim()}: median ratio ${ratio.toFixed(2)} ` +
          `(rounds: ${values.map((v) => v.toFixed(2)).join(', ')}; target >= 0.60) ` +
          `${ratio >= 0.6 ? 'OK' : 'BELOW TARGET'}`,
      );
    }
    for (const [name, values] of toSqlite) {
      console.log(
        `  => ${name.trim()}: median PostgreSQL/SQLite ${median(values).toFixed(2)} ` +
          `(rounds: ${values.map((v) => v.toFixed(2)).join(', ')})`,
      );
    }
    // closer's own CPU per request (PostgreSQL's server processes not included): steadier than
    // requests/s on a shared machine.
    for (const [name, values] of cpuToSqlite) {
      console.log(
        `  => ${name.trim()}: median server CPU per request PostgreSQL/SQLite ` +
          `${median(values).toFixed(2)} (rounds: ${values.map((v) => v.toFixed(2)).join(', ')})`,
      );
    }
  }

  if (values.only !== 'max') {
    console.log(
      `fixed rate ${rate} req/s, evenly paced (open loop, latency from each request's due time)`,
    );
    const p99s = new Map(configs(true).map((config) => [label(config), []]));
    const toSqlite = new Map();
    let saturated = 0;
    for (let round = 1; round <= rounds; round += 1) {
      const sqlite = new Map();
      for (const config of configs(true)) {
        const r = await measure(config, true);
        p99s.get(label(r)).push(r.p99);
        let vsSqlite = '';
        if (r.store === 'sqlite') {
          sqlite.set(label(r), r.p99);
        } else if (comparedToSqlite(r)) {
          const ratio = r.p99 / sqlite.get(sqliteLabel(r));
          toSqlite.set(label(r), [...(toSqlite.get(label(r)) ?? []), ratio]);
          vsSqlite = ` (p99 PostgreSQL/SQLite ${ratio.toFixed(2)})`;
        }
        console.log(
          `  [${round}] ${label(r)}: p50 ${r.p50} ms, p99 ${r.p99} ms${vsSqlite}, max ${r.max} ms, ` +
            `${r.rps.toFixed(0)} req/s${failures(r)}${lag(r)}${stored(r)}`,
        );
        // The bare app falling behind the rate means the machine (shared, 2 cores) cannot serve
        // it right now: that round says nothing about closer.
        if (r.kind === 'bare' && r.rps < rate * 0.98) {
          saturated += 1;
          console.log(
            `  [${round}] bare express cannot hold ${rate} req/s now: round not meaningful`,
          );
        }
      }
    }
    if (saturated > 0) {
      console.log(
        `  !! in ${saturated} of ${rounds} round(s) even the bare app fell behind: rerun on a quiet machine`,
      );
    }
    for (const [name, values] of p99s) {
      const p99 = median(values);
      figures.push(
        figure(
          `p99 at ${rate} req/s, ${name.trim().replace(/\s+/g, ' ')}`,
          p99,
          'ms',
          name.startsWith('closer') ? { op: '<', value: 20 } : undefined,
        ),
      );
      const target = name.startsWith('closer')
        ? ` (target < 20 ms) ${p99 < 20 ? 'OK' : 'ABOVE TARGET'}`
        : '';
      console.log(
        `  => ${name.trim()}: median p99 ${p99} ms (rounds: ${values.join(', ')})${target}`,
      );
    }
    for (const [name, values] of toSqlite) {
      console.log(
        `  => ${name.trim()}: median p99 PostgreSQL/SQLite ${median(values).toFixed(2)} ` +
          `(rounds: ${values.map((v) => v.toFixed(2)).join(', ')})`,
      );
    }
  }
  return { figures, details: { rounds, rate, seconds, connections, stores } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { figures } = await run(process.argv.slice(2));
  printTable('intake', figures);
}

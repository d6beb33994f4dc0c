// Timer store and scheduler throughput at scale, as ratios against raw better-sqlite3 measured in
// the same run (absolute numbers depend on the machine; ratios and memory are what to compare),
// on SQLite and/or PostgreSQL.
//
//   npm run build && node --expose-gc bench/timers.mjs          (1,000,000 timers, SQLite)
//   node bench/timers.mjs --count 200000 --claim 50000
//   node bench/timers.mjs --store both [--pg-arm 50000]         (with CLOSER_TEST_DATABASE_URL)
//
// What it shows:
//   - insert: Store.upsertTimer (one commit per call, as the pipeline arms them) vs a raw
//     prepared INSERT into a bare table with the same key, due-time index and pragmas.
//   - claim: claimDueTimers(50) + completeTimer per timer vs a raw SELECT … LIMIT 50 + DELETE.
//   - scheduler: TimerScheduler.runDue with a no-op handler (batch 50, concurrency 4).
//   - memory: RSS with every timer armed (they live in the file or the server, not in the heap).
//   - reopen-to-ready: openStore (migration check included) + ping, on the empty database and
//     with every timer armed (median of 3 each), vs raw open + SELECT 1; must not grow with the
//     number of timers (no table scan at start).
//
// `--store` (default sqlite): `postgres` runs the same on PostgreSQL (CLOSER_TEST_DATABASE_URL, a
// fresh database dropped after); `both` runs SQLite then PostgreSQL and prints each PostgreSQL
// figure beside SQLite's with their ratio. Each store runs in a child process of its own, so each
// RSS is that store's alone. Arming one by one on PostgreSQL is a round trip per timer (a few
// thousand per second), so there only the first `--pg-arm` timers (default 50,000) are armed
// through upsertTimer (timed: the insert rate) and the rest are loaded with one INSERT … SELECT
// generate_series (the same rows) so that RSS, claims and reopen-to-ready are measured with
// `--count` armed. Writes to a temp folder / database that is deleted at the end.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import console from 'node:console';
import process from 'node:process';
import Database from 'better-sqlite3';
import { openStore } from '../dist/store/index.js';
import { ManualClock, TimerScheduler } from '../dist/timers/index.js';
import { createDatabase, postgresServerUrl, withClient } from './postgres.mjs';
import { firingLag } from './lib/firing.mjs';
import { figure, printTable } from './lib/report.mjs';

export const description =
  '1,000,000 armed timers: RSS, restart to ready, claim rates; firing lag at 10 and 500 due/s';

let values;
let count;
let claimCount;
let pgArm;
/** Reads the options (the bench's own argv, or the runner's). */
function configure(argv) {
  ({ values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string', default: '1000000' },
      claim: { type: 'string', default: '100000' },
      store: { type: 'string', default: 'sqlite' },
      'pg-arm': { type: 'string', default: '50000' },
      part: { type: 'string' },
      lag: { type: 'string', default: 'true' },
      'lag-seconds': { type: 'string', default: '10' },
      'fast-seconds': { type: 'string', default: '2' },
    },
  }));
  count = Math.max(1, Number(values.count));
  claimCount = Math.min(count, Math.max(1, Number(values.claim)));
  pgArm = Math.min(count, Math.max(1, Number(values['pg-arm'])));
}
const T0 = Date.UTC(2026, 0, 1);
const LEASE_MS = 60_000;
const DAY_MS = 86_400_000;

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const rate = (n, ms) => (n / ms) * 1000;
const fmt = (perSecond) => `${Math.round(perSecond).toLocaleString('en-US')}/s`;
const ms = (value) => `${value.toFixed(1)} ms`;
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
const elapsed = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
// Due times spread over a day; the first `claimCount` are due at T0 + claimCount.
const dueAt = (i) => (i < claimCount ? T0 + i : T0 + claimCount + 1 + (i % DAY_MS));

function baseline(dir) {
  const path = join(dir, 'baseline.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE t (conversation_id TEXT NOT NULL, rule_id TEXT NOT NULL, due_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, rule_id)); CREATE INDEX t_due ON t (due_at);`);
  const insert = db.prepare('INSERT INTO t (conversation_id, rule_id, due_at) VALUES (?, ?, ?)');
  let start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) {
    insert.run(`conv-${i}`, 'idle', dueAt(i));
  }
  const insertMs = elapsed(start);

  const select = db.prepare(
    'SELECT conversation_id, rule_id FROM t WHERE due_at <= ? ORDER BY due_at LIMIT 50',
  );
  const remove = db.prepare('DELETE FROM t WHERE conversation_id = ? AND rule_id = ?');
  start = process.hrtime.bigint();
  let claimed = 0;
  while (claimed < claimCount) {
    const rows = select.all(T0 + claimCount);
    if (rows.length === 0) {
      break;
    }
    for (const row of rows) {
      remove.run(row.conversation_id, row.rule_id);
    }
    claimed += rows.length;
  }
  const claimMs = elapsed(start);
  db.close();

  start = process.hrtime.bigint();
  const again = new Database(path);
  again.pragma('journal_mode = WAL');
  again.prepare('SELECT 1').get();
  const reopenMs = elapsed(start);
  again.close();
  return { insert: rate(count, insertMs), claim: rate(claimed, claimMs), reopenMs };
}

/** openStore + ping, 3 times (closed after each); the median time in ms. */
async function reopenToReady(url, clock) {
  const times = [];
  for (let i = 0; i < 3; i += 1) {
    const start = process.hrtime.bigint();
    const s = await openStore(url, { clock });
    await s.ping();
    times.push(elapsed(start));
    await s.close();
  }
  return median(times);
}

/** Arms timers [from, to) through `upsertTimer`, one call (one commit) each; ms taken. */
async function armOneByOne(s, from, to) {
  const start = process.hrtime.bigint();
  for (let i = from; i < to; i += 1) {
    await s.upsertTimer(
      { conversationId: `conv-${i}`, ruleId: 'idle', phase: 'warn', dueAt: dueAt(i) },
      T0,
    );
  }
  return elapsed(start);
}

/** PostgreSQL: the rows upsertTimer would write for timers [from, count), in one statement. */
async function bulkLoad(url, from) {
  const start = process.hrtime.bigint();
  await withClient(url, (client) =>
    client.query(
      `INSERT INTO timers (conversation_id, rule_id, phase, due_at, armed_at, attempts, lease_until, data, episode)
       SELECT 'conv-' || i, 'idle', 'warn',
              CASE WHEN i < $2 THEN $3 + i ELSE $3 + $2 + 1 + (i % $4) END, $3, 0, NULL, NULL, 1
       FROM generate_series($1::bigint, $5::bigint - 1) AS i`,
      [from, claimCount, T0, DAY_MS, count],
    ),
  );
  return elapsed(start);
}

/** The closer side, on `url`: arm, measure memory and reopen, claim, run the scheduler. */
async function measureStore(url, sizeOf) {
  const clock = new ManualClock(T0);
  // Open once (creates the schema), then time reopening the empty database.
  await (await openStore(url, { clock })).close();
  const reopenEmptyMs = await reopenToReady(url, clock);
  let s = await openStore(url, { clock });
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const oneByOne = url.startsWith('sqlite:') ? count : pgArm;
  const insertMs = await armOneByOne(s, 0, oneByOne);
  const bulkMs = oneByOne < count ? await bulkLoad(url, oneByOne) : undefined;
  globalThis.gc?.();
  const rssArmed = process.memoryUsage().rss;
  const armed = await s.countTimers();
  await s.close();
  const bytes = await sizeOf();

  const reopenMs = await reopenToReady(url, clock);
  s = await openStore(url, { clock });

  // Half the due timers through the store API, half through the scheduler.
  const half = Math.floor(claimCount / 2);
  const now = T0 + claimCount;
  let start = process.hrtime.bigint();
  let claimed = 0;
  while (claimed < half) {
    const batch = await s.claimDueTimers(now, Math.min(50, half - claimed), LEASE_MS);
    if (batch.length === 0) {
      break;
    }
    for (const timer of batch) {
      await s.completeTimer(timer);
    }
    claimed += batch.length;
  }
  const claimMs = elapsed(start);

  clock.set(now);
  const scheduler = new TimerScheduler({
    store: s,
    clock,
    handle: () => Promise.resolve({ status: 'done' }),
    maxPerRun: Number.MAX_SAFE_INTEGER,
  });
  start = process.hrtime.bigint();
  const fired = await scheduler.runDue();
  const schedulerMs = elapsed(start);
  await scheduler.stop();
  const left = await s.countTimers();
  await s.close();
  return {
    armed,
    left,
    bytes,
    rssBefore,
    rssArmed,
    oneByOne,
    insert: rate(oneByOne, insertMs),
    bulk: bulkMs === undefined ? undefined : rate(count - oneByOne, bulkMs),
    claim: rate(claimed, claimMs),
    scheduler: rate(fired, schedulerMs),
    fired,
    reopenMs,
    reopenEmptyMs,
  };
}

/** One store's part (run in a child process): SQLite with its raw baseline, or PostgreSQL. */
async function part(kind) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'closer-bench-timers-'));
    try {
      const raw = baseline(dir);
      const path = join(dir, 'closer.db');
      const ours = await measureStore(`sqlite:${path}`, () => statSync(path).size);
      return { ...ours, raw };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const database = await createDatabase(postgresServerUrl('bench/timers.mjs'));
  try {
    return await measureStore(database.url, () =>
      database.count("SELECT pg_total_relation_size('timers') AS n"),
    );
  } finally {
    await database.drop();
  }
}

/** The benchmark (see the top of this file); resolves { figures, details }. */
export async function run(argv) {
  configure(argv);
  if (!['sqlite', 'postgres', 'both'].includes(values.store)) {
    throw new Error('--store is sqlite, postgres or both');
  }
  const stores = values.store === 'both' ? ['sqlite', 'postgres'] : [values.store];
  if (stores.includes('postgres')) {
    postgresServerUrl('bench/timers.mjs');
  }
  console.log(
    `timers bench ${new Date().toISOString()}: ${count.toLocaleString('en-US')} armed, ` +
      `${claimCount.toLocaleString('en-US')} due and fired, store ${stores.join(' and ')}` +
      (stores.includes('postgres')
        ? ` (PostgreSQL: ${pgArm.toLocaleString('en-US')} armed one by one, the rest in bulk)`
        : ''),
  );
  const results = {};
  for (const kind of stores) {
    const child = fork(fileURLToPath(import.meta.url), [...argv, '--part', kind], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: ['--expose-gc'],
    });
    const [[message], [code]] = await Promise.all([once(child, 'message'), once(child, 'exit')]);
    if (code !== 0) {
      throw new Error(`bench: the ${kind} part exited with ${code}`);
    }
    results[kind] = message;
  }
  const { sqlite, postgres } = results;
  // [what, key, format, the raw better-sqlite3 figure compared with (SQLite)]
  const rows = [
    ['insert (upsertTimer, one commit each)', 'insert', fmt, (raw) => raw.insert],
    ['claim+complete', 'claim', fmt, (raw) => raw.claim],
    ['scheduler runDue', 'scheduler', fmt, (raw) => raw.claim],
    ['reopen-to-ready, empty database', 'reopenEmptyMs', ms],
    ['reopen-to-ready, all armed', 'reopenMs', ms, (raw) => raw.reopenMs],
    ['RSS before arming', 'rssBefore', mb],
    ['RSS with all armed', 'rssArmed', mb],
    ['timers on disk (file / relation + indexes)', 'bytes', mb],
  ];
  console.table(
    rows.map(([what, key, format, rawFigure]) => {
      const row = { what };
      if (sqlite !== undefined) {
        row.sqlite = format(sqlite[key]);
        if (rawFigure !== undefined) {
          row['raw better-sqlite3'] = format(rawFigure(sqlite.raw));
          row['sqlite/raw'] = ratio(sqlite[key], rawFigure(sqlite.raw));
        }
      }
      if (postgres !== undefined) {
        row.postgres = format(postgres[key]);
        if (sqlite !== undefined) {
          row['postgres/sqlite'] = ratio(postgres[key], sqlite[key]);
        }
      }
      return row;
    }),
  );
  if (postgres?.bulk !== undefined) {
    console.log(
      `PostgreSQL: ${postgres.oneByOne.toLocaleString('en-US')} timers armed one by one, ` +
        `${(count - postgres.oneByOne).toLocaleString('en-US')} loaded in one statement ` +
        `(${fmt(postgres.bulk)}, not closer's path)`,
    );
  }
  for (const [kind, r] of Object.entries(results)) {
    console.log(
      `${kind}: armed ${r.armed.toLocaleString('en-US')}, left after firing ` +
        `${r.left.toLocaleString('en-US')}, fired by the scheduler ${r.fired.toLocaleString('en-US')}`,
    );
    if (
      r.armed !== count ||
      r.left !== count - claimCount ||
      r.fired !== claimCount - Math.floor(claimCount / 2)
    ) {
      console.error(`bench: unexpected counts on ${kind}`, r);
      process.exitCode = 1;
    }
  }
  const main = sqlite ?? postgres;
  const figures = [
    figure('timers armed', main.armed, ''),
    figure('RSS with all armed', main.rssArmed / 1024 / 1024, 'MB', { op: '<', value: 250 }),
    figure('restart to ready, all armed', main.reopenMs, 'ms', { op: '<', value: 5000 }),
    figure('insert (upsertTimer)', main.insert, '/s'),
    figure('claim + complete', main.claim, '/s'),
    figure('scheduler runDue', main.scheduler, '/s'),
  ];
  const lag = [];
  if (values.lag !== 'false') {
    // Conversations going quiet at 10/s, closer's default budget (25 requests/s); then at 500/s
    // with the budget raised to 1,000 requests/s (two requests per ending).
    const slow = await firingLag({
      rate: 10,
      seconds: Number(values['lag-seconds']),
      requestsPerSecond: 25,
    });
    const fast = await firingLag({
      rate: 500,
      seconds: Number(values['fast-seconds']),
      requestsPerSecond: 1000,
      deliverEndings: false,
      // The simulator sends ~8 events per answer: at 500 answers/s closer's intake and processor
      // need longer than 10 s to arm every timer on this 2-core machine.
      idleMs: 30_000,
    });
    for (const r of [slow, fast]) {
      console.log(
        `firing lag at ${r.rate} due/s (${r.count} timers, budget ${r.requestsPerSecond} req/s): ` +
          `p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms; not ended ${r.notEnded}, ` +
          `doubled ${r.doubled}; inbox backlog at the first due time ${r.backlogAtFirstDue} ` +
          `events; ${r.requestsPerEnding.toFixed(2)} requests and ` +
          `${Math.round(r.cpuMicrosPerEnding)} µs of closer's CPU per ending`,
      );
      lag.push(r);
    }
    if (postgres !== undefined) {
      // The same 500 due/s on PostgreSQL (a fresh database each, dropped after), with the
      // default firing concurrency and with CLOSER_FIRING_CONCURRENCY=16: there each firing
      // waits on several database round trips, so firings at once bound the rate.
      for (const firingConcurrency of [4, 16]) {
        const database = await createDatabase(postgresServerUrl('bench/timers.mjs'));
        try {
          const pg = await firingLag({
            rate: 500,
            seconds: Number(values['fast-seconds']),
            requestsPerSecond: 1000,
            deliverEndings: false,
            idleMs: 30_000,
            databaseUrl: database.url,
            firingConcurrency,
          });
          const on = `postgres, ${firingConcurrency} at once`;
          console.log(
            `firing lag at 500 due/s on ${on}: p50 ${pg.p50} ms, p99 ${pg.p99} ms; ` +
              `not ended ${pg.notEnded}, doubled ${pg.doubled}; ` +
              `${Math.round(pg.cpuMicrosPerEnding)} µs of closer's CPU per ending`,
          );
          lag.push({ ...pg, store: 'postgres', firingConcurrency });
          figures.push(
            figure(`firing lag p50, 500 due/s, ${on}`, pg.p50, 'ms'),
            figure(`firing lag p99, 500 due/s, ${on}`, pg.p99, 'ms', { op: '<', value: 1000 }),
            figure(`closer's CPU per ending, 500 due/s, ${on}`, pg.cpuMicrosPerEnding, 'µs'),
            figure(`not ended or ended twice, ${on}`, pg.notEnded + pg.doubled, '', {
              op: '<=',
              value: 0,
            }),
          );
        } finally {
          await database.drop();
        }
      }
    }
    figures.push(
      figure('firing lag p50, 10 due/s', slow.p50, 'ms'),
      figure('firing lag p99, 10 due/s', slow.p99, 'ms', { op: '<', value: 1000 }),
      figure('firing lag p50, 500 due/s', fast.p50, 'ms'),
      figure('firing lag p99, 500 due/s', fast.p99, 'ms', { op: '<', value: 1000 }),
      figure("closer's CPU per ending, 500 due/s", fast.cpuMicrosPerEnding, 'µs'),
      figure(
        'not ended or ended twice',
        slow.notEnded + slow.doubled + fast.notEnded + fast.doubled,
        '',
        { op: '<=', value: 0 },
      ),
    );
  }
  return { figures, details: { stores: results, lag } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  configure(process.argv.slice(2));
  if (values.part !== undefined) {
    // A child: measure one store, send the figures to the parent.
    const result = await part(values.part);
    process.send(result, () => process.exit(0));
  } else {
    const { figures } = await run(process.argv.slice(2));
    printTable('timers', figures);
  }
}

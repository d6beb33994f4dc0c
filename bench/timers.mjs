// Timer store and scheduler throughput at scale, as ratios against raw better-sqlite3 measured in
// the same run (absolute numbers depend on the machine; ratios and memory are what to compare).
//
//   npm run build && node bench/timers.mjs                 (1,000,000 timers)
//   node bench/timers.mjs --count 200000 --claim 50000
//
// What it shows:
//   - insert: SqliteStore.upsertTimer (one commit per call, as the pipeline arms them) vs a raw
//     prepared INSERT into a bare table with the same key, due-time index and pragmas.
//   - claim: claimDueTimers(50) + completeTimer per timer vs a raw SELECT … LIMIT 50 + DELETE.
//   - scheduler: TimerScheduler.runDue with a no-op handler (batch 50, concurrency 4).
//   - memory: RSS with every timer armed (they live in the file, not in the heap).
//   - reopen-to-ready: openStore (migration check included) + ping, vs raw open + SELECT 1;
//     must not grow with the number of timers (no table scan at start).
// Writes to a temp folder that is deleted at the end.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import console from 'node:console';
import process from 'node:process';
import Database from 'better-sqlite3';
import { openStore } from '../dist/store/index.js';
import { ManualClock, TimerScheduler } from '../dist/timers/index.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    claim: { type: 'string', default: '100000' },
  },
});
const count = Math.max(1, Number(values.count));
const claimCount = Math.min(count, Math.max(1, Number(values.claim)));
const T0 = Date.UTC(2026, 0, 1);
const LEASE_MS = 60_000;

const dir = mkdtempSync(join(tmpdir(), 'closer-bench-timers-'));
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const rate = (n, ms) => (n / ms) * 1000;
const fmt = (perSecond) => `${Math.round(perSecond).toLocaleString('en-US')}/s`;
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
const elapsed = (start) => Number(process.hrtime.bigint() - start) / 1e6;
// Due times spread over a day; the first `claimCount` are due at T0 + claimCount.
const dueAt = (i) => (i < claimCount ? T0 + i : T0 + claimCount + 1 + (i % 86_400_000));

function baseline() {
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

async function store() {
  const path = join(dir, 'closer.db');
  const url = `sqlite:${path}`;
  const clock = new ManualClock(T0);
  let s = await openStore(url, { clock });
  const rssBefore = process.memoryUsage().rss;
  let start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) {
    await s.upsertTimer(
      { conversationId: `conv-${i}`, ruleId: 'idle', phase: 'warn', dueAt: dueAt(i) },
      T0,
    );
  }
  const insertMs = elapsed(start);
  globalThis.gc?.();
  const rssArmed = process.memoryUsage().rss;
  const armed = await s.countTimers();
  await s.close();
  const fileBytes = statSync(path).size;

  start = process.hrtime.bigint();
  s = await openStore(url, { clock });
  await s.ping();
  const reopenMs = elapsed(start);

  // Half the due timers through the store API, half through the scheduler.
  const half = Math.floor(claimCount / 2);
  const now = T0 + claimCount;
  start = process.hrtime.bigint();
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
    fileBytes,
    rssBefore,
    rssArmed,
    insert: rate(count, insertMs),
    claim: rate(claimed, claimMs),
    scheduler: rate(fired, schedulerMs),
    fired,
    reopenMs,
  };
}

try {
  console.log(
    `timers: ${count.toLocaleString('en-US')} armed, ${claimCount.toLocaleString('en-US')} due and fired`,
  );
  const raw = baseline();
  const ours = await store();
  const rows = [
    ['insert (upsertTimer)', fmt(ours.insert), fmt(raw.insert), ratio(ours.insert, raw.insert)],
    ['claim+complete', fmt(ours.claim), fmt(raw.claim), ratio(ours.claim, raw.claim)],
    ['scheduler runDue', fmt(ours.scheduler), fmt(raw.claim), ratio(ours.scheduler, raw.claim)],
    [
      'reopen-to-ready',
      `${ours.reopenMs.toFixed(1)} ms`,
      `${raw.reopenMs.toFixed(1)} ms`,
      ratio(ours.reopenMs, raw.reopenMs),
    ],
  ];
  console.table(
    rows.map(([what, closer, baselineValue, vsBaseline]) => ({
      what,
      closer,
      baseline: baselineValue,
      'closer/baseline': vsBaseline,
    })),
  );
  console.log(
    `armed in DB: ${ours.armed.toLocaleString('en-US')}  file: ${mb(ours.fileBytes)}  left after firing: ${ours.left.toLocaleString('en-US')}`,
  );
  console.log(
    `RSS: ${mb(ours.rssBefore)} before arming, ${mb(ours.rssArmed)} with all armed (timers live in the file)`,
  );
  if (
    ours.armed !== count ||
    ours.left !== count - claimCount ||
    ours.fired !== claimCount - Math.floor(claimCount / 2)
  ) {
    console.error('bench: unexpected counts', {
      armed: ours.armed,
      left: ours.left,
      fired: ours.fired,
    });
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

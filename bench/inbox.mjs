// Inbox processor throughput: how fast stored intake events become conversation state and armed
// timers when nothing else runs (the capacity left for a backlog after a burst).
//
//   npm run build && node bench/inbox.mjs [--events 10000] [--kind start|snapshot]
//                                         [--conversations 5000] [--profile FILE.cpuprofile]
//                                         [--database postgres://… (an empty database)]
//
// Stores `--events` Genesys `customer.start` events (each a new web-messaging conversation, one
// inactivity rule matching), then times one `inbox.drain()`. Reports wall and CPU time per event;
// compare with the intake's CPU per request from bench/intake.mjs: in background mode both share
// one event loop, so intake (answered first) plus processing must fit in one core.
// Writes to a temp folder that is deleted at the end.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Session } from 'node:inspector';
import { GenesysClient } from '../dist/index.js';
import { createCloser } from '../dist/service/index.js';
import { openStore } from '../dist/store/index.js';
import { toInboxEvents } from '../dist/intake/index.js';
import { snapshotStream } from './lib/snapshot.mjs';

/** The pipeline bench's snapshot bodies, parsed back into envelopes. */
function snapshotEnvelope(conversations) {
  const stream = snapshotStream(conversations);
  return () => JSON.parse(stream());
}

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    kind: { type: 'string', default: 'start' },
    conversations: { type: 'string', default: '5000' },
    profile: { type: 'string' },
    database: { type: 'string' },
  },
});
const count = Math.min(1_000_000, Math.max(1, Number(values.events)));
// `start`: one customer.start per new conversation; `snapshot`: the pipeline bench's ~2.5 KB
// snapshots, `--conversations` conversations in turn (several events per conversation).
const snapshots = values.kind === 'snapshot';
const conversations = Math.max(1, Number(values.conversations));

const dir = mkdtempSync(join(tmpdir(), 'closer-bench-inbox-'));
const rulesFile = join(dir, 'rules.yaml');
writeFileSync(
  rulesFile,
  `sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: BENCH_KEY } }
rules:
  - id: idle-web-customer
    kind: inactivity
    match: { mediaType: [message] }
    idle: { side: customer, after: 20m }
    close: { message: closed after 20 minutes }
`,
);

function envelope() {
  const conversationId = randomUUID();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'v2.detail.events.conversation.{id}.customer.start',
    source: 'aws.partner/genesys.com/cloud/00000000-0000-0000-0000-000000000000/bench',
    time: new Date().toISOString(),
    detail: {
      topicName: `v2.detail.events.conversation.${conversationId}.customer.start`,
      version: '2',
      eventBody: {
        eventTime: Date.now(),
        conversationId,
        participantId: randomUUID(),
        mediaType: 'message',
        messageType: 'webmessaging',
      },
      metadata: { CorrelationId: randomUUID() },
      timestamp: new Date().toISOString(),
    },
  };
}

/** A CPU profile of the drain alone (`--profile FILE`, read with bench/lib/profile-top.mjs). */
async function startProfiler() {
  const session = new Session();
  session.connect();
  const post = (method) =>
    new Promise((resolve, reject) => {
      session.post(method, (error, result) => (error ? reject(error) : resolve(result)));
    });
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}

// `--database URL`: an empty PostgreSQL database instead of a fresh SQLite file.
const store = await openStore(values.database ?? `sqlite:${join(dir, 'inbox.db')}`);
const genesys = new GenesysClient({
  clientId: 'unused',
  clientSecret: 'unused',
  apiUrl: 'http://127.0.0.1:9',
  loginUrl: 'http://127.0.0.1:9',
});
const closer = createCloser({
  store,
  rulesFile,
  genesys,
  env: { BENCH_KEY: 'unused' },
  watchRules: false,
  background: false,
});
const next = snapshots ? snapshotEnvelope(conversations) : envelope;
try {
  for (let stored = 0; stored < count; stored += 100) {
    const batch = Array.from({ length: Math.min(100, count - stored) }, next);
    await store.insertEvents(toInboxEvents(batch, Date.now()).events);
  }
  const profiler = values.profile === undefined ? undefined : await startProfiler();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const handled = await closer.inbox.drain();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  if (profiler !== undefined) {
    writeFileSync(values.profile, JSON.stringify(await profiler.stop()));
  }
  const armed = await store.countTimers();
  console.log(
    `inbox: ${handled.toLocaleString('en-US')} events in ${ms.toFixed(0)} ms: ` +
      `${Math.round((handled / ms) * 1000).toLocaleString('en-US')} events/s, ` +
      `${((ms * 1000) / handled).toFixed(0)} µs/event wall, ` +
      `${((cpu.user + cpu.system) / handled).toFixed(0)} µs/event CPU; timers armed ${armed}`,
  );
  const expected = snapshots ? Math.min(count, conversations) : count;
  if (handled !== count || armed !== expected) {
    console.error('bench: unexpected counts', { handled, armed });
    process.exitCode = 1;
  }
} finally {
  await closer.stop();
  await genesys.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

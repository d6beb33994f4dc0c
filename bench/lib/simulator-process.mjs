// The Genesys simulator in a child process of its own (the firing benchmarks: bench/budget.mjs,
// bench/timers.mjs firing lag), driven over IPC by the bench, so that neither closer nor the
// bench's own work shares its event loop.
//
// Options: --rate-limit REQUESTS/WINDOW_SECONDS (per OAuth client, 429 with Retry-After and
// inin-ratelimit-* headers). IPC requests {id, cmd, ...} get {id, ...} back:
//   target {url, key}             deliver every conversation change to closer's EventBridge intake
//                                 (no url: stop delivering)
//   create {count, phase}         conversations created (phase 'queue' or 'agent'); {ids}
//   answer {ids, rate}            an agent answers each, `rate` per second (Infinity: at once);
//                                 {answeredAt: {id: epoch ms}} (the agent leg's start)
//   flush                         every event delivered
//   progress {ids}                how many of them were disconnected (cheap: polled)
//   endings {ids}                 per id: first disconnect's arrival time (ms), disconnect count,
//                                 state; and the API request log's counts (by status, per id)
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ALL_KNOWN_PERMISSIONS, startSimulator } from '../../dist/simulator/index.js';

const { values } = parseArgs({
  options: {
    'rate-limit': { type: 'string' },
  },
});
const rateLimit =
  values['rate-limit'] === undefined
    ? undefined
    : (() => {
        const [requests, windowSeconds] = values['rate-limit'].split('/').map(Number);
        return { requests, windowSeconds };
      })();
const sim = await startSimulator({
  port: 0,
  ...(rateLimit === undefined ? {} : { rateLimit }),
});
const clientId = 'bench-client';
const clientSecret = 'bench-secret-0123456789abcdef';
sim.registerClient({ clientId, clientSecret, permissions: [...ALL_KNOWN_PERMISSIONS] });

const DISCONNECT = (r) =>
  (r.method === 'PATCH' && r.body?.state === 'disconnected') ||
  (r.method === 'POST' && r.path.endsWith('/disconnect'));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The first successful disconnect per conversation, kept up to date from the request log as it
// grows (`progress` is polled while a backlog is worked off: it must not cost the simulator much).
const firstDisconnect = new Map();
let scanned = 0;
function scan() {
  const log = sim.requests;
  for (; scanned < log.length; scanned += 1) {
    const r = log[scanned];
    if (DISCONNECT(r) && r.status < 300 && r.path.startsWith('/api/v2/')) {
      // The conversation id is the path's first UUID (a participant id may follow it).
      const id = r.path.split('/').find((part) => UUID.test(part));
      if (id !== undefined && !firstDisconnect.has(id)) {
        firstDisconnect.set(id, r.at);
      }
    }
  }
}

const handlers = {
  progress({ ids }) {
    scan();
    return { ended: ids.filter((id) => firstDisconnect.has(id)).length };
  },
  target({ url, key }) {
    sim.setEventTarget(
      url === undefined ? undefined : { url, headers: { 'x-api-key': key }, concurrency: 16 },
    );
    return {};
  },
  create({ count, phase }) {
    const ids = [];
    for (let i = 0; i < count; i += 1) {
      ids.push(sim.createConversation({ phase }).id);
    }
    return { ids };
  },
  async answer({ ids, rate }) {
    const answeredAt = {};
    const start = Date.now();
    for (const [i, id] of ids.entries()) {
      if (Number.isFinite(rate)) {
        const dueAt = start + (i * 1000) / rate;
        if (dueAt > Date.now()) {
          await sleep(dueAt - Date.now());
        }
      }
      const summary = sim.answer(id);
      const agent = summary.participants.findLast((p) => p.purpose === 'agent');
      answeredAt[id] = Date.parse(agent.connectedTime);
    }
    return { answeredAt };
  },
  async flush() {
    await sim.flushEvents();
    return {};
  },
  endings({ ids }) {
    const wanted = new Set(ids);
    const first = {};
    const perId = {};
    const byStatus = {};
    let total = 0;
    for (const r of sim.apiRequests()) {
      if (!r.path.startsWith('/api/v2/')) {
        continue;
      }
      total += 1;
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      const id = r.path.split('/').find((part) => wanted.has(part));
      if (id === undefined) {
        continue;
      }
      if (r.status !== 429) {
        // Requests that were served (429s are counted in byStatus).
        perId[id] = (perId[id] ?? 0) + 1;
      }
      if (DISCONNECT(r) && r.status < 300 && first[id] === undefined) {
        first[id] = r.at;
      }
    }
    const conversations = ids.map((id) => {
      const c = sim.conversation(id);
      return {
        id,
        disconnectedAt: first[id],
        disconnects: c?.disconnectCount ?? 0,
        state: c?.state,
        requests: perId[id] ?? 0,
      };
    });
    return { conversations, total, byStatus };
  },
};

process.on('message', async ({ id, cmd, ...args }) => {
  if (cmd === 'stop') {
    await sim.close();
    process.send({ id }, () => process.exit(0));
    return;
  }
  try {
    process.send({ id, ...(await handlers[cmd](args)) });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.send({ ready: true, url: sim.url, clientId, clientSecret });

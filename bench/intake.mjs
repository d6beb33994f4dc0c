// Intake throughput and latency, as ratios against a bare Express app measured in the same run.
//
//   npm run bench              (builds first)
//   node bench/intake.mjs --seconds 10 --connections 50 --rate 2000
//
// Targets (issue "Automatic termination", "Design for the load it will meet"):
//   durable intake >= 0.6x the requests/s of a bare Express app that parses JSON and answers 202;
//   p99 < 20 ms at 2,000 events/s.
// Loopback only; every run is bounded by --seconds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import express from 'express';
import { createCloser, GenesysClient } from '../dist/index.js';
import { openStore } from '../dist/store/index.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string', default: '2000' },
  },
});
const seconds = Math.min(60, Number(values.seconds));
const connections = Number(values.connections);
const rate = Number(values.rate);
const API_KEY = 'bench-key-0123456789abcdef';

function envelope() {
  const conversationId = randomUUID();
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': 'v2.detail.events.conversation.{id}.customer.start',
    source: 'aws.partner/genesys.com/cloud/00000000-0000-0000-0000-000000000000/bench',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
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
  });
}

function listen(app) {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function load(url, opts) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    requests: [{ setupRequest: (req) => ({ ...req, body: envelope() }) }],
    ...opts,
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'closer-bench-'));
const rulesFile = join(dir, 'rules.yaml');
writeFileSync(
  rulesFile,
  'sources:\n  eventbridge: { auth: { header: x-api-key, valueEnv: BENCH_KEY } }\nrules: []\n',
);

const bare = express();
bare.post('/events/eventbridge', express.json({ limit: '1mb' }), (_req, res) => {
  res.status(202).json({ accepted: 1 });
});
const bareServer = await listen(bare);

const store = await openStore(`sqlite:${join(dir, 'bench.db')}`);
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
  env: { BENCH_KEY: API_KEY },
  watchRules: false,
  background: false,
});
const closerServer = await listen(closer.app);

try {
  const bareUrl = `http://127.0.0.1:${bareServer.address().port}/events/eventbridge`;
  const closerUrl = `http://127.0.0.1:${closerServer.address().port}/events/eventbridge`;
  console.log(`max throughput, ${connections} connections, ${seconds}s each`);
  const bareMax = await load(bareUrl, {});
  const closerMax = await load(closerUrl, {});
  console.log(`  bare express : ${bareMax.rps.toFixed(0)} req/s (non-2xx ${bareMax.non2xx})`);
  console.log(`  closer intake: ${closerMax.rps.toFixed(0)} req/s (non-2xx ${closerMax.non2xx})`);
  const ratio = closerMax.rps / bareMax.rps;
  console.log(
    `  ratio closer/bare: ${ratio.toFixed(2)} (target >= 0.60) ${ratio >= 0.6 ? 'OK' : 'BELOW TARGET'}`,
  );
  console.log(`fixed rate ${rate} req/s for ${seconds}s`);
  const bareFixed = await load(bareUrl, { overallRate: rate });
  const closerFixed = await load(closerUrl, { overallRate: rate });
  console.log(`  bare express : p99 ${bareFixed.p99} ms`);
  console.log(
    `  closer intake: p99 ${closerFixed.p99} ms (target < 20 ms) ${closerFixed.p99 < 20 ? 'OK' : 'ABOVE TARGET'}`,
  );
  console.log(`  stored events: ${(await store.pendingEvents(1_000_000)).length}`);
} finally {
  closerServer.close();
  bareServer.close();
  await closer.stop();
  await genesys.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

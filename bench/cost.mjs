// Server CPU per event: the bare Express app, closer's intake alone (background processing off)
// and closer's whole pipeline (intake + the inbox processor turning each event into state and
// timers), at a rate every one of them holds, with the pipeline benchmark's ~2.5 KB snapshots.
//
//   npm run bench -- cost [--rate 1000] [--seconds 10] [--conversations 5000]
//
// CPU is the server process's own (process.cpuUsage, user + system, reported over IPC), from the
// start of the load until it is over — for the whole pipeline, until the inbox backlog is 0 too.
// CPU time is steadier than throughput on a shared machine, but not immune to it.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { API_KEY } from './intake-server.mjs';
import { pacedLoad } from './paced-load.mjs';
import { snapshotStream } from './lib/snapshot.mjs';
import { inboxBacklog, startChild } from './lib/servers.mjs';
import { figure } from './lib/report.mjs';

export const description =
  'server CPU µs per event: bare app, closer intake alone, closer whole pipeline';

const headers = { 'content-type': 'application/json', 'x-api-key': API_KEY };

async function measure(kind, background, { rate, seconds, conversations }) {
  const server = await startChild(kind, kind === 'bare' ? {} : { background });
  try {
    const body = snapshotStream(conversations);
    const load = (duration) =>
      pacedLoad({
        url: `http://127.0.0.1:${server.port}/events/eventbridge`,
        rate,
        seconds: duration,
        connections: 50,
        headers,
        body,
      });
    await load(2); // warm-up (JIT)
    if (kind === 'closer' && background === 'true') {
      while ((await inboxBacklog(server.port)) > 0) {
        await sleep(100);
      }
    }
    const before = await server.cpuMicros();
    const result = await load(seconds);
    if (kind === 'closer' && background === 'true') {
      while ((await inboxBacklog(server.port)) > 0) {
        await sleep(50);
      }
    }
    const cpu = (await server.cpuMicros()) - before;
    return { perEvent: cpu / result.ok, rps: result.rps, ok: result.ok, p99: result.p99 };
  } finally {
    await server.stop();
  }
}

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '10' },
      conversations: { type: 'string', default: '5000' },
    },
  });
  const options = {
    rate: Number(values.rate),
    seconds: Number(values.seconds),
    conversations: Number(values.conversations),
  };
  const bare = await measure('bare', undefined, options);
  const intake = await measure('closer', 'false', options);
  const pipeline = await measure('closer', 'true', options);
  for (const [name, r] of Object.entries({ bare, intake, pipeline })) {
    console.log(
      `  ${name}: ${r.perEvent.toFixed(0)} µs/event, ${r.rps.toFixed(0)} req/s, p99 ${r.p99} ms`,
    );
  }
  return {
    figures: [
      figure('offered rate', options.rate, 'events/s'),
      figure('CPU per event, bare express', bare.perEvent, 'µs'),
      figure('CPU per event, closer intake alone', intake.perEvent, 'µs'),
      figure('CPU per event, closer whole pipeline', pipeline.perEvent, 'µs'),
      figure('intake alone / bare', intake.perEvent / bare.perEvent, 'x'),
      figure('whole pipeline / bare', pipeline.perEvent / bare.perEvent, 'x'),
      figure('events/s one core would hold, whole pipeline', 1e6 / pipeline.perEvent, '/s'),
    ],
    details: { ...options, bare, intake, pipeline },
  };
}

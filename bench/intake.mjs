// Intake throughput and latency, as ratios against a bare Express app measured in the same run.
//
//   npm run bench              (builds first)
//   node bench/intake.mjs [--rounds 3] [--seconds 6] [--warmup 2] [--connections 50]
//                         [--rate 2000] [--background both|true|false] [--only all|max|paced]
//                         [--same-process] [--profile DIR]
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
// Loopback only; every run is bounded by --seconds.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, URL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { API_KEY, startServer } from './intake-server.mjs';
import { pacedLoad } from './paced-load.mjs';
import { envelope } from './envelope.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string', default: '2000' },
    background: { type: 'string', default: 'both' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', default: 'all' },
    'same-process': { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const seconds = Math.min(60, Number(values.seconds));
const warmup = Math.min(10, Number(values.warmup));
const connections = Number(values.connections);
const rounds = Math.min(10, Math.max(1, Number(values.rounds)));
const rate = Number(values.rate);
const sameProcess = values['same-process'];
const closerModes = values.background === 'both' ? [true, false] : [values.background !== 'false'];

/** Starts a server (child process unless --same-process); resolves {port, stop()}. */
async function start(kind, background) {
  if (sameProcess) {
    return startServer(kind, { background });
  }
  const child = fork(
    fileURLToPath(new URL('./intake-server.mjs', import.meta.url)),
    ['--kind', kind, '--background', String(background)],
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

/** Closed loop (autocannon: `connections` requests always in flight) or open loop at `rate`. */
async function load(port, duration, paced) {
  const url = `http://127.0.0.1:${port}/events/eventbridge`;
  if (paced) {
    return pacedLoad({ url, rate, seconds: duration, connections, headers, body: envelope });
  }
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration,
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, body: envelope() }) }],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** One measurement on a fresh server: warm up (JIT), then measure. */
async function measure(kind, background, paced) {
  const server = await start(kind, background);
  let result;
  try {
    if (warmup > 0) {
      await load(server.port, warmup, paced);
    }
    const cpuBefore = await server.cpuMicros?.();
    result = await load(server.port, seconds, paced);
    const cpuAfter = await server.cpuMicros?.();
    const answered = result.rps * seconds;
    result.cpuPerRequest = cpuBefore === undefined ? undefined : (cpuAfter - cpuBefore) / answered;
  } finally {
    result = { ...result, kind, background, end: await server.stop() };
  }
  return result;
}

const label = (r) =>
  r.kind === 'bare'
    ? 'bare express            '
    : `closer background=${String(r.background).padEnd(6)}`;
const failures = (r) =>
  r.non2xx + r.errors > 0 ? ` (non-2xx ${r.non2xx}, errors ${r.errors})` : '';
const lag = (r) => (r.maxLagMs > 5 ? ` (generator lagged up to ${r.maxLagMs} ms)` : '');
const stored = (r) =>
  r.end === undefined || r.end.stored === 0
    ? ''
    : `, stored ${r.end.stored}, unprocessed at end ${r.end.pending}`;
const cpu = (r) =>
  r.cpuPerRequest === undefined ? '' : `, server CPU ${r.cpuPerRequest.toFixed(0)} µs/request`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const kinds = [['bare', false], ...closerModes.map((background) => ['closer', background])];

console.log(
  `intake bench ${new Date().toISOString()}: ${rounds} round(s), ${connections} connections, ` +
    `${warmup}s warm-up + ${seconds}s per measurement, servers ` +
    `${sameProcess ? 'IN THE SAME PROCESS as the load generator' : 'in child processes'}`,
);

// Rounds interleave bare and closer so that noise from a shared machine hits both; the ratio of
// each round is computed from that round's bare run, and the median round is the result.
if (values.only !== 'paced') {
  console.log('max throughput (autocannon, closed loop)');
  const ratios = new Map(closerModes.map((background) => [background, []]));
  for (let round = 1; round <= rounds; round += 1) {
    let bare;
    for (const [kind, background] of kinds) {
      const r = await measure(kind, background, false);
      bare ??= r;
      const ratio = r.rps / bare.rps;
      if (kind === 'closer') {
        ratios.get(background).push(ratio);
      }
      console.log(
        `  [${round}] ${label(r)}: ${r.rps.toFixed(0).padStart(5)} req/s` +
          `${kind === 'bare' ? '' : `  ratio ${ratio.toFixed(2)}`}${cpu(r)}${failures(r)}${stored(r)}`,
      );
    }
  }
  for (const [background, values] of ratios) {
    const ratio = median(values);
    console.log(
      `  => closer background=${background}: median ratio ${ratio.toFixed(2)} ` +
        `(rounds: ${values.map((v) => v.toFixed(2)).join(', ')}; target >= 0.60) ` +
        `${ratio >= 0.6 ? 'OK' : 'BELOW TARGET'}`,
    );
  }
}

if (values.only !== 'max') {
  console.log(
    `fixed rate ${rate} req/s, evenly paced (open loop, latency from each request's due time)`,
  );
  const p99s = new Map(kinds.map(([kind, background]) => [label({ kind, background }), []]));
  let saturated = 0;
  for (let round = 1; round <= rounds; round += 1) {
    for (const [kind, background] of kinds) {
      const r = await measure(kind, background, true);
      p99s.get(label(r)).push(r.p99);
      console.log(
        `  [${round}] ${label(r)}: p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, ` +
          `${r.rps.toFixed(0)} req/s${failures(r)}${lag(r)}${stored(r)}`,
      );
      // The bare app falling behind the rate means the machine (shared, 2 cores) cannot serve
      // it right now: that round says nothing about closer.
      if (kind === 'bare' && r.rps < rate * 0.98) {
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
    const target = name.startsWith('closer')
      ? ` (target < 20 ms) ${p99 < 20 ? 'OK' : 'ABOVE TARGET'}`
      : '';
    console.log(
      `  => ${name.trim()}: median p99 ${p99} ms (rounds: ${values.join(', ')})${target}`,
    );
  }
}

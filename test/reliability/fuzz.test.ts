import { TEST_ENV } from '../helpers/closer';
import { eventBridgeEnvelope } from '../helpers/payloads';
import { startCloserUnderFuzz, type CloserUnderFuzz } from './fuzz/closer-under-fuzz';
import {
  auditEndpoint,
  conversationEndpoint,
  eventBridgeEndpoint,
  genesysEndpoint,
  healthzEndpoint,
  metricsEndpoint,
  outcomesEndpoint,
  readyzEndpoint,
  rulesEndpoint,
  rulesTestEndpoint,
  terminateEndpoint,
  unknownPathEndpoint,
  unmatchedEndpoint,
  validateEndpoint,
  webhookEndpoint,
  type FuzzEndpoint,
} from './fuzz/endpoints';
import { vendorWebhookEndpoint } from './fuzz/vendor-webhooks';
import {
  describeRequest,
  judge,
  replayProblems,
  storedDelivery,
  type FuzzCase,
} from './fuzz/judge';
import { rawCase, rawExchange, type RawCase } from './fuzz/raw-http';
import { runLanes } from './fuzz/run-lanes';

/**
 * Property-based fuzzing of every endpoint of one real closer process (`node dist/main.js`)
 * over real HTTP: FUZZ_RUNS generated requests per endpoint (default 10,000), FUZZ_CONCURRENCY
 * in flight (default 12), mostly with valid credentials and signatures so they reach the parsers,
 * the schemas and the rules. Every answer must be a 2xx for input that is in fact valid, else a
 * 4xx JSON error whose code is declared with that status; never a 5xx, never a dropped
 * connection, never a secret. Salesforce sources answer SOAP: the acknowledgement, or a fault
 * sent with HTTP 500 (as SOAP 1.1 requires) that names a declared 4xx code, never a server fault.
 * At the end the process is still up and serving, and its RSS grew by less than 200 MB over the
 * run — measured from a process that has served a warm-up of 300 inputs per endpoint (judged
 * like the rest), not from a cold one: the first minutes of serving size V8's heap and JIT and
 * add 50–100 MiB whatever the input, which would make a cold baseline measure start-up rather
 * than growth. A
 * failure names the seed and path that replay it (FUZZ_SEED=<seed>).
 *
 * `npm run build` first: the process runs dist/. A longer run: FUZZ_RUNS=100000.
 */

const RUNS = positive(process.env.FUZZ_RUNS, 10_000);
const LANES = positive(process.env.FUZZ_CONCURRENCY, 12);
const SEED =
  process.env.FUZZ_SEED === undefined
    ? Math.floor(Math.random() * 2 ** 30)
    : Number(process.env.FUZZ_SEED);
/** RSS the process may gain over the whole run (after the warm-up), in MiB. */
const MAX_RSS_GROWTH_MIB = 200;
/** Inputs per endpoint served before the RSS baseline is read. */
const WARM_UP_RUNS = 300;
/** Per endpoint: a guard against a hang, far above the time a run takes. */
const ENDPOINT_TIMEOUT_MS = Math.max(300_000, RUNS * 60);

function positive(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

const ALL_ENDPOINTS: readonly FuzzEndpoint[] = [
  eventBridgeEndpoint,
  webhookEndpoint,
  vendorWebhookEndpoint,
  validateEndpoint,
  rulesTestEndpoint,
  terminateEndpoint,
  conversationEndpoint,
  outcomesEndpoint,
  unmatchedEndpoint,
  rulesEndpoint,
  genesysEndpoint,
  auditEndpoint,
  healthzEndpoint,
  readyzEndpoint,
  metricsEndpoint,
  unknownPathEndpoint,
];
/** FUZZ_ONLY=<text> fuzzes only the endpoints whose name contains it (`raw` for raw HTTP). */
const ONLY = process.env.FUZZ_ONLY;
const ENDPOINTS = ALL_ENDPOINTS.filter((e) => ONLY === undefined || e.name.includes(ONLY));
const RAW = ONLY === undefined || 'raw HTTP'.includes(ONLY);

let closer: CloserUnderFuzz;
/** Set once closer started (a failed start leaves nothing to stop). */
let stopCloser: (() => Promise<void>) | undefined;
let rssStart = 0;
let rssPeak = 0;
/** RSS of the fresh process, before the warm-up, in MiB (reported). */
let rssCold = 0;
const warmUpFailures: string[] = [];
/** The highest RSS while the current endpoint was fuzzed, in MiB. */
let phasePeak = 0;
let sampler: NodeJS.Timeout | undefined;
const summary: string[] = [];
let totalChecked = 0;

beforeAll(async () => {
  closer = await startCloserUnderFuzz(LANES + 2);
  stopCloser = () => closer.stop();
  rssCold = closer.rssMiB();
  for (const [index, endpoint] of ENDPOINTS.entries()) {
    const report = await runLanes(endpoint.cases, exchange, describeRequest, {
      runs: WARM_UP_RUNS,
      lanes: LANES,
      seed: SEED - 1_000 - index,
    });
    warmUpFailures.push(...report.failures.map((f) => `warm-up ${endpoint.name}: ${f}`));
  }
  rssStart = closer.rssMiB();
  rssPeak = rssStart;
  sampler = setInterval(() => {
    const rss = closer.rssMiB();
    rssPeak = Math.max(rssPeak, rss);
    phasePeak = Math.max(phasePeak, rss);
  }, 250);
}, 180_000);

afterAll(async () => {
  clearInterval(sampler);
  process.stdout.write(
    `fuzz (seed ${SEED}, ${RUNS} runs, ${LANES} lanes):\n${summary.join('\n')}\n`,
  );
  await stopCloser?.();
}, 60_000);

/** Sends one case (twice for a replay) and returns its problems. */
async function exchange(fuzzCase: FuzzCase): Promise<string[]> {
  let answer;
  try {
    answer = await closer.send(fuzzCase.request);
  } catch (error: unknown) {
    return [`no answer (${errorName(error)})`];
  }
  const problems = judge(fuzzCase, answer, closer.secrets);
  if (problems.length > 0 || fuzzCase.replay !== true || !storedDelivery(fuzzCase, answer)) {
    return problems;
  }
  // The same delivery again: acknowledged, not stored twice.
  try {
    return replayProblems(fuzzCase, await closer.send(fuzzCase.request), closer.secrets);
  } catch (error: unknown) {
    return [`no answer to the replay (${errorName(error)})`];
  }
}

function errorName(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
  }
  return String(error);
}

describe('fuzzing every endpoint of a running closer', () => {
  for (const [index, endpoint] of ENDPOINTS.entries()) {
    it(
      `${endpoint.name}: every answer a 2xx or a declared 4xx JSON error`,
      async () => {
        phasePeak = 0;
        const report = await runLanes(endpoint.cases, exchange, describeRequest, {
          runs: RUNS,
          lanes: LANES,
          seed: SEED + index * 1_000,
        });
        totalChecked += report.checked;
        summary.push(
          `  ${endpoint.name}: ${report.checked} in ${(report.elapsedMs / 1000).toFixed(1)} s, RSS up to ${phasePeak.toFixed(0)} MiB`,
        );
        expect(report.failures).toEqual([]);
        expect(report.checked).toBeGreaterThanOrEqual(RUNS);
        expect(closer.service.child.exitCode).toBeNull();
      },
      ENDPOINT_TIMEOUT_MS,
    );
  }

  (RAW ? it : it.skip)(
    'raw HTTP (header injection, smuggling, malformed framing): always an answer, never a 5xx',
    async () => {
      const port = Number(new URL(closer.url).port);
      const report = await runLanes(
        rawCase,
        async (raw: RawCase) =>
          rawProblems(
            raw,
            await rawExchange(port, raw.bytes, { head: raw.head, halfClose: raw.incomplete }),
          ),
        (raw) => raw.label,
        { runs: RUNS, lanes: LANES, seed: SEED + 99_000 },
      );
      totalChecked += report.checked;
      summary.push(`  raw HTTP: ${report.checked} in ${(report.elapsedMs / 1000).toFixed(1)} s`);
      expect(report.failures).toEqual([]);
      expect(report.checked).toBeGreaterThanOrEqual(RUNS);
    },
    ENDPOINT_TIMEOUT_MS,
  );

  it('is still up and serving, grew less than 200 MB and leaked no secret', async () => {
    const rssEnd = closer.rssMiB();
    rssPeak = Math.max(rssPeak, rssEnd);
    const testCpu = process.cpuUsage();
    summary.push(
      `  CPU: closer ${closer.cpuSeconds().toFixed(0)} s, the test process ${((testCpu.user + testCpu.system) / 1e6).toFixed(0)} s`,
      `  RSS: ${rssCold.toFixed(0)} MiB fresh, ${rssStart.toFixed(0)} MiB after the warm-up, ${rssEnd.toFixed(0)} MiB at the end (peak ${rssPeak.toFixed(0)} MiB)`,
    );
    const metrics = (
      await closer.send({ method: 'GET', path: '/metrics', headers: {} })
    ).body.toString();
    const mib = (name: string): string => {
      const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1];
      return value === undefined ? '?' : (Number(value) / 2 ** 20).toFixed(0);
    };
    summary.push(
      `  heap: ${mib('nodejs_heap_size_used_bytes')} of ${mib('nodejs_heap_size_total_bytes')} MiB used, external ${mib('nodejs_external_memory_bytes')} MiB`,
    );
    expect(closer.service.child.exitCode).toBeNull();
    expect(closer.service.child.signalCode).toBeNull();
    const health = await closer.send({ method: 'GET', path: '/healthz', headers: {} });
    expect(health.status).toBe(200);
    const envelope = await closer.send({
      method: 'POST',
      path: '/events/eventbridge',
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_ENV.CLOSER_EVENTBRIDGE_KEY },
      body: JSON.stringify(eventBridgeEnvelope()),
    });
    expect(envelope.status).toBe(202);
    expect(warmUpFailures.slice(0, 5)).toEqual([]);
    expect(rssEnd - rssStart).toBeLessThan(MAX_RSS_GROWTH_MIB);
    const output = closer.service.output();
    expect(closer.secrets.filter((secret) => output.includes(secret))).toEqual([]);
    // 5xx answers are logged as "request failed"; a crash or an abort leaves its mark too.
    const alarming = output
      .split('\n')
      .filter((line) =>
        /request failed|unexpected API error|FATAL|Allocation failed|uncaught/i.test(line),
      );
    expect(alarming.slice(0, 5)).toEqual([]);
    expect(totalChecked).toBeGreaterThanOrEqual(RUNS * (ENDPOINTS.length + (RAW ? 1 : 0)));
  }, 30_000);
});

/** What is wrong with a raw exchange (empty when fine). */
function rawProblems(raw: RawCase, result: Awaited<ReturnType<typeof rawExchange>>): string[] {
  const problems: string[] = [];
  if (result.responses.length === 0) {
    if (!raw.incomplete) {
      problems.push(`no answer${result.error === undefined ? '' : ` (${result.error})`}`);
    }
    return problems;
  }
  if (result.trailing > 0) {
    problems.push(`a truncated answer (${result.trailing} bytes)`);
  }
  for (const [index, response] of result.responses.entries()) {
    const head = raw.head && index === 0;
    problems.push(
      ...judge(
        {
          label: raw.label,
          request: { method: 'RAW', path: '', headers: {} },
          expect: {
            successShape: 'none',
            errorShape: head ? 'none' : raw.validator ? 'validation' : 'error',
          },
        },
        { status: response.status, headers: response.headers, body: Buffer.from(response.body) },
        closer.secrets,
      ),
    );
  }
  return problems;
}

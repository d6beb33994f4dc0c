import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { TEST_API_TOKEN, TEST_ENV, testRulesYaml } from '../../helpers/closer';
import {
  assertBuilt,
  killed,
  startService,
  type ServiceProcess,
} from '../../helpers/service-process';
import { startTestSimulator, type TestSimulator } from '../../helpers/simulator';
import { SECRETS } from '../../integration/robustness/verdicts';

/**
 * One real closer (`node dist/main.js`) for the fuzz suite: a Genesys simulator in the test
 * process, a SQLite file in a temporary directory, and one webhook source per signature scheme.
 * Requests go over real HTTP through one keep-alive pool.
 */

/** Secrets of the extra webhook sources (one per scheme besides the CRM's standard-webhooks). */
export const FUZZ_SECRETS = {
  GITHUB_WEBHOOK_SECRET: 'fuzz-github-secret-0123456789',
  STRIPE_WEBHOOK_SECRET: 'fuzz-stripe-secret-0123456789',
  PLAIN_WEBHOOK_SECRET: 'fuzz-plain-secret-0123456789',
} as const;

/** The webhook sources of the fuzz rules file: name, scheme and the secret it is signed with. */
export const WEBHOOK_SOURCES = [
  { name: 'crm', scheme: 'standard-webhooks', secret: TEST_ENV.CRM_WEBHOOK_SECRET },
  { name: 'gh', scheme: 'github', secret: FUZZ_SECRETS.GITHUB_WEBHOOK_SECRET },
  { name: 'stripe', scheme: 'stripe', secret: FUZZ_SECRETS.STRIPE_WEBHOOK_SECRET },
  { name: 'plain', scheme: 'hmac-sha256', secret: FUZZ_SECRETS.PLAIN_WEBHOOK_SECRET },
] as const;

export type WebhookSourceSpec = (typeof WEBHOOK_SOURCES)[number];

/** The bearer token of the fuzzed closer's API. */
export const API_TOKEN = TEST_API_TOKEN;

/** What a fuzz request is: everything undici sends as given. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** An answer: status, headers (lower-case names) and the raw body. */
export interface FuzzAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The running closer, its simulator and the pool requests go through. */
export interface CloserUnderFuzz {
  url: string;
  pid: number;
  service: ServiceProcess;
  sim: TestSimulator;
  /** Every secret the process knows; none may appear in an answer or in its output. */
  secrets: readonly string[];
  send(request: FuzzRequest): Promise<FuzzAnswer>;
  /** Resident set size of the closer process now, in MiB (`VmRSS` of /proc/<pid>/status). */
  rssMiB(): number;
  /** CPU seconds the closer process has used (user + system, from /proc/<pid>/stat). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** The fuzz rules file: the test rules plus one webhook source per signature scheme. */
function fuzzRulesYaml(): string {
  return testRulesYaml().replace(
    'sources:\n',
    [
      'sources:',
      '  gh: { verify: { scheme: github, secretEnv: GITHUB_WEBHOOK_SECRET } }',
      '  stripe: { verify: { scheme: stripe, secretEnv: STRIPE_WEBHOOK_SECRET } }',
      '  plain: { verify: { scheme: hmac-sha256, secretEnv: PLAIN_WEBHOOK_SECRET, header: x-signature, idHeader: x-delivery-id } }',
      '',
    ].join('\n'),
  );
}

/** Starts the simulator and closer; `connections` is the pool size (the fuzz concurrency). */
export async function startCloserUnderFuzz(connections: number): Promise<CloserUnderFuzz> {
  assertBuilt();
  const sim = await startTestSimulator();
  const dir = mkdtempSync(join(tmpdir(), 'closer-fuzz-'));
  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, fuzzRulesYaml());
  let service: ServiceProcess;
  try {
    service = await startService({
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      GENESYS_API_URL: sim.sim.url,
      GENESYS_CLIENT_ID: sim.clientId,
      GENESYS_CLIENT_SECRET: sim.clientSecret,
      CLOSER_API_TOKEN: API_TOKEN,
      CLOSER_RULES_FILE: rulesFile,
      CLOSER_DATABASE_URL: `sqlite:${join(dir, 'closer.db')}`,
      CLOSER_LOG_LEVEL: 'info',
      // To look inside closer under fuzz, e.g. FUZZ_NODE_OPTIONS=--heapsnapshot-signal=SIGUSR1.
      ...(process.env.FUZZ_NODE_OPTIONS === undefined
        ? {}
        : { NODE_OPTIONS: process.env.FUZZ_NODE_OPTIONS }),
      ...TEST_ENV,
      ...FUZZ_SECRETS,
    });
  } catch (error: unknown) {
    await sim.sim.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const pid = service.child.pid ?? 0;
  const pool = new Pool(service.url, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
  return {
    url: service.url,
    pid,
    service,
    sim,
    secrets: [...SECRETS, ...Object.values(FUZZ_SECRETS), sim.clientSecret, API_TOKEN],
    async send(request) {
      const answer = await pool.request({
        method: request.method,
        path: request.path,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      const body = Buffer.from(await answer.body.arrayBuffer());
      return { status: answer.statusCode, headers: answer.headers, body };
    },
    rssMiB() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN);
      return kib / 1024;
    },
    cpuSeconds() {
      // Fields after the command name: state is 3rd, utime 14th and stime 15th (clock ticks).
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async stop() {
      await pool.close();
      await killed(service.child, 'SIGTERM');
      await sim.sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

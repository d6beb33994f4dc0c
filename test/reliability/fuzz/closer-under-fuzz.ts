import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import type { WebhookVerify } from '../../../src/rules/sources-schema';
import { TEST_API_TOKEN, TEST_ENV, testRulesYaml } from '../../helpers/closer';
import { TEST_SF_ORG_ID } from '../../helpers/crm-payloads';
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
 * process, a SQLite file in a temporary directory, and webhook sources of every scheme.
 * Requests go over real HTTP through one keep-alive pool.
 */

/** The Basic credentials of the `ss-basic` source: `user:password`. */
const BASIC_USER = 'closer';
const BASIC_PASSWORD = 'fuzz-ss-basic-password-0123456789';

/** Secrets of the extra webhook sources (each scheme besides the CRM's standard-webhooks). */
export const FUZZ_SECRETS = {
  GITHUB_WEBHOOK_SECRET: 'fuzz-github-secret-0123456789',
  STRIPE_WEBHOOK_SECRET: 'fuzz-stripe-secret-0123456789',
  PLAIN_WEBHOOK_SECRET: 'fuzz-plain-secret-0123456789',
  ZENDESK_WEBHOOK_SECRET: 'fuzz-zendesk-secret-0123456789',
  HUBSPOT_CLIENT_SECRET: 'fuzz-hubspot-secret-0123456789',
  INTERCOM_CLIENT_SECRET: 'fuzz-intercom-secret-0123456789',
  SS_HEADER_TOKEN: 'fuzz-ss-header-token-0123456789',
  SS_BASIC_CREDENTIALS: `${BASIC_USER}:${BASIC_PASSWORD}`,
  SS_BEARER_TOKEN: 'fuzz-ss-bearer-token-0123456789',
  SS_QUERY_TOKEN: 'fuzz-ss-query-token-0123456789',
  SS_PATH_TOKEN: 'fuzz-ss-path-token-0123456789',
  SF_OUTBOUND_TOKEN: 'fuzz-sf-outbound-token-0123456789',
} as const;

/** The webhook sources of the fuzz rules file: name, scheme and the secret it is signed with. */
export const WEBHOOK_SOURCES = [
  { name: 'crm', scheme: 'standard-webhooks', secret: TEST_ENV.CRM_WEBHOOK_SECRET },
  { name: 'gh', scheme: 'github', secret: FUZZ_SECRETS.GITHUB_WEBHOOK_SECRET },
  { name: 'stripe', scheme: 'stripe', secret: FUZZ_SECRETS.STRIPE_WEBHOOK_SECRET },
  { name: 'plain', scheme: 'hmac-sha256', secret: FUZZ_SECRETS.PLAIN_WEBHOOK_SECRET },
] as const;

export type WebhookSourceSpec = (typeof WEBHOOK_SOURCES)[number];

/** The URL the `hubspot` source says HubSpot calls (its v3 signatures cover it). */
export const HUBSPOT_PUBLIC_URL = 'https://closer.example.com/webhooks/hubspot';

/** The organization the Salesforce sources accept (18 characters, valid case suffix). */
export const SF_ORG_ID = TEST_SF_ORG_ID;

/**
 * A vendor webhook source of the fuzz rules file: its name, `verify` as closer resolves it
 * (preset defaults written out), whether a JSON array is one delivery per item, how it answers,
 * its secret, and the YAML that configures it.
 */
export interface VendorSourceSpec {
  name: string;
  verify: WebhookVerify;
  eachItem: boolean;
  answer: 'closer' | 'ok-200' | 'soap';
  secret: string;
  yaml: string;
}

/** The vendor schemes: signed (Zendesk, HubSpot v3, Intercom) and token (shared secret, Salesforce). */
export const VENDOR_SOURCES = {
  zendesk: {
    name: 'zendesk',
    verify: {
      scheme: 'zendesk',
      secretEnv: 'ZENDESK_WEBHOOK_SECRET',
      idHeader: 'x-zendesk-webhook-invocation-id',
      toleranceSeconds: 300,
    },
    eachItem: false,
    answer: 'closer',
    secret: FUZZ_SECRETS.ZENDESK_WEBHOOK_SECRET,
    yaml: '{ preset: zendesk }',
  },
  hubspot: {
    name: 'hubspot',
    verify: {
      scheme: 'hubspot-v3',
      secretEnv: 'HUBSPOT_CLIENT_SECRET',
      idPath: '$.eventId',
      toleranceSeconds: 300,
      publicUrl: HUBSPOT_PUBLIC_URL,
    },
    eachItem: true,
    answer: 'closer',
    secret: FUZZ_SECRETS.HUBSPOT_CLIENT_SECRET,
    yaml: `{ preset: hubspot, verify: { publicUrl: "${HUBSPOT_PUBLIC_URL}" } }`,
  },
  intercom: {
    name: 'intercom',
    verify: { scheme: 'intercom', secretEnv: 'INTERCOM_CLIENT_SECRET', idPath: '$.id' },
    eachItem: false,
    answer: 'closer',
    secret: FUZZ_SECRETS.INTERCOM_CLIENT_SECRET,
    yaml: '{ preset: intercom }',
  },
  ssHeader: {
    name: 'ss-header',
    verify: {
      scheme: 'shared-secret',
      secretEnv: 'SS_HEADER_TOKEN',
      in: 'header',
      header: 'x-closer-token',
      idHeader: 'x-delivery-id',
    },
    eachItem: false,
    answer: 'closer',
    secret: FUZZ_SECRETS.SS_HEADER_TOKEN,
    yaml: '{ verify: { scheme: shared-secret, secretEnv: SS_HEADER_TOKEN, in: header, header: X-Closer-Token, idHeader: x-delivery-id } }',
  },
  ssBasic: {
    name: 'ss-basic',
    verify: { scheme: 'shared-secret', secretEnv: 'SS_BASIC_CREDENTIALS', in: 'basic' },
    eachItem: false,
    answer: 'closer',
    secret: FUZZ_SECRETS.SS_BASIC_CREDENTIALS,
    yaml: '{ verify: { scheme: shared-secret, secretEnv: SS_BASIC_CREDENTIALS, in: basic } }',
  },
  ssBearer: {
    name: 'ss-bearer',
    verify: { scheme: 'shared-secret', secretEnv: 'SS_BEARER_TOKEN', in: 'bearer' },
    eachItem: false,
    answer: 'ok-200',
    secret: FUZZ_SECRETS.SS_BEARER_TOKEN,
    yaml: '{ verify: { scheme: shared-secret, secretEnv: SS_BEARER_TOKEN, in: bearer }, answer: ok-200 }',
  },
  ssQuery: {
    name: 'ss-query',
    verify: {
      scheme: 'shared-secret',
      secretEnv: 'SS_QUERY_TOKEN',
      in: 'query',
      param: 'token',
      idPath: '$.id',
    },
    eachItem: true,
    answer: 'ok-200',
    secret: FUZZ_SECRETS.SS_QUERY_TOKEN,
    yaml: '{ verify: { scheme: shared-secret, secretEnv: SS_QUERY_TOKEN, in: query, param: token, idPath: $.id }, answer: ok-200, eachItem: true }',
  },
  ssPath: {
    name: 'ss-path',
    verify: { scheme: 'shared-secret', secretEnv: 'SS_PATH_TOKEN', in: 'path' },
    eachItem: false,
    answer: 'closer',
    secret: FUZZ_SECRETS.SS_PATH_TOKEN,
    yaml: '{ verify: { scheme: shared-secret, secretEnv: SS_PATH_TOKEN, in: path } }',
  },
  sf: {
    name: 'sf',
    verify: {
      scheme: 'salesforce-outbound-message',
      secretEnv: 'SF_OUTBOUND_TOKEN',
      organizationId: SF_ORG_ID,
    },
    eachItem: false,
    answer: 'soap',
    secret: FUZZ_SECRETS.SF_OUTBOUND_TOKEN,
    yaml: `{ verify: { scheme: salesforce-outbound-message, secretEnv: SF_OUTBOUND_TOKEN, organizationId: ${SF_ORG_ID} } }`,
  },
  sfQuery: {
    name: 'sf-query',
    verify: {
      scheme: 'salesforce-outbound-message',
      secretEnv: 'SF_OUTBOUND_TOKEN',
      organizationId: SF_ORG_ID.slice(0, 15),
      in: 'query',
      param: 'token',
    },
    eachItem: false,
    answer: 'soap',
    secret: FUZZ_SECRETS.SF_OUTBOUND_TOKEN,
    yaml: `{ verify: { scheme: salesforce-outbound-message, secretEnv: SF_OUTBOUND_TOKEN, organizationId: ${SF_ORG_ID.slice(0, 15)}, in: query, param: token } }`,
  },
} as const satisfies Record<string, VendorSourceSpec>;

/**
 * Event rules for the vendor sources, so accepted deliveries reach the rules (their conversations
 * do not exist in the simulator: a match is recorded as not found, nothing is ended).
 */
const VENDOR_RULES = [
  [
    'zendesk',
    '{ type: [zen:event-type:ticket.status_changed], detail: { status: [solved] } }',
    '$.detail.external_id',
  ],
  [
    'hubspot',
    '{ subscriptionType: [ticket.propertyChange], propertyName: [genesys_chat_ended] }',
    '$.propertyValue',
  ],
  [
    'intercom',
    '{ type: [notification_event], topic: [conversation.admin.closed] }',
    '$.data.item.custom_attributes.genesys_conversation_id',
  ],
  ...['ss-header', 'ss-basic', 'ss-bearer', 'ss-query', 'ss-path'].map((source) => [
    source,
    '{ status: [closed] }',
    '$.conversation_id',
  ]),
  ...['sf', 'sf-query'].map((source) => [
    source,
    '{ attributes: { type: [Case] }, Status: [Closed] }',
    '$.Genesys_Conversation_Id__c',
  ]),
]
  .map(
    ([source, pattern, conversationId]) => `
  - id: ${source}-closed
    kind: event
    source: ${source}
    pattern: ${pattern}
    conversationId: ${conversationId}
    close: { message: "Closed." }`,
  )
  .join('');

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

/** The fuzz rules file: the test rules plus one webhook source per scheme, and their rules. */
function fuzzRulesYaml(): string {
  return testRulesYaml({ extraRules: VENDOR_RULES }).replace(
    'sources:\n',
    [
      'sources:',
      '  gh: { verify: { scheme: github, secretEnv: GITHUB_WEBHOOK_SECRET } }',
      '  stripe: { verify: { scheme: stripe, secretEnv: STRIPE_WEBHOOK_SECRET } }',
      '  plain: { verify: { scheme: hmac-sha256, secretEnv: PLAIN_WEBHOOK_SECRET, header: x-signature, idHeader: x-delivery-id } }',
      ...Object.values(VENDOR_SOURCES).map((source) => `  ${source.name}: ${source.yaml}`),
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
    secrets: [
      ...SECRETS,
      ...Object.values(FUZZ_SECRETS),
      BASIC_PASSWORD,
      sim.clientSecret,
      API_TOKEN,
    ],
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

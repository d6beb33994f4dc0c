import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/timers/clock';
import { createCloser, type Closer } from '../../src/service';
import { genesysObserver } from '../../src/service/genesys-observer';
import { openStore } from '../../src/store';
import type { Store, Outcome } from '../../src/store/store';
import { GenesysClient, type GenesysClientOptions } from '../../src/genesys';
import { createLogger, type Logger } from '../../src/observability/logger';
import { createMetrics } from '../../src/observability';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { CLOSER_PERMISSIONS } from '../../src/genesys';
import {
  startQueueNotifications,
  type QueueNotifications,
} from '../../src/service/queue-notifications';
import type { ReconcileReport } from '../../src/intake';
import { createStoreDatabase, e2eStoreKind } from './test-stores';

/** Secrets the test rules file names; fixed so tests can sign webhooks. */
export const TEST_ENV = {
  CLOSER_EVENTBRIDGE_KEY: 'eb-key-0123456789abcdef',
  CRM_WEBHOOK_SECRET: `whsec_${Buffer.from('crm-secret-0123456789abcdef!').toString('base64')}`,
} as const;

export const TEST_API_TOKEN = 'test-api-token-0123456789abcdef';

/** The OAuth client closer uses against the simulator (re-register it to change its permissions). */
export const TEST_GENESYS_CLIENT = {
  clientId: 'e2e-client',
  clientSecret: 'e2e-secret-0123456789',
} as const;

/**
 * The `sources` of a rules file for the intakes tests use: EventBridge by API key, the CRM by
 * Standard Webhooks (the secrets' variables as in TEST_ENV). Ends with a newline.
 */
export const TEST_SOURCES_YAML = `sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
  crm: { verify: { scheme: standard-webhooks, secretEnv: CRM_WEBHOOK_SECRET } }
`;

/** The CRM "ticket closed" event rule, a list item under `rules:`. Ends with a newline. */
export const CRM_TICKET_RULE_YAML = `  - id: crm-ticket-closed
    kind: event
    source: crm
    pattern: { type: [ticket.closed] }
    conversationId: $.data.conversationId
    close: { message: "Your ticket is resolved, so this chat is closing." }
`;

/** A rules file with a customer-idle rule (20m, warn 2m before) and the CRM ticket rule. */
export function testRulesYaml(
  overrides: {
    dryRun?: boolean;
    idleSide?: 'customer' | 'agent' | 'any';
    /** `idle.while` phases of the idle rule (absent: every phase). */
    idleWhile?: string[];
    /** Extra rules appended (YAML list items, indented two spaces). */
    extraRules?: string;
  } = {},
): string {
  return `
dryRun: ${overrides.dryRun === true ? 'true' : 'false'}
sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
  crm: { verify: { scheme: standard-webhooks, secretEnv: CRM_WEBHOOK_SECRET } }
rules:
  - id: idle-web-customer
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: ${overrides.idleSide ?? 'customer'}, after: 20m${overrides.idleWhile === undefined ? '' : `, while: [${overrides.idleWhile.join(', ')}]`} }
    warn: { before: 2m, message: "Are you still there?" }
    close: { message: "We closed this chat after 20 minutes without a reply." }
  - id: crm-ticket-closed
    kind: event
    source: crm
    pattern: { type: [ticket.closed] }
    conversationId: $.data.conversationId
    eventTime: $.data.closedAt
    close: { message: "Your ticket is resolved, so this chat is closing." }
${overrides.extraRules ?? ''}`;
}

/** closer wired to a real simulator, a real SQLite file and a ManualClock, listening on port 0. */
export interface TestCloser {
  closer: Closer;
  /** closer's base URL (real HTTP; the simulator delivers EventBridge envelopes here). */
  url: string;
  sim: RunningSimulator;
  clock: ManualClock;
  store: Store;
  rulesFile: string;
  dir: string;
  /** The store's URL (SQLite in `dir`, or a PostgreSQL database with `CLOSER_TEST_STORE=postgres`). */
  databaseUrl: string;
  outcomes: Outcome[];
  logs: string[];
  /**
   * The Genesys notification WebSocket intake, when started with `notificationQueues` (stopped by
   * `close()`, re-created by `restart()`); `notificationsAccepted` counts notifications it stored.
   */
  notifications: QueueNotifications | undefined;
  notificationsAccepted: number;
  /** Reconciliations the WebSocket intake ran, with what each found. */
  reconciliations: ReconcileReport[];
  /** Waits for the simulator's event deliveries, then runs closer's inbox and due timers. */
  settle(): Promise<void>;
  /** Simulates a crash-free restart: stops closer, closes the store, opens both again. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** What {@link startTestCloser} takes. */
export interface TestCloserOptions {
  rulesYaml?: string;
  watchRules?: boolean;
  permissions?: string[];
  /** Also start the notification WebSocket intake for these queue ids (as run-service does). */
  notificationQueues?: string[];
  /** Publish audit events through the outbox to this EventBridge endpoint (bus `closer-audit`). */
  auditEndpoint?: string;
  /**
   * Genesys client tuning (e.g. a short `timeoutMs` so answers held past it cost little real
   * time, or `requestsPerSecond` above the default 25 for hundreds of conversations).
   */
  genesys?: Pick<
    GenesysClientOptions,
    'timeoutMs' | 'requestsPerSecond' | 'maxRetries' | 'maxConcurrency'
  >;
  /** Environment variables added to TEST_ENV (e.g. more webhook secrets). */
  env?: Record<string, string>;
}

export async function startTestCloser(options: TestCloserOptions = {}): Promise<TestCloser> {
  const dir = mkdtempSync(join(tmpdir(), 'closer-e2e-'));
  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, options.rulesYaml ?? testRulesYaml());
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 9, 0, 0));
  const sim = await startSimulator({ clock });
  sim.registerClient({
    ...TEST_GENESYS_CLIENT,
    permissions: options.permissions ?? [...CLOSER_PERMISSIONS],
  });
  const logs: string[] = [];
  const logger: Logger = createLogger({
    level: 'debug',
    stream: new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(chunk.toString());
        cb();
      },
    }),
  });
  const metrics = createMetrics({ defaultMetrics: false });
  const genesys = new GenesysClient({
    // As run-service wires it (one function for both).
    observer: genesysObserver(metrics),
    ...TEST_GENESYS_CLIENT,
    apiUrl: sim.url,
    loginUrl: sim.url,
    logger,
    baseBackoffMs: 5,
    ...options.genesys,
  });
  const postgres =
    e2eStoreKind() === 'postgres' ? await createStoreDatabase('postgres') : undefined;
  const databaseUrl = postgres?.url ?? `sqlite:${join(dir, 'closer.db')}`;
  const outcomes: Outcome[] = [];
  let store = await openStore(databaseUrl);
  const build = (): Closer =>
    createCloser({
      store,
      metrics,
      rulesFile,
      genesys,
      clock,
      logger,
      apiToken: TEST_API_TOKEN,
      env: { ...TEST_ENV, ...options.env },
      watchRules: options.watchRules ?? false,
      background: false,
      onOutcome: (o) => outcomes.push(o),
      ...(options.auditEndpoint === undefined
        ? {}
        : {
            audit: {
              busName: 'closer-audit',
              region: 'eu-west-1',
              endpoint: options.auditEndpoint,
              credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'not-a-real-secret' },
            },
          }),
    });
  let closer = build();
  let server = await listen(closer);
  const startNotifications = (): QueueNotifications | undefined =>
    options.notificationQueues === undefined
      ? undefined
      : startQueueNotifications({
          genesys,
          store,
          queueIds: options.notificationQueues,
          clock,
          logger,
          metrics,
          reconcileIntervalMs: 0,
          onAccepted: (count) => {
            handle.notificationsAccepted += count;
          },
          onReconciled: (report) => {
            handle.reconciliations.push(report);
          },
        });
  const handle: TestCloser = {
    closer,
    url: urlOf(server),
    sim,
    clock,
    store,
    rulesFile,
    dir,
    databaseUrl,
    outcomes,
    logs,
    notifications: undefined,
    notificationsAccepted: 0,
    reconciliations: [],
    async settle() {
      for (let i = 0; i < 5; i += 1) {
        await sim.flushEvents();
        await handle.closer.settle();
      }
    },
    async restart() {
      await handle.notifications?.stop();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      await closer.stop();
      await store.close();
      store = await openStore(databaseUrl);
      closer = build();
      server = await listen(closer);
      handle.closer = closer;
      handle.store = store;
      handle.url = urlOf(server);
      handle.notifications = startNotifications();
      connectEvents();
    },
    async close() {
      sim.setEventTarget(undefined);
      await handle.notifications?.stop();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      // A test may have closed the store on purpose (readiness): shut the rest down regardless.
      await closer.stop().catch(() => undefined);
      await genesys.close();
      await store.close().catch(() => undefined);
      await sim.close();
      await postgres?.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const connectEvents = (): void => {
    sim.setEventTarget({
      url: `${handle.url}/events/eventbridge`,
      headers: { 'x-api-key': TEST_ENV.CLOSER_EVENTBRIDGE_KEY },
    });
  };
  connectEvents();
  handle.notifications = startNotifications();
  return handle;
}

function listen(closer: Closer): Promise<Server> {
  return new Promise((resolve) => {
    const server = closer.app.listen(0, '127.0.0.1', () => {
      resolve(server);
    });
  });
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

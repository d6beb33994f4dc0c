import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createCloser, type Closer } from '../../../src/service';
import { ProcessingThread } from '../../../src/service/processing-thread';
import { openStore } from '../../../src/store';
import type { Outcome, Store } from '../../../src/store/store';
import { CLOSER_PERMISSIONS, GenesysClient } from '../../../src/genesys';
import { createLogger } from '../../../src/observability/logger';
import { createMetrics } from '../../../src/observability';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import {
  TEST_ENV,
  TEST_GENESYS_CLIENT,
  CRM_TICKET_RULE_YAML,
  TEST_SOURCES_YAML,
} from '../../helpers/closer';
import { signedWebhook } from '../../helpers/payloads';
import { assertBuilt, until } from '../../helpers/service-process';
import { createStoreDatabase, e2eStoreKind } from '../../helpers/test-stores';

/**
 * The service's default processing (`CLOSER_PROCESSING_THREAD=on`): stored events planned on a
 * worker thread with its own connection to the SQLite file, timers fired and Genesys called on
 * the main thread. Real time (the thread runs on the system clock), real HTTP, the simulator.
 */

const rulesYaml = (extraRules = ''): string => `
${TEST_SOURCES_YAML}rules:
  - id: idle-customer
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 10s }
    close: { message: "Closed after 10 seconds without a reply." }
${CRM_TICKET_RULE_YAML}${extraRules}`;

interface Running {
  closer: Closer;
  databaseUrl: string;
  removeDatabase: () => Promise<void>;
  store: Store;
  sim: RunningSimulator;
  genesys: GenesysClient;
  server: Server;
  url: string;
  dir: string;
  rulesFile: string;
  logs: string[];
  outcomes: Outcome[];
  metrics: () => Promise<string>;
}

async function start(options: { threadDatabaseUrl?: string } = {}): Promise<Running> {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'closer-thread-'));
  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, rulesYaml());
  const sim = await startSimulator();
  sim.registerClient({ ...TEST_GENESYS_CLIENT, permissions: [...CLOSER_PERMISSIONS] });
  const logs: string[] = [];
  const logger = createLogger({
    level: 'info',
    stream: new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  });
  // A SQLite file (a companion connection on the thread), or with CLOSER_TEST_STORE=postgres a
  // PostgreSQL database (a pool of the thread's own).
  const postgres =
    e2eStoreKind() === 'postgres' ? await createStoreDatabase('postgres') : undefined;
  const databaseUrl = postgres?.url ?? `sqlite:${join(dir, 'closer.db')}`;
  const store = await openStore(databaseUrl);
  const genesys = new GenesysClient({
    ...TEST_GENESYS_CLIENT,
    apiUrl: sim.url,
    loginUrl: sim.url,
    logger,
  });
  const metrics = createMetrics({ defaultMetrics: false });
  const outcomes: Outcome[] = [];
  const closer = createCloser({
    store,
    metrics,
    rulesFile,
    genesys,
    logger,
    env: { ...TEST_ENV },
    apiToken: 'thread-test-token-0123456789',
    watchRules: true,
    background: true,
    processingThread: { databaseUrl: options.threadDatabaseUrl ?? databaseUrl },
    onOutcome: (outcome) => outcomes.push(outcome),
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = closer.app.listen(0, '127.0.0.1', () => {
      resolve(listening);
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sim.setEventTarget({
    url: `${url}/events/eventbridge`,
    headers: { 'x-api-key': TEST_ENV.CLOSER_EVENTBRIDGE_KEY },
  });
  return {
    closer,
    databaseUrl,
    removeDatabase: () => postgres?.remove() ?? Promise.resolve(),
    store,
    sim,
    genesys,
    server,
    url,
    dir,
    rulesFile,
    logs,
    outcomes,
    metrics: () => metrics.registry.metrics(),
  };
}

async function stop(r: Running): Promise<void> {
  r.sim.setEventTarget(undefined);
  await new Promise<void>((resolve) => {
    r.server.close(() => {
      resolve();
    });
  });
  await r.closer.stop();
  await r.genesys.close();
  await r.store.close();
  await r.sim.close();
  await r.removeDatabase();
  rmSync(r.dir, { recursive: true, force: true });
}

/** A web-messaging chat where the agent answered the customer (the customer's turn to write). */
async function answeredChat(sim: RunningSimulator): Promise<string> {
  const conv = sim.createConversation({ messageType: 'webmessaging' });
  sim.postMessage(conv.id, 'customer', 'Hello?');
  sim.postMessage(conv.id, 'agent', 'Hi! How can I help?');
  await sim.flushEvents();
  return conv.id;
}

function crmWebhook(type: string, conversationId: string) {
  return signedWebhook(
    'standard-webhooks',
    TEST_ENV.CRM_WEBHOOK_SECRET,
    { type, data: { ticketId: 'T-9', conversationId } },
    { nowMs: Date.now() },
  );
}

/** The closer's inbox as the processing thread it must be here. */
function threadOf(closer: Closer): ProcessingThread {
  const { inbox } = closer;
  if (!(inbox instanceof ProcessingThread)) {
    throw new Error('the inbox is not run by a processing thread');
  }
  return inbox;
}

const logged = (r: Running, text: string): boolean => r.logs.some((line) => line.includes(text));

describe('processing on the worker thread (the service default)', () => {
  let running: Running | undefined;

  afterEach(async () => {
    if (running !== undefined) {
      await stop(running);
      running = undefined;
    }
  });

  it('plans on the thread, ends on the main thread, and reports the thread’s outcomes and metrics here', async () => {
    const r = await start();
    running = r;
    expect(r.closer.inbox).toBeInstanceOf(ProcessingThread);
    await until('the thread to open its store', () =>
      logged(r, 'processing stored events on a worker thread'),
    );

    const id = await answeredChat(r.sim);
    await until('the idle timer planned from the events', async () =>
      (await r.store.listTimers(id)).some((t) => t.ruleId === 'idle-customer'),
    );
    expect(threadOf(r.closer).onThread).toBe(true);
    const ready = await request(r.url).get('/readyz').expect(200);
    expect(ready.body).toMatchObject({
      reports: { processing: { thread: 'running', processingOn: 'processing thread' } },
    });

    // The timer comes due 10 s after the agent's answer; the main thread ends the chat.
    await until(
      'the chat ended by the idle rule',
      () => r.sim.conversation(id)?.state === 'disconnected',
      25_000,
    );
    expect(r.sim.conversation(id)?.disconnectCount).toBe(1);
    await until('the terminated outcome', () =>
      r.outcomes.some((o) => o.kind === 'terminated' && o.conversationId === id),
    );

    // A CRM event for the chat that is over: decided on the thread, reported here.
    const late = crmWebhook('ticket.closed', id);
    await request(r.url).post('/webhooks/crm').set(late.headers).send(late.body).expect(202);
    await until('the event rule’s outcome from the thread', () =>
      r.outcomes.some((o) => o.ruleId === 'crm-ticket-closed' && o.conversationId === id),
    );
    const fromThread = r.outcomes.find((o) => o.ruleId === 'crm-ticket-closed');
    expect(fromThread?.kind).not.toBe('terminated');
    const other = crmWebhook('ticket.opened', id);
    await request(r.url).post('/webhooks/crm').set(other.headers).send(other.body).expect(202);
    await until('the unmatched delivery counted on the main thread', async () =>
      /^closer_unmatched_deliveries_total\{source="crm"\} 1$/m.test(await r.metrics()),
    );
    const text = await r.metrics();
    expect(text).toMatch(
      new RegExp(
        `^closer_outcomes_total\\{rule="crm-ticket-closed",kind="${fromThread?.kind}"\\} 1$`,
        'm',
      ),
    );
    expect(text).toMatch(/^closer_inbox_pending 0$/m);
    // The thread's log lines reach the main logger.
    expect(logged(r, 'delivery matched no rule')).toBe(true);
  }, 40_000);

  it('loses nothing while intake and the thread write the database at once', async () => {
    const r = await start();
    running = r;
    // Intake stores deliveries on the main thread while the thread commits its plans: 80 chats
    // delivered together, and every one planned, with no write refused for a lock.
    const ids = Array.from({ length: 80 }, () => {
      const conv = r.sim.createConversation({ messageType: 'webmessaging' });
      r.sim.postMessage(conv.id, 'customer', 'Hello?');
      r.sim.postMessage(conv.id, 'agent', 'Hi! How can I help?');
      return conv.id;
    });
    await r.sim.flushEvents();
    await until('every chat planned', async () => {
      const armed = await Promise.all(ids.map((id) => r.store.listTimers(id)));
      return armed.every((timers) => timers.some((t) => t.ruleId === 'idle-customer'));
    });
    await until('the inbox empty', async () => (await r.store.countPendingEvents()) === 0);
    expect(r.logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  }, 30_000);

  it('plans with a changed rules file at once, re-planning a quiet chat on the thread', async () => {
    const r = await start();
    running = r;
    const id = await answeredChat(r.sim);
    await until('the first rule’s timer', async () =>
      (await r.store.listTimers(id)).some((t) => t.ruleId === 'idle-customer'),
    );
    writeFileSync(
      r.rulesFile,
      rulesYaml(`  - id: long-chats
    kind: max-duration
    match: { messageType: [webmessaging] }
    maxDuration: { after: 2h }
    close: { message: "This chat has been open two hours." }
`),
    );
    await until(
      'the new rule’s timer on the quiet chat',

      async () => (await r.store.listTimers(id)).some((t) => t.ruleId === 'long-chats'),
      15_000,
    );
    // Re-planned on the thread, after the new rules reached it (its log line comes here).
    expect(r.logs.some((l) => l.includes('re-planned') && l.includes('"timersChanged":1'))).toBe(
      true,
    );
  }, 30_000);

  it('processes on the main thread when the thread cannot open the store, and says so', async () => {
    const r = await start({ threadDatabaseUrl: 'sqlite:/dev/null/closer.db' });
    running = r;
    await until('the log line naming the fallback', () =>
      logged(r, 'stored events are processed on the main thread'),
    );
    expect(threadOf(r.closer).onThread).toBe(false);
    // Reported, never failing readiness: intake keeps storing, the main thread processes.
    const ready = await request(r.url).get('/readyz').expect(200);
    expect(ready.body).toMatchObject({
      reports: { processing: { thread: 'failed', processingOn: 'main thread' } },
    });
    expect(JSON.stringify(ready.body)).toContain('could not open the store');
    const id = await answeredChat(r.sim);
    await until('the idle timer planned on the main thread', async () =>
      (await r.store.listTimers(id)).some((t) => t.ruleId === 'idle-customer'),
    );
  }, 30_000);

  it('stops the thread with the pipeline: later drains do nothing, the database opens again', async () => {
    const r = await start();
    running = undefined;
    await until('the thread to open its store', () =>
      logged(r, 'processing stored events on a worker thread'),
    );
    const id = await answeredChat(r.sim);
    await until('the idle timer', async () =>
      (await r.store.listTimers(id)).some((t) => t.ruleId === 'idle-customer'),
    );
    await r.closer.stop();
    const thread = threadOf(r.closer);
    expect(thread.onThread).toBe(false);
    expect(await thread.drain()).toBe(0);
    // No error was logged for an expected exit.
    expect(logged(r, 'processed on the main thread')).toBe(false);
    await r.store.close();
    const again = await openStore(r.databaseUrl);
    expect((await again.listTimers(id)).map((t) => t.ruleId)).toContain('idle-customer');
    await again.close();
    r.sim.setEventTarget(undefined);
    r.server.close();
    await r.genesys.close();
    await r.sim.close();
    await r.removeDatabase();
    rmSync(r.dir, { recursive: true, force: true });
  }, 30_000);
});

import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Pool } from 'undici';
import { CLOSER_PERMISSIONS } from '../../src/genesys';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { eventBridgeEnvelope, signedWebhook } from '../helpers/payloads';
import {
  assertBuilt,
  killed,
  startService,
  until,
  type ServiceProcess,
} from '../helpers/service-process';
import { CRM_TICKET_RULE_YAML, TEST_SOURCES_YAML } from '../helpers/closer';

/**
 * Issue 8, part 5: SIGTERM under keep-alive load. closer stops accepting, answers in flight go out
 * with `Connection: close`, idle connections end at once, work in flight gets until
 * CLOSER_SHUTDOWN_TIMEOUT, and the process exits 0 within it — timers given back (none left
 * leased), and on-demand terminations cut short completed after a restart, each exactly once with
 * one closing message (the simulator's request log) and an outcome recorded.
 */

const API_TOKEN = 'shutdown-test-token-0123456789';
const EVENTBRIDGE_KEY = 'eb-key-shutdown-0123456789';
const CRM_SECRET = `whsec_${Buffer.from('crm-shutdown-secret-0123456789').toString('base64')}`;
const CLIENT = { clientId: 'shutdown-client', clientSecret: 'shutdown-secret-0123456789' };

const RULES = `
${TEST_SOURCES_YAML}rules:
  - id: idle-chat
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 20m }
    close: { message: "We closed this chat after 20 minutes without a reply." }
${CRM_TICKET_RULE_YAML}`;

/** A started closer and a promise of its exit (code, and when it happened). */
interface Running {
  service: ServiceProcess;
  exited: Promise<{ code: number | null; at: number }>;
}

describe('SIGTERM: a bounded, graceful shutdown', () => {
  let sim: RunningSimulator;
  let dir: string;
  let database: string;
  const started: Running[] = [];

  beforeAll(() => {
    assertBuilt();
  });
  beforeEach(async () => {
    sim = await startSimulator({ port: 0 });
    sim.registerClient({ ...CLIENT, permissions: [...CLOSER_PERMISSIONS] });
    dir = mkdtempSync(join(tmpdir(), 'closer-shutdown-'));
    database = join(dir, 'closer.db');
    writeFileSync(join(dir, 'rules.yaml'), RULES);
  });
  afterEach(async () => {
    for (const run of started.splice(0)) {
      await killed(run.service.child, 'SIGKILL');
    }
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const serve = async (env: Record<string, string> = {}): Promise<Running> => {
    const service = await startService(
      {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        GENESYS_CLIENT_ID: CLIENT.clientId,
        GENESYS_CLIENT_SECRET: CLIENT.clientSecret,
        GENESYS_API_URL: sim.url,
        CLOSER_API_TOKEN: API_TOKEN,
        CLOSER_DATABASE_URL: `sqlite:${database}`,
        CLOSER_RULES_FILE: join(dir, 'rules.yaml'),
        CLOSER_EVENTBRIDGE_KEY: EVENTBRIDGE_KEY,
        CRM_WEBHOOK_SECRET: CRM_SECRET,
        CLOSER_LOG_LEVEL: 'info',
        ...env,
      },
      30_000,
    );
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => {
      service.child.once('exit', (code) => {
        resolve({ code, at: Date.now() });
      });
    });
    const run = { service, exited };
    started.push(run);
    return run;
  };

  /** Rows of the database file once closer has exited. */
  const query = <T>(sql: string): T[] => {
    const db = new Database(database, { readonly: true, fileMustExist: true });
    try {
      return db.prepare<[], T>(sql).all();
    } finally {
      db.close();
    }
  };

  it('under keep-alive load with timers firing against a slow Genesys: stops accepting, closes every connection, gives every timer back, exits 0 within the bound', async () => {
    const boundMs = 4_000;
    const { service, exited } = await serve({ CLOSER_SHUTDOWN_TIMEOUT: `${boundMs}ms` });
    const port = Number(new URL(service.url).port);

    // 30 CRM webhooks: 30 due-now timers. Genesys answers each call after 1.5 s, so at SIGTERM
    // some firings are in flight and the rest of their batch waits its turn.
    const conversations = Array.from({ length: 30 }, () => sim.createConversation().id);
    sim.setLatency(1_500);
    for (const conversationId of conversations) {
      const hook = signedWebhook(
        'standard-webhooks',
        CRM_SECRET,
        { type: 'ticket.closed', data: { conversationId } },
        { nowMs: Date.now() },
      );
      const res = await fetch(`${service.url}/webhooks/crm`, {
        method: 'POST',
        headers: hook.headers,
        body: hook.body,
      });
      expect(res.status).toBe(202);
    }
    await until('firings to reach Genesys', () =>
      sim.requests.some((r) => r.method === 'GET' && conversations.some((c) => r.path.endsWith(c))),
    );

    // An idle keep-alive connection: one answered request, then nothing.
    const idle = await keepAliveSocket(port);
    // Keep-alive load: intake events and health checks on 6 connections, without pause.
    const pool = new Pool(service.url, { connections: 6, keepAliveTimeout: 30_000 });
    const load = startLoad(pool);
    await until('load on every connection', () => load.answered() >= 60);

    const sigtermAt = Date.now();
    service.child.kill('SIGTERM');
    const idleClosedAt = once(idle, 'close').then(() => Date.now());

    // Stops accepting while still running (the timers in flight keep it busy for a while).
    await until(
      'new connections refused',
      async () => (await tryConnect(port)) === 'refused',
      3_000,
    );
    expect(service.child.exitCode).toBeNull();

    const { code, at } = await exited;
    await load.stop();
    await pool.close();

    expect(code).toBe(0);
    // Within the bound (measured here, so with the pipe's delay on top).
    expect(at - sigtermAt).toBeLessThan(boundMs + 300);
    // The idle connection was closed at once, not at exit.
    expect((await idleClosedAt) - sigtermAt).toBeLessThan(1_000);
    // Every answer was a real one: 2xx, or `Connection: close` on those in flight; after that the
    // connections were gone (refused), never an error answer or a cut mid-answer.
    // (Whether some answer was still in flight at the SIGTERM, and so carried `Connection: close`,
    // depends on timing: on a loaded CI machine every connection may sit between requests then.)
    expect(load.statuses().filter((s) => s < 200 || s >= 300)).toEqual([]);
    // Those that did carry it (none is fine): all after the SIGTERM — keep-alive held until then
    // — and each a whole 2xx answer.
    expect(
      load
        .closingAnswers()
        .filter((a) => a.at < sigtermAt || a.status < 200 || a.status >= 300 || !a.complete),
    ).toEqual([]);
    expect(
      load
        .failures()
        .filter((f) => !/ECONNREFUSED|other side closed|ECONNRESET|SocketError/.test(f)),
    ).toEqual([]);
    const log = service.output();
    const stopped = log.split('\n').find((line) => line.includes('"message":"closer stopped"'));
    expect(stopped).toContain('"connectionsCut":false');
    expect(log).not.toContain('shutdown took too long');

    // Nothing left leased: every timer is due for the next start, none was lost.
    const leased = query<{ n: number }>(
      'SELECT count(*) AS n FROM timers WHERE lease_until IS NOT NULL',
    );
    expect(leased[0]?.n).toBe(0);
    const left = query<{ conversation_id: string }>(
      "SELECT conversation_id FROM timers WHERE rule_id = 'crm-ticket-closed'",
    );
    const ended = conversations.filter((c) => sim.conversation(c)?.state === 'disconnected');
    expect(left.length + ended.length).toBeGreaterThanOrEqual(conversations.length);
    expect(left.length).toBeGreaterThan(0);
  }, 90_000);

  it('with Genesys slow, on-demand terminations cut short are answered ENDING_DEFERRED and completed after restart: each ended once, one closing message, an outcome recorded', async () => {
    const boundMs = 3_000;
    const holdMs = 6_000;
    const first = await serve({ CLOSER_SHUTDOWN_TIMEOUT: `${boundMs}ms` });
    // Three conversations, each held at another step when SIGTERM comes:
    // A at the first read (nothing done), B sending the closing message (its intent recorded),
    // C at the disconnect (the message already out: the "message sent, no ending").
    const [a, b, c] = [0, 1, 2].map(() => sim.createConversation().id) as [string, string, string];
    sim.injectFaults([
      {
        method: 'GET',
        path: new RegExp(`^/api/v2/conversations/messages/${a}$`),
        fault: 'hold',
        holdMs,
        times: 1,
      },
      {
        method: 'POST',
        path: new RegExp(`^/api/v2/conversations/messages/${b}/communications/[^/]+/messages$`),
        fault: 'hold',
        holdMs,
        times: 1,
      },
      {
        method: 'PATCH',
        path: new RegExp(`^/api/v2/conversations/messages/${c}$`),
        fault: 'hold',
        holdMs,
        times: 1,
      },
    ]);
    const terminate = (id: string): Promise<Response> =>
      fetch(`${first.service.url}/v1/conversations/${id}/terminate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Closing this chat now.' }),
      });
    const answers = [a, b, c].map((id) => terminate(id));

    // Each has reached its held step (read from the database file, as closer writes it): A's
    // record is written (its read follows at once), B's closing message intent is recorded, C's
    // message is out (its disconnect follows at once).
    await until('A to read, B to send, C to disconnect', () => {
      const recorded = query<{ conversation_id: string }>(
        "SELECT conversation_id FROM timers WHERE rule_id = 'on-demand'",
      ).map((r) => r.conversation_id);
      const intents = query<{ conversation_id: string }>(
        'SELECT conversation_id FROM endings WHERE message_intent_at IS NOT NULL',
      ).map((r) => r.conversation_id);
      return (
        recorded.includes(a) &&
        intents.includes(b) &&
        sim.requests.some(
          (r) =>
            r.method === 'POST' &&
            r.path.startsWith(`/api/v2/conversations/messages/${c}/communications/`),
        )
      );
    });
    await new Promise((r) => setTimeout(r, 200)); // C's disconnect follows its message at once

    const sigtermAt = Date.now();
    first.service.child.kill('SIGTERM');
    const responses = await Promise.all(answers);
    const { code, at } = await first.exited;
    expect(code).toBe(0);
    expect(at - sigtermAt).toBeLessThan(boundMs + 300);
    for (const res of responses) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).not.toBeNull();
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'ENDING_DEFERRED',
      );
    }
    // The records are due now, not leased; the held calls finish at the simulator meanwhile.
    const records = query<{ conversation_id: string; due_at: number; lease_until: number | null }>(
      "SELECT conversation_id, due_at, lease_until FROM timers WHERE rule_id = 'on-demand'",
    );
    expect(records.map((r) => r.conversation_id).sort()).toEqual([a, b, c].sort());
    expect(records.every((r) => r.lease_until === null && r.due_at <= Date.now())).toBe(true);
    const held = (): number => sim.requests.filter((r) => r.fault === 'hold').length;
    await until('the held calls to finish at the simulator', () => held() === 3, 15_000);
    // What the issue saw: B and C got their closing message and stayed open, or (C) ended.
    expect(sim.conversation(b)?.messagesSentByApi).toBe(1);
    expect(sim.conversation(b)?.state).toBe('connected');

    const second = await serve();
    const outcomesOf = async (id: string): Promise<Outcome[]> =>
      (
        (await (
          await fetch(`${second.service.url}/v1/outcomes?conversationId=${id}`, {
            headers: { authorization: `Bearer ${API_TOKEN}` },
          })
        ).json()) as { outcomes: Outcome[] }
      ).outcomes;
    await until('an outcome for each', async () => {
      for (const id of [a, b, c]) {
        if ((await outcomesOf(id)).length === 0) {
          return false;
        }
      }
      return true;
    });
    for (const id of [a, b, c]) {
      const conversation = sim.conversation(id);
      expect({ id, state: conversation?.state }).toEqual({ id, state: 'disconnected' });
      expect({ id, messages: conversation?.messagesSentByApi }).toEqual({ id, messages: 1 });
      expect({ id, disconnects: conversation?.disconnectCount }).toEqual({ id, disconnects: 1 });
      // The request log agrees: one closing message POST and one disconnect PATCH each.
      const calls = sim.apiRequests().filter((r) => r.path.includes(id));
      expect(calls.filter((r) => r.method === 'PATCH')).toHaveLength(1);
      expect(calls.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'))).toHaveLength(
        1,
      );
      const outcomes = await outcomesOf(id);
      expect(outcomes.map((o) => [o.ruleId, o.kind])).toEqual([
        ['on-demand', id === c ? 'already-ended' : 'terminated'],
      ]);
      expect(outcomes[0]?.details?.deferred).toBe(true);
    }
    // C's outcome credits the request whose answer was lost, not someone else.
    expect((await outcomesOf(c))[0]?.reason).toMatch(/on-demand request/);
    const v = (await (
      await fetch(`${second.service.url}/v1/conversations/${b}`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      })
    ).json()) as ConversationView;
    expect((v.timers ?? []).filter((t) => t.ruleId === 'on-demand')).toEqual([]);
  }, 90_000);
});

interface ConversationView {
  timers?: { ruleId: string }[];
}

interface Outcome {
  ruleId: string;
  kind: string;
  reason?: string;
  details?: Record<string, unknown>;
}

/** An HTTP/1.1 keep-alive connection that made one request and is now idle. */
async function keepAliveSocket(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('GET /healthz HTTP/1.1\r\nHost: closer\r\nConnection: keep-alive\r\n\r\n');
  await once(socket, 'data');
  return socket;
}

/** Whether a new TCP connection is accepted. */
function tryConnect(port: number): Promise<'accepted' | 'refused'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', () => {
      resolve('refused');
    });
  });
}

/** An answer that carried `Connection: close`: when it came (epoch ms) and whether it was whole. */
interface ClosingAnswer {
  at: number;
  status: number;
  /** Its body as long as its `Content-Length` said (true without one: read to the end). */
  complete: boolean;
}

/** Requests sent back to back on a keep-alive pool until stopped; what came back. */
function startLoad(pool: Pool): {
  answered: () => number;
  statuses: () => number[];
  closingAnswers: () => ClosingAnswer[];
  failures: () => string[];
  stop: () => Promise<void>;
} {
  const statuses: number[] = [];
  const failures: string[] = [];
  const closing: ClosingAnswer[] = [];
  let running = true;
  const worker = async (n: number): Promise<void> => {
    for (let i = 0; running; i += 1) {
      try {
        const intake = (i + n) % 2 === 0;
        const res = await pool.request(
          intake
            ? {
                path: '/events/eventbridge',
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-api-key': EVENTBRIDGE_KEY },
                body: JSON.stringify(eventBridgeEnvelope()),
              }
            : { path: '/healthz', method: 'GET' },
        );
        const body = await res.body.text();
        statuses.push(res.statusCode);
        if (res.headers.connection === 'close') {
          const length = res.headers['content-length'];
          closing.push({
            at: Date.now(),
            status: res.statusCode,
            complete: length === undefined || Number(length) === Buffer.byteLength(body),
          });
        }
      } catch (e: unknown) {
        failures.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
        // Refused from now on: the server no longer accepts.
        if (failures.length > 1_000) {
          return;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const workers = Array.from({ length: 6 }, (_, n) => worker(n));
  return {
    answered: () => statuses.length,
    statuses: () => statuses,
    closingAnswers: () => [...closing],
    failures: () => [...new Set(failures)],
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

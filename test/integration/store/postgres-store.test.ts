import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createIntakeRouter } from '../../../src/intake';
import { sourcesSchema } from '../../../src/rules/sources-schema';
import type { Store } from '../../../src/store';
import { PostgresStore, postgresMigrations } from '../../../src/store';
import { assertSupportedServer } from '../../../src/store/postgres/server-version';
import { ManualClock } from '../../../src/timers/clock';
import { eventBridgeEnvelope } from '../../helpers/payloads';
import {
  createTestDatabase,
  describePostgres,
  withPgClient,
  type TestDatabase,
} from '../../helpers/postgres';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy';

const T0 = Date.UTC(2026, 0, 1);

describe('assertSupportedServer', () => {
  it('refuses a server older than 14, naming the version found and the one needed', () => {
    let thrown: unknown;
    try {
      assertSupportedServer({ num: 130012, text: '13.12 (Debian 13.12-1)' });
    } catch (e: unknown) {
      thrown = e;
    }
    expect(thrown).toMatchObject({
      code: 'STORE_SERVER_TOO_OLD',
      details: { found: '13.12 (Debian 13.12-1)', needed: '14' },
    });
    expect((thrown as Error).message).toMatch(
      /PostgreSQL 13\.12 \(Debian 13\.12-1\) found; closer needs PostgreSQL 14 or newer/,
    );
  });

  it('accepts 14.0 and newer', () => {
    expect(() => {
      assertSupportedServer({ num: 140000, text: '14.0' });
    }).not.toThrow();
    expect(() => {
      assertSupportedServer({ num: 170002, text: '17.2' });
    }).not.toThrow();
  });
});

describePostgres('PostgresStore (PostgreSQL specifics)', (serverUrl) => {
  let database: TestDatabase;
  const stores: Store[] = [];
  const open = async (url = database.url, poolSize?: number): Promise<PostgresStore> => {
    const store = await PostgresStore.open(url, {
      clock: new ManualClock(T0),
      ...(poolSize === undefined ? {} : { poolSize }),
    });
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    database = await createTestDatabase(serverUrl);
  });

  afterEach(async () => {
    for (const store of stores.splice(0)) {
      await store.close();
    }
    await database.drop();
  });

  describe('open', () => {
    it('reads and checks the server version', async () => {
      const store = await open();
      expect(store.serverVersion.num).toBeGreaterThanOrEqual(140000);
      expect(store.serverVersion.text).toMatch(/^\d+\.\d+/);
    });

    it('migrates once when replicas start together (advisory lock)', async () => {
      const opened = await Promise.all(Array.from({ length: 5 }, () => open()));
      const applied = opened.map((store) => store.lastMigration.applied);
      const latest = postgresMigrations.length;
      const all = Array.from({ length: latest }, (_, i) => i + 1);
      expect(applied.filter((versions) => versions.length > 0)).toEqual([all]);
      expect(opened.every((store) => store.lastMigration.to === latest)).toBe(true);
      const ledger = await withPgClient(database.url, (client) =>
        client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY 1'),
      );
      expect(ledger.rows.map((row) => row.version)).toEqual(all);
    });

    it('fails with STORE_OPEN_FAILED for a wrong password or an unknown database', async () => {
      const wrongPassword = new URL(database.url);
      wrongPassword.password = 'not-the-password';
      await expect(PostgresStore.open(wrongPassword.toString())).rejects.toMatchObject({
        code: 'STORE_OPEN_FAILED',
        details: { pgCode: '28P01' },
      });
      await expect(PostgresStore.open(wrongPassword.toString())).rejects.not.toThrow(
        /not-the-password/,
      );
      const unknown = new URL(database.url);
      unknown.pathname = `/${database.name}_missing`;
      await expect(PostgresStore.open(unknown.toString())).rejects.toMatchObject({
        code: 'STORE_OPEN_FAILED',
        details: { pgCode: '3D000' },
      });
    });

    it('keeps the query pool to CLOSER_DATABASE_POOL_SIZE connections', async () => {
      const store = await open(database.url, 2);
      await Promise.all(Array.from({ length: 20 }, () => store.countTimers()));
      const connections = await withPgClient(database.url, (client) =>
        client.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'closer'",
          [database.name],
        ),
      );
      const n = Number(connections.rows[0]?.n);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(2);
    });
  });

  describe('claims of a replica that stopped beating', () => {
    const TTL = 15_000;
    const LEASE = 60_000;
    /** Arms a due timer, stores an inbox event and an audit entry, and lets `holder` claim all three. */
    const claimAll = async (holder: PostgresStore): Promise<void> => {
      await holder.upsertTimer(
        { conversationId: 'c1', ruleId: 'r', phase: 'close', dueAt: T0 },
        T0,
      );
      await holder.insertEvents([
        {
          source: 'eventbridge',
          eventId: 'e1',
          kind: 'k',
          payload: { type: 'webhook', body: {} },
          receivedAt: T0,
        },
      ]);
      await holder.appendAudit([{ eventId: 'a1', type: 't', detail: {}, createdAt: T0 }]);
      expect(await holder.claimDueTimers(T0, 10, LEASE)).toHaveLength(1);
      expect(await holder.claimEvents(T0, 10, LEASE)).toHaveLength(1);
      expect(await holder.claimAuditBatch(T0, 10, LEASE)).toHaveLength(1);
    };

    it('are taken over once its heartbeat is older than the ttl, not a full lease later', async () => {
      const dead = await open();
      const live = await open();
      await dead.heartbeat(T0, TTL);
      await live.heartbeat(T0, TTL);
      await claimAll(dead);
      // `dead` is killed here: it beats no more. Within the ttl its claims still stand.
      expect(await live.heartbeat(T0 + TTL, TTL)).toBe(2);
      expect(await live.claimDueTimers(T0 + TTL, 10, LEASE)).toEqual([]);
      // Silent for longer than the ttl: the next beat voids its claims and forgets it.
      const at = T0 + TTL + 1;
      expect(await live.heartbeat(at, TTL)).toBe(1);
      expect((await live.claimDueTimers(at, 10, LEASE)).map((t) => t.conversationId)).toEqual([
        'c1',
      ]);
      expect((await live.claimEvents(at, 10, LEASE)).map((e) => e.eventId)).toEqual(['e1']);
      expect((await live.claimAuditBatch(at, 10, LEASE)).map((e) => e.eventId)).toEqual(['a1']);
      expect(at).toBeLessThan(T0 + LEASE);
    });

    it('stay with a replica that keeps beating', async () => {
      const busy = await open();
      const other = await open();
      await busy.heartbeat(T0, TTL);
      await claimAll(busy);
      await busy.heartbeat(T0 + 10_000, TTL);
      expect(await other.heartbeat(T0 + TTL + 1, TTL)).toBe(2);
      expect(await other.claimDueTimers(T0 + TTL + 1, 10, LEASE)).toEqual([]);
      expect(await other.claimEvents(T0 + TTL + 1, 10, LEASE)).toEqual([]);
      expect(await other.claimAuditBatch(T0 + TTL + 1, 10, LEASE)).toEqual([]);
    });
  });

  describe('insertEvents: group commit', () => {
    /** The transaction that wrote each stored event (xmin), by event id. */
    const writers = (): Promise<Map<string, string>> =>
      withPgClient(database.url, async (client) => {
        const result = await client.query<{ event_id: string; xmin: string }>(
          'SELECT event_id, xmin::text AS xmin FROM inbox_events ORDER BY seq',
        );
        return new Map(result.rows.map((row) => [row.event_id, row.xmin]));
      });
    const event = (eventId: string, receivedAt = T0) => ({
      source: 'eventbridge',
      eventId,
      kind: 'k',
      payload: { type: 'webhook' as const, body: { eventId } },
      receivedAt,
    });

    it('stores concurrent calls in one transaction', async () => {
      const store = await open();
      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map((id) => store.insertEvents([event(id), event(`${id}-2`)])),
      );
      expect(results.every((r) => r.inserted === 2 && r.duplicates === 0)).toBe(true);
      const xmins = await writers();
      expect(xmins.size).toBe(8);
      expect(new Set(xmins.values()).size).toBe(1);
    });

    it('retries a batch the server refuses call by call: only the call at fault fails', async () => {
      const store = await open();
      // 1.5 is no BIGINT: the server refuses the statement that carries it.
      const results = await Promise.allSettled([
        store.insertEvents([event('good-1')]),
        store.insertEvents([event('bad', 1.5)]),
        store.insertEvents([event('good-2')]),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
        code: 'STORE_QUERY_FAILED',
        details: { operation: 'insertEvents', pgCode: '22P02' },
      });
      const xmins = await writers();
      expect([...xmins.keys()]).toEqual(['good-1', 'good-2']);
      // Each in a transaction of its own after the batch failed.
      expect(new Set(xmins.values()).size).toBe(2);
    });
  });

  describe('onTimersWake (LISTEN/NOTIFY)', () => {
    it('wakes other replicas for a timer due soon, never for a later one or for its own', async () => {
      const listening = await open();
      const other = await open();
      let wakes = 0;
      let woken: () => void = () => undefined;
      const nextWake = (): Promise<void> =>
        new Promise<void>((resolve) => {
          woken = resolve;
        });
      listening.onTimersWake(() => {
        wakes += 1;
        woken();
      });
      // The listener connects at the first subscription: wait until its LISTEN ran.
      await waitFor(async () => {
        const listeners = await withPgClient(database.url, (client) =>
          client.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity
             WHERE datname = $1 AND application_name = 'closer-wake' AND query LIKE 'LISTEN%'`,
            [database.name],
          ),
        );
        return Number(listeners.rows[0]?.n) === 1;
      });
      // Its own, and another's due in an hour: no wake-ups. Then a due-now one: one wake-up,
      // delivered after any earlier notification (PostgreSQL delivers them in commit order).
      await listening.upsertTimer(
        { conversationId: 'own', ruleId: 'idle', phase: 'close', dueAt: T0 },
        T0,
      );
      await other.upsertTimer(
        { conversationId: 'later', ruleId: 'idle', phase: 'close', dueAt: T0 + 3_600_000 },
        T0,
      );
      const soon = nextWake();
      await other.commit({
        now: T0,
        upsertTimers: [{ conversationId: 'soon', ruleId: 'idle', phase: 'event', dueAt: T0 }],
      });
      await soon;
      expect(wakes).toBe(1);
    });
  });

  describe('database unreachable', () => {
    let proxy: TcpProxy;
    let server: Server | undefined;

    beforeEach(async () => {
      const target = new URL(database.url);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    });

    afterEach(async () => {
      await new Promise<void>((resolve) => {
        if (server === undefined) {
          resolve();
        } else {
          server.close(() => {
            resolve();
          });
        }
      });
      await proxy.close();
    });

    it('fails store calls with STORE_UNAVAILABLE, then recovers when the server is back', async () => {
      const store = await open(viaProxy(database.url, proxy.port));
      await store.ping();
      proxy.cut();
      await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(store.countTimers()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      proxy.restore();
      await waitFor(() =>
        store.ping().then(
          () => true,
          () => false,
        ),
      );
      expect(await store.countTimers()).toBe(0);
    });

    it('fails every call of a batch with STORE_UNAVAILABLE when the server is cut off', async () => {
      const store = await open(viaProxy(database.url, proxy.port));
      await store.ping();
      proxy.cut();
      const results = await Promise.allSettled(
        ['x', 'y', 'z'].map((eventId) =>
          store.insertEvents([
            {
              source: 'eventbridge',
              eventId,
              kind: 'k',
              payload: { type: 'webhook', body: 1 },
              receivedAt: T0,
            },
          ]),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      for (const r of results) {
        expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      }
      proxy.restore();
      const direct = await open();
      expect(await direct.countPendingEvents()).toBe(0);
    });

    it('makes intake answer 503 with Retry-After and acknowledge nothing it did not store', async () => {
      const store = await open(viaProxy(database.url, proxy.port));
      const app = express();
      app.use(
        createIntakeRouter({
          store,
          sources: () =>
            sourcesSchema.parse({
              eventbridge: { auth: { header: 'x-api-key', valueEnv: 'EB_KEY' } },
            }),
          env: { EB_KEY: 'eb-key-0123456789abcdef' },
          clock: new ManualClock(T0),
        }),
      );
      server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => {
          resolve(s);
        });
      });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events/eventbridge`;
      const post = (body: unknown): Promise<Response> =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': 'eb-key-0123456789abcdef' },
          body: JSON.stringify(body),
        });
      const stored = eventBridgeEnvelope();
      expect((await post(stored)).status).toBe(202);

      proxy.cut();
      const refused = eventBridgeEnvelope();
      const answer = await post(refused);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await answer.json()).toMatchObject({ error: { code: 'INTAKE_STORE_UNAVAILABLE' } });

      proxy.restore();
      const direct = await open();
      expect((await direct.pendingEvents(10)).map((e) => e.eventId)).toEqual([stored.id]);
      // EventBridge retries the refused delivery: it is stored then.
      await waitFor(async () => (await post(refused)).status === 202);
      expect((await direct.pendingEvents(10)).map((e) => e.eventId)).toEqual([
        stored.id,
        refused.id,
      ]);
    });
  });
});

function viaProxy(url: string, port: number): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  return proxied.toString();
}

/** Polls `check` (real time) until it is true; fails after `ms`. */
async function waitFor(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

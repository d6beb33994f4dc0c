import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore, openStore } from '../../../src/store';
import { HOT_SQL } from '../../../src/store/sqlite/statements';
import { ManualClock } from '../../../src/timers/clock';
import type { TempDatabase } from '../../helpers/sqlite';
import { tempDatabaseUrl, withSqliteStore } from '../../helpers/sqlite';

describe('SqliteStore (SQLite specifics)', () => {
  let database: TempDatabase;
  beforeEach(async () => {
    database = await tempDatabaseUrl();
  });
  afterEach(async () => {
    await database.remove();
  });

  describe('open', () => {
    it('uses WAL, synchronous=NORMAL, a busy timeout and foreign keys by default', async () => {
      const store = await SqliteStore.open(database.path);
      try {
        expect(await store.connectionSettings()).toEqual({
          journalMode: 'wal',
          synchronous: 1,
          busyTimeoutMs: 5000,
          foreignKeys: true,
        });
      } finally {
        await store.close();
      }
    });

    it("uses synchronous=FULL with durability 'full' and the given busy timeout", async () => {
      const store = await SqliteStore.open(database.path, {
        durability: 'full',
        busyTimeoutMs: 250,
      });
      try {
        expect(await store.connectionSettings()).toMatchObject({
          synchronous: 2,
          busyTimeoutMs: 250,
        });
      } finally {
        await store.close();
      }
    });

    it('creates missing parent folders for a path relative to the working directory', async () => {
      const nested = join(database.path, '..', 'a', 'b', 'closer.db');
      const store = await openStore(`sqlite:${relative(process.cwd(), nested)}`);
      try {
        await store.ping();
        const raw = new Database(nested, { fileMustExist: true });
        raw.close();
      } finally {
        await store.close();
      }
    });

    it('fails with STORE_OPEN_FAILED on a file that is not a SQLite database', async () => {
      await writeFile(database.path, 'this is not a database, just some text '.repeat(200));
      await expect(openStore(database.url)).rejects.toMatchObject({ code: 'STORE_OPEN_FAILED' });
    });
  });

  describe('claims across a restart', () => {
    it('voids the inbox and outbox claims of an earlier process when the file is opened', async () => {
      const T0 = Date.UTC(2026, 0, 1);
      const crashed = await SqliteStore.open(database.path);
      await crashed.insertEvents([
        {
          source: 'eventbridge',
          eventId: 'e1',
          kind: 'k',
          payload: { type: 'webhook', body: {} },
          receivedAt: T0,
        },
      ]);
      await crashed.appendAudit([{ eventId: 'a1', type: 't', detail: {}, createdAt: T0 }]);
      expect(await crashed.claimEvents(T0, 10, 60_000)).toHaveLength(1);
      expect(await crashed.claimAuditBatch(T0, 10, 60_000)).toHaveLength(1);
      // The process "dies" (its claims stay in the file); the next one owns the file.
      await crashed.close();
      const next = await SqliteStore.open(database.path);
      try {
        expect((await next.claimEvents(T0 + 1, 10, 60_000)).map((e) => e.eventId)).toEqual(['e1']);
        expect((await next.claimAuditBatch(T0 + 1, 10, 60_000)).map((e) => e.eventId)).toEqual([
          'a1',
        ]);
      } finally {
        await next.close();
      }
    });
  });

  describe('timer leases across a restart', () => {
    it('voids the timer leases of an earlier process when the file is opened: its due timers are claimable at once, not after the lease', async () => {
      const T0 = Date.UTC(2026, 0, 1);
      const crashed = await SqliteStore.open(database.path);
      await crashed.upsertTimer(
        { conversationId: 'c1', ruleId: 'r', phase: 'close', dueAt: T0 },
        T0,
      );
      await crashed.upsertTimer(
        { conversationId: 'c2', ruleId: 'r', phase: 'close', dueAt: T0 + 60_000 },
        T0,
      );
      expect((await crashed.claimDueTimers(T0, 10, 60_000)).map((t) => t.conversationId)).toEqual([
        'c1',
      ]);
      // Leased: the same process sees nothing claimable until the lease ends.
      expect(await crashed.claimDueTimers(T0 + 1, 10, 60_000)).toEqual([]);
      await crashed.close();

      // Opened on a clock just after the lease was taken (the lease runs until T0 + 60 s).
      const next = await SqliteStore.open(database.path, { clock: new ManualClock(T0 + 1) });
      try {
        expect(
          (await next.claimDueTimers(T0 + 1, 10, 60_000)).map((t) => t.conversationId),
        ).toEqual(['c1']);
        // The timer not yet due is untouched.
        expect((await next.listTimers('c2')).map((t) => t.dueAt)).toEqual([T0 + 60_000]);
      } finally {
        await next.close();
      }
    });
  });

  describe('query plans', () => {
    const plan = (sql: string): string => {
      const raw = new Database(database.path);
      try {
        const rows = raw
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(
            ...(sql.includes('@')
              ? [{ now: 1, limit: 1, leaseUntil: 2, me: 'store-a' }]
              : sql.split('?').slice(1)),
          ) as { detail: string }[];
        return rows.map((row) => row.detail).join('\n');
      } finally {
        raw.close();
      }
    };

    beforeEach(async () => {
      await (await SqliteStore.open(database.path)).close();
    });

    it.each(Object.entries(HOT_SQL))('%s reads through an index, never a table scan', (_, sql) => {
      const detail = plan(sql);
      expect(detail).toMatch(/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/);
      expect(detail).not.toMatch(/SCAN (inbox_events|timers|outcomes)(?! USING)/);
    });
  });

  describe('sqlite::memory:', () => {
    it('is a working private database', async () => {
      const store = await openStore('sqlite::memory:');
      try {
        await store.upsertTimer({ conversationId: 'c', ruleId: 'r', phase: 'warn', dueAt: 1 }, 0);
        expect(await store.countTimers()).toBe(1);
        expect(store).toBeInstanceOf(SqliteStore);
        const settings =
          store instanceof SqliteStore ? await store.connectionSettings() : undefined;
        expect(settings?.journalMode).toBe('memory');
      } finally {
        await store.close();
      }
    });
  });

  describe('withSqliteStore', () => {
    it('gives a migrated store on a temp file', async () => {
      await withSqliteStore(async (store, db) => {
        expect(db.url).toBe(`sqlite:${db.path}`);
        expect(await store.insertEvents([])).toEqual({ inserted: 0, duplicates: 0 });
      });
    });
  });
});

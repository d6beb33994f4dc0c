import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore, StoreError } from '../../../src/store';
import type { InboxEventInput } from '../../../src/store';
import {
  BACKSTOP_AUTOCHECKPOINT_PAGES,
  WalCheckpointer,
} from '../../../src/store/sqlite/wal-checkpointer';
import { silentLogger } from '../../../src/observability/logger';
import type { TempDatabase } from '../../helpers/sqlite';
import { tempDatabaseUrl } from '../../helpers/sqlite';

const event = (eventId: string): InboxEventInput => ({
  source: 'eventbridge',
  eventId,
  kind: 'test',
  payload: { type: 'webhook', body: { eventId } },
  receivedAt: 1,
});

/** Polls `check` every 20 ms, at most `tries` times; resolves with its last answer. */
async function eventually(check: () => Promise<boolean> | boolean, tries = 250): Promise<boolean> {
  for (let i = 0; i < tries; i += 1) {
    if (await check()) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe('SQLite write path', () => {
  let database: TempDatabase;
  beforeEach(async () => {
    database = await tempDatabaseUrl();
  });
  afterEach(async () => {
    await database.remove();
  });

  describe('group-committed insertEvents', () => {
    it('stores concurrent calls and counts a duplicate against the later call', async () => {
      const store = await SqliteStore.open(database.path);
      try {
        const results = await Promise.all([
          store.insertEvents([event('a'), event('b')]),
          store.insertEvents([event('b'), event('c')]),
          store.insertEvents([]),
        ]);
        expect(results).toEqual([
          { inserted: 2, duplicates: 0 },
          { inserted: 1, duplicates: 1 },
          { inserted: 0, duplicates: 0 },
        ]);
        const pending = await store.pendingEvents(10);
        expect(pending.map((e) => e.eventId)).toEqual(['a', 'b', 'c']);
      } finally {
        await store.close();
      }
    });

    it('commits inserts still queued when the store closes, then refuses new ones', async () => {
      const store = await SqliteStore.open(database.path);
      const queued = store.insertEvents([event('late')]);
      await store.close();
      await expect(queued).resolves.toEqual({ inserted: 1, duplicates: 0 });
      await expect(store.insertEvents([event('after')])).rejects.toMatchObject({
        code: 'STORE_CLOSED',
      });
      const reopened = await SqliteStore.open(database.path);
      try {
        expect((await reopened.pendingEvents(10)).map((e) => e.eventId)).toEqual(['late']);
      } finally {
        await reopened.close();
      }
    });

    it('rejects a bad call as STORE_QUERY_FAILED without failing the calls batched with it', async () => {
      const store = await SqliteStore.open(database.path);
      try {
        // A payload JSON cannot hold makes that call's insert throw.
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        const results = await Promise.allSettled([
          store.insertEvents([event('good-1')]),
          store.insertEvents([{ ...event('bad'), payload: { type: 'webhook', body: cyclic } }]),
          store.insertEvents([event('good-2')]),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        const failure = (results[1] as PromiseRejectedResult).reason as unknown;
        expect(failure).toBeInstanceOf(StoreError);
        expect(failure).toMatchObject({ code: 'STORE_QUERY_FAILED' });
        const stored = (await store.pendingEvents(10)).map((e) => e.eventId);
        expect(stored).toEqual(['good-1', 'good-2']);
      } finally {
        await store.close();
      }
    });
  });

  describe('commit', () => {
    it('writes the planned state without folding again while the stored state is the one read', async () => {
      const store = await SqliteStore.open(database.path);
      try {
        const c = 'conv-planned';
        const base = { conversationId: c, participants: [], updatedAt: 1, episode: 1 };
        await store.commit({ now: 1, conversation: { conversationId: c, apply: () => base } });
        const read = await store.getConversation(c);
        let folds = 0;
        const fold = (current: typeof read) => {
          folds += 1;
          return current && { ...current, updatedAt: current.updatedAt + 1 };
        };
        await store.commit({
          now: 2,
          conversation: {
            conversationId: c,
            apply: fold,
            planned: { from: read, to: { ...base, updatedAt: 9 } },
          },
        });
        expect(folds).toBe(0);
        expect((await store.getConversation(c))?.updatedAt).toBe(9);
        // A plan from a state read before that write is folded into what is stored now.
        await store.commit({
          now: 3,
          conversation: { conversationId: c, apply: fold, planned: { from: read, to: base } },
        });
        expect(folds).toBe(1);
        expect((await store.getConversation(c))?.updatedAt).toBe(10);
        // A plan from "no state" holds only while there is none.
        await store.commit({
          now: 4,
          conversation: { conversationId: c, apply: fold, planned: { from: undefined, to: base } },
        });
        expect(folds).toBe(2);
        expect((await store.getConversation(c))?.updatedAt).toBe(11);
      } finally {
        await store.close();
      }
    });

    it('commits decisions still queued when the store closes', async () => {
      const store = await SqliteStore.open(database.path);
      const c = 'conv-late';
      const queued = store.commit({
        now: 1,
        conversation: {
          conversationId: c,
          apply: () => ({ conversationId: c, participants: [], updatedAt: 1, episode: 1 }),
        },
      });
      await store.close();
      await expect(queued).resolves.toEqual([]);
      const reopened = await SqliteStore.open(database.path);
      try {
        expect((await reopened.getConversation(c))?.episode).toBe(1);
      } finally {
        await reopened.close();
      }
    });
  });

  describe('queries prepared per LIMIT value', () => {
    it('honour every limit, also past the number of statements kept prepared', async () => {
      const store = await SqliteStore.open(database.path);
      try {
        await store.insertEvents(Array.from({ length: 30 }, (_, i) => event(`e-${i}`)));
        for (let limit = 0; limit <= 30; limit += 1) {
          expect(await store.pendingEvents(limit)).toHaveLength(limit);
        }
        expect(await store.pendingEvents(Number.POSITIVE_INFINITY)).toHaveLength(30);
        expect(await store.pendingEvents(2.7)).toHaveLength(2);
      } finally {
        await store.close();
      }
    });
  });

  describe('background WAL checkpoints', () => {
    it('checkpoints from a worker while the main connection only appends to the WAL', async () => {
      const db = new Database(database.path);
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE t (v TEXT)');
      const checkpointer = WalCheckpointer.start(db, database.path, {
        busyTimeoutMs: 1000,
        intervalMs: 10,
        logger: silentLogger,
      });
      try {
        expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(
          BACKSTOP_AUTOCHECKPOINT_PAGES,
        );
        const sizeBefore = (await stat(database.path)).size;
        const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
        // ~1,500 pages: past SQLite's own 1,000-page checkpoint, far below the backstop, so only
        // the worker can have moved them into the database file.
        for (let i = 0; i < 500; i += 1) {
          insert.run('x'.repeat(12_000));
        }
        const grown = await eventually(
          async () => (await stat(database.path)).size > sizeBefore + 4_000_000,
        );
        expect(grown).toBe(true);
      } finally {
        await checkpointer.stop();
        expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
        db.close();
      }
    });

    it('falls back to inline checkpoints when the worker cannot open the file', async () => {
      const db = new Database(database.path);
      db.pragma('journal_mode = WAL');
      const folder = join(database.path, '..', 'not-a-database');
      await mkdir(folder);
      const checkpointer = WalCheckpointer.start(db, folder, {
        busyTimeoutMs: 100,
        logger: silentLogger,
      });
      try {
        const restored = await eventually(
          () => db.pragma('wal_autocheckpoint', { simple: true }) === 1000,
        );
        expect(restored).toBe(true);
      } finally {
        await checkpointer.stop();
        db.close();
      }
    });

    it('a busy store starts its checkpointer and closes it with the store', async () => {
      const store = await SqliteStore.open(database.path);
      for (let i = 0; i < 1100; i += 1) {
        await store.upsertTimer(
          { conversationId: `c-${i}`, ruleId: 'idle', phase: 'warn', dueAt: i },
          0,
        );
      }
      expect(await store.countTimers()).toBe(1100);
      await store.close();
      await store.close();
      // Closed cleanly: the last connection checkpointed and removed the WAL.
      await expect(stat(`${database.path}-wal`)).rejects.toMatchObject({ code: 'ENOENT' });
      const reopened = await SqliteStore.open(database.path);
      try {
        expect(await reopened.countTimers()).toBe(1100);
      } finally {
        await reopened.close();
      }
    });
  });
});

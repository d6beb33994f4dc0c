import type pg from 'pg';
import { createPool } from '../../../src/store/postgres/connection-pool';
import { withTransaction } from '../../../src/store/postgres/transaction';
import { silentLogger } from '../../../src/observability/logger';
import {
  createTestDatabase,
  describePostgres,
  withPgClient,
  type TestDatabase,
} from '../../helpers/postgres';

/**
 * What closer's PostgreSQL writes rely on whatever the server is set to: READ COMMITTED
 * sessions (a conversation write re-checks a row a concurrent writer changed), and a
 * transaction the server rolls back to break a deadlock between replicas running again instead
 * of failing (an inbox event whose commit failed so is not processed again).
 */
describePostgres('PostgreSQL sessions and transactions', (serverUrl) => {
  let database: TestDatabase;
  const pools: pg.Pool[] = [];
  const pool = (url = database.url): pg.Pool => {
    const created = createPool(url, {
      max: 4,
      statementTimeoutMs: 0,
      logger: silentLogger,
      applicationName: 'closer-test',
    });
    pools.push(created);
    return created;
  };

  beforeEach(async () => {
    database = await createTestDatabase(serverUrl);
    await withPgClient(database.url, async (client) => {
      await client.query(
        `ALTER DATABASE ${database.name} SET default_transaction_isolation = 'serializable'`,
      );
      await client.query('CREATE TABLE pair (id INT PRIMARY KEY, n INT NOT NULL)');
      await client.query('INSERT INTO pair VALUES (1, 0), (2, 0)');
    });
  });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
    await database.drop();
  });

  it('runs every session READ COMMITTED, even where the database defaults to SERIALIZABLE', async () => {
    const other = await withPgClient(
      database.url,
      async (client) =>
        (await client.query<{ transaction_isolation: string }>('SHOW transaction_isolation'))
          .rows[0],
    );
    expect(other?.transaction_isolation).toBe('serializable');
    const ours = await pool().query<{ transaction_isolation: string }>(
      'SHOW transaction_isolation',
    );
    expect(ours.rows[0]?.transaction_isolation).toBe('read committed');
  });

  it("keeps the URL's own startup options beside it", async () => {
    const url = new URL(database.url);
    url.searchParams.set('options', '-c search_path=closer_elsewhere,public');
    const result = await pool(url.toString()).query<{
      search_path: string;
      transaction_isolation: string;
    }>(
      "SELECT current_setting('search_path') AS search_path, current_setting('transaction_isolation') AS transaction_isolation",
    );
    expect(result.rows[0]).toEqual({
      search_path: 'closer_elsewhere,public',
      transaction_isolation: 'read committed',
    });
  });

  it('runs again a transaction the server rolled back to break a deadlock', async () => {
    const db = pool();
    // Two transactions lock the two rows in opposite orders, each waiting until the other holds
    // its first row: a lock cycle, which the server breaks (after deadlock_timeout, 1 s) by
    // rolling one back. Run again, that one then goes through.
    let aLocked!: () => void;
    let bLocked!: () => void;
    const aHolds = new Promise<void>((resolve) => (aLocked = resolve));
    const bHolds = new Promise<void>((resolve) => (bLocked = resolve));
    const runs = { a: 0, b: 0 };
    const cross = (name: 'a' | 'b', first: number, second: number) =>
      withTransaction(db, async (client) => {
        runs[name] += 1;
        await client.query('UPDATE pair SET n = n + 1 WHERE id = $1', [first]);
        (name === 'a' ? aLocked : bLocked)();
        await (name === 'a' ? bHolds : aHolds);
        await client.query('UPDATE pair SET n = n + 1 WHERE id = $1', [second]);
        return name;
      });
    const results = await Promise.allSettled([cross('a', 1, 2), cross('b', 2, 1)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    // One of them ran twice; each committed once.
    expect(runs.a + runs.b).toBe(3);
    const rows = await db.query<{ id: number; n: number }>('SELECT id, n FROM pair ORDER BY id');
    expect(rows.rows).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });

  it('gives up after three runs and throws the conflict', async () => {
    const db = pool();
    let runs = 0;
    const conflict = Object.assign(new Error('could not serialize access'), { code: '40001' });
    await expect(
      withTransaction(db, () => {
        runs += 1;
        return Promise.reject(conflict);
      }),
    ).rejects.toBe(conflict);
    expect(runs).toBe(3);
  });
});

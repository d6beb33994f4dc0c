import type pg from 'pg';
import { isTransactionConflict } from './pg-error';

/** What SQL functions run on: the pool (one statement) or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** Runs of a transaction that PostgreSQL rolled back for a conflict (deadlock, serialization). */
export const CONFLICT_ATTEMPTS = 3;

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when
 * it throws. A connection whose ROLLBACK failed is destroyed rather than returned to the pool.
 * When COMMIT itself fails (connection lost), the outcome is unknown and the error is thrown:
 * callers report failure, so nothing is acknowledged that may not be stored. A transaction the
 * server rolled back for a conflict with a concurrent one (a deadlock between replicas) runs
 * again, up to {@link CONFLICT_ATTEMPTS} times in all: `work` must do nothing but SQL on
 * `client` (nothing it did survives the rollback).
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transactionOnce(pool, work);
    } catch (e: unknown) {
      if (attempt >= CONFLICT_ATTEMPTS || !isTransactionConflict(e)) {
        throw e;
      }
    }
  }
}

async function transactionOnce<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e: unknown) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError: unknown) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw e;
  } finally {
    client.release(broken);
  }
}

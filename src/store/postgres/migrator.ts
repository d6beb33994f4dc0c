import type pg from 'pg';
import type { Logger } from '../../observability/logger';
import type { AppliedMigration, Migration, MigrationDriver, MigrationReport } from '../migrate';
import { runMigrations } from '../migrate';
import { LOCK_CLASS, MIGRATION_LOCK } from './advisory-locks';
import { postgresMigrations } from './migrations';

interface LedgerRow {
  version: number;
  name: string;
  applied_at: number;
}

/** The PostgreSQL side of the shared migration runner, on one connection. */
export function postgresMigrationDriver(client: pg.ClientBase): MigrationDriver {
  return {
    async ensureLedger() {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL,
        applied_at BIGINT  NOT NULL
      )`);
    },
    async applied(): Promise<AppliedMigration[]> {
      const result = await client.query<LedgerRow>(
        'SELECT version, name, applied_at FROM schema_migrations',
      );
      return result.rows.map((row) => ({
        version: row.version,
        name: row.name,
        appliedAt: row.applied_at,
      }));
    },
    async apply(migration: Migration, appliedAt: number): Promise<boolean> {
      await client.query('BEGIN');
      try {
        const present = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
          migration.version,
        ]);
        if (present.rowCount !== 0) {
          await client.query('ROLLBACK');
          return false;
        }
        // No parameters: the simple protocol runs the file's several statements.
        await client.query(migration.sql);
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
          [migration.version, migration.name, appliedAt],
        );
        await client.query('COMMIT');
        return true;
      } catch (e: unknown) {
        // The migration's error is the one to report, not a failed ROLLBACK's.
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    },
  };
}

/**
 * Brings the database up to the newest PostgreSQL migration while holding a session advisory lock,
 * so replicas starting together migrate once: the first applies, the others wait for the lock and
 * then find every version in the ledger. No statement timeout on this connection while it waits
 * or migrates. A lock whose connection dies is released by the server.
 *
 * @throws StoreError as `runMigrations` (`STORE_SCHEMA_TOO_NEW`, `STORE_MIGRATION_FAILED`); driver
 *   errors (server unreachable) as they come.
 */
export async function migratePostgres(
  pool: pg.Pool,
  options: { now: () => number; logger: Logger },
): Promise<MigrationReport> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK]);
    try {
      return await runMigrations(postgresMigrationDriver(client), postgresMigrations, {
        ...options,
        backend: 'PostgreSQL',
      });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK]);
    }
  } catch (e: unknown) {
    // Never hand a connection in an unknown state (lock held, timeout off) back to the pool.
    broken = e instanceof Error ? e : new Error(String(e));
    throw e;
  } finally {
    if (broken === undefined) {
      await client.query('RESET statement_timeout').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
    }
    client.release(broken);
  }
}

import type pg from 'pg';
import type { Logger } from '../../observability/logger';
import type { MigrationReport } from '../migrate';
import { STATEMENT_TIMEOUT_MS, createPool } from './connection-pool';
import { migratePostgres } from './migrator';
import { toStoreError } from './pg-error';
import { assertSupportedServer, readServerVersion, type ServerVersion } from './server-version';

/** What {@link connectPostgres} opened and found. */
export interface PostgresConnection {
  /** Queries (statement timeout on). */
  pool: pg.Pool;
  /** Conversation locks (no statement timeout: a lock waits for its holder). */
  lockPool: pg.Pool;
  version: ServerVersion;
  migration: MigrationReport;
}

/**
 * Opening a PostgreSQL store, in order: the two pools, the server version (the first query: it
 * also proves the server is there), the migrations under their advisory lock. On any failure both
 * pools are closed.
 *
 * @throws StoreError `STORE_UNAVAILABLE` (server unreachable), `STORE_OPEN_FAILED` (login
 *   refused, no such database), `STORE_SERVER_TOO_OLD`, `STORE_SCHEMA_TOO_NEW`,
 *   `STORE_MIGRATION_FAILED`.
 */
export async function connectPostgres(
  url: string,
  options: { poolSize: number; now: () => number; logger: Logger },
): Promise<PostgresConnection> {
  const { logger } = options;
  const pool = createPool(url, {
    max: options.poolSize,
    statementTimeoutMs: STATEMENT_TIMEOUT_MS,
    logger,
    applicationName: 'closer',
  });
  const lockPool = createPool(url, {
    max: options.poolSize,
    statementTimeoutMs: 0,
    logger,
    applicationName: 'closer-locks',
  });
  try {
    const version = await readServerVersion(pool);
    assertSupportedServer(version);
    const migration = await migratePostgres(pool, { now: options.now, logger });
    return { pool, lockPool, version, migration };
  } catch (e: unknown) {
    await Promise.all([pool.end(), lockPool.end()]).catch(() => undefined);
    throw toStoreError('open', e);
  }
}

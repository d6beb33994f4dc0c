import type { Logger } from '../observability/logger';
import type { Clock } from '../timers/clock';
import { parseDatabaseUrl } from './database-url';
import { PostgresStore } from './postgres/postgres-store';
import type { SqliteDurability } from './sqlite/open-database';
import { SqliteStore } from './sqlite/sqlite-store';
import type { Store } from './store';

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** Source of store-assigned times (processed_at, migration ledger). Default: system clock. */
  clock?: Clock;
  logger?: Logger;
  /** SQLite only: `normal` (default) or `full` (fsync per commit). See `SqliteDurability`. */
  durability?: SqliteDurability;
  /** SQLite only: ms to wait for a write lock held by another connection. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * SQLite only: open a second connection of this process to its file (the processing thread's),
   * taking no process lock and leaving the owner's claims alone. See `SqliteStoreOptions`.
   */
  companion?: boolean;
  /** The name on the store's claims (default: a new random one). See `Store.claimant`. */
  claimant?: string;
  /** PostgreSQL only: connections of the query pool (`CLOSER_DATABASE_POOL_SIZE`). Default 10. */
  poolSize?: number;
}

/**
 * Opens the store a database URL names and brings its schema up to date, so the result is ready.
 *
 * - `sqlite:PATH`: a SQLite file (PATH relative to the working directory, or absolute); missing
 *   folders are created. `sqlite::memory:` is a private in-memory database (tests).
 * - `postgres://…` / `postgresql://…`: a PostgreSQL 14+ database shared by every replica (the
 *   pg connection string: user, password, host, port, database, `?sslmode=…`).
 *
 * @throws StoreError `STORE_BAD_URL` for any other URL; `STORE_OPEN_FAILED`,
 *   `STORE_SCHEMA_TOO_NEW`, `STORE_MIGRATION_FAILED` from opening; for PostgreSQL also
 *   `STORE_UNAVAILABLE` (server unreachable) and `STORE_SERVER_TOO_OLD`.
 */
export async function openStore(
  databaseUrl: string,
  options: OpenStoreOptions = {},
): Promise<Store> {
  const location = parseDatabaseUrl(databaseUrl);
  switch (location.kind) {
    case 'sqlite':
      return SqliteStore.open(location.filename, options);
    case 'postgres':
      return PostgresStore.open(location.url, {
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
        ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
        ...(options.claimant === undefined ? {} : { claimant: options.claimant }),
        ...(options.companion === undefined ? {} : { companion: options.companion }),
      });
    default: {
      const unreachable: never = location;
      throw new Error(`Unhandled database kind: ${JSON.stringify(unreachable)}`);
    }
  }
}

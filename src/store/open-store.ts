import type { Logger } from '../observability/logger';
import type { Clock } from '../timers/clock';
import { parseDatabaseUrl, redactUrl } from './database-url';
import type { SqliteDurability } from './sqlite/open-database';
import { SqliteStore } from './sqlite/sqlite-store';
import type { Store } from './store';
import { StoreError } from './store-error';

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** Source of store-assigned times (processed_at, migration ledger). Default: system clock. */
  clock?: Clock;
  logger?: Logger;
  /** SQLite only: `normal` (default) or `full` (fsync per commit). See `SqliteDurability`. */
  durability?: SqliteDurability;
  /** SQLite only: ms to wait for a write lock held by another connection. Default 5000. */
  busyTimeoutMs?: number;
}

/**
 * Opens the store a database URL names and brings its schema up to date, so the result is ready.
 *
 * - `sqlite:PATH`: a SQLite file (PATH relative to the working directory, or absolute); missing
 *   folders are created. `sqlite::memory:` is a private in-memory database (tests).
 * - `postgres://…` / `postgresql://…`: planned, not in this build.
 *
 * @throws StoreError `STORE_BAD_URL` for any other URL; `STORE_UNSUPPORTED` for PostgreSQL;
 *   `STORE_OPEN_FAILED`, `STORE_SCHEMA_TOO_NEW`, `STORE_MIGRATION_FAILED` from opening.
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
      throw new StoreError(
        'STORE_UNSUPPORTED',
        `PostgreSQL support is planned but not in this build (got '${redactUrl(location.url)}'); use 'sqlite:PATH' for now`,
      );
    default: {
      const unreachable: never = location;
      throw new Error(`Unhandled database kind: ${JSON.stringify(unreachable)}`);
    }
  }
}

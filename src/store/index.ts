/** The durable store: the `Store` interface, its SQLite implementation and how to open one. */
export type * from './store';
export { StoreError } from './store-error';
export type { StoreErrorCode } from './store-error';
export { DEFAULT_DATABASE_URL, parseDatabaseUrl, redactUrl } from './database-url';
export type { DatabaseLocation } from './database-url';
export { openStore } from './open-store';
export type { OpenStoreOptions } from './open-store';
export { SqliteStore } from './sqlite/sqlite-store';
export { DEFAULT_OUTCOME_LIMIT, MAX_OUTCOME_LIMIT } from './query-limits';
export type { SqliteConnectionSettings, SqliteStoreOptions } from './sqlite/sqlite-store';
export type { SqliteDurability } from './sqlite/open-database';
export { DEFAULT_BUSY_TIMEOUT_MS } from './sqlite/open-database';
export { runMigrations, assertMigrationList } from './migrate';
export type { AppliedMigration, Migration, MigrationDriver, MigrationReport } from './migrate';
export { sqliteMigrations } from './sqlite/migrations';

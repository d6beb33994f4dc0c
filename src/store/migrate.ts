import type { Logger } from '../observability/logger';
import { StoreError } from './store-error';

/**
 * One schema change. Migrations are append-only: never edit, renumber or reorder one that has
 * shipped; fix forward with a new one. Versions are 1, 2, 3… with no gaps.
 */
export interface Migration {
  version: number;
  /** Short name for logs and the ledger, e.g. `init`. */
  name: string;
  /** The statements, run in one transaction together with the ledger row. */
  sql: string;
}

/** A row of the `schema_migrations` ledger. */
export interface AppliedMigration {
  version: number;
  name: string;
  /** Epoch ms when it was applied. */
  appliedAt: number;
}

/** What a back end provides so {@link runMigrations} can stay generic (SQLite now, PostgreSQL later). */
export interface MigrationDriver {
  /** Creates the `schema_migrations` ledger table if it does not exist. */
  ensureLedger(): Promise<void>;
  /** Every ledger row, any order. */
  applied(): Promise<AppliedMigration[]>;
  /**
   * Runs the migration and inserts its ledger row in ONE transaction, holding the back end's
   * write lock, so two processes starting together cannot both apply it. Returns `false` (and
   * changes nothing) when the ledger already has this version by the time the lock is held.
   */
  apply(migration: Migration, appliedAt: number): Promise<boolean>;
}

/** What {@link runMigrations} did. */
export interface MigrationReport {
  /** Schema version found before running (0 for a new database). */
  from: number;
  /** Schema version after running. */
  to: number;
  /** Versions this call applied (empty when the database was up to date). */
  applied: number[];
}

/**
 * Checks that a migration list is 1..n in order with no gaps or duplicates (a programming error
 * if not, so it throws a plain `Error`).
 */
export function assertMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `Migration list out of order: position ${index + 1} holds version ${migration.version} (${migration.name})`,
      );
    }
  });
}

/**
 * Brings the database up to the newest known migration.
 *
 * It first reads the ledger and refuses a database that is AHEAD of this code (a newer closer
 * migrated it; running old code on a new schema risks silent damage). Then it applies each
 * missing migration in its own transaction, in order.
 *
 * @throws StoreError `STORE_SCHEMA_TOO_NEW` when the ledger holds versions this code does not know.
 * @throws StoreError `STORE_MIGRATION_FAILED` when a migration fails (that migration is rolled back;
 *   earlier ones stay applied).
 */
export async function runMigrations(
  driver: MigrationDriver,
  migrations: readonly Migration[],
  options: { now: () => number; logger: Logger; backend: string },
): Promise<MigrationReport> {
  assertMigrationList(migrations);
  await driver.ensureLedger();
  const applied = await driver.applied();
  const known = migrations.length;
  const newest = applied.reduce<AppliedMigration | undefined>(
    (max, row) => (max === undefined || row.version > max.version ? row : max),
    undefined,
  );
  const from = newest?.version ?? 0;
  if (newest !== undefined && newest.version > known) {
    throw new StoreError(
      'STORE_SCHEMA_TOO_NEW',
      `The ${options.backend} database is at schema version ${newest.version} ('${newest.name}', applied ${new Date(newest.appliedAt).toISOString()}) but this closer only knows versions up to ${known}; run a closer at least as new as the one that migrated it, or point it at another database`,
      { details: { found: newest.version, foundName: newest.name, known } },
    );
  }
  const done = new Set(applied.map((row) => row.version));
  const report: MigrationReport = { from, to: from, applied: [] };
  for (const migration of migrations) {
    if (done.has(migration.version)) {
      continue;
    }
    let ran: boolean;
    try {
      ran = await driver.apply(migration, options.now());
    } catch (e: unknown) {
      throw new StoreError(
        'STORE_MIGRATION_FAILED',
        `Migration ${migration.version} ('${migration.name}') failed on the ${options.backend} database and was rolled back`,
        { cause: e, details: { version: migration.version, name: migration.name } },
      );
    }
    if (ran) {
      report.applied.push(migration.version);
      options.logger.info('applied database migration', {
        version: migration.version,
        name: migration.name,
        backend: options.backend,
      });
    }
    report.to = Math.max(report.to, migration.version);
  }
  return report;
}

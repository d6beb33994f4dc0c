import type Database from 'better-sqlite3';
import type { AppliedMigration, Migration, MigrationDriver } from '../migrate';
import { settle } from './settle';

interface LedgerRow {
  version: number;
  name: string;
  applied_at: number;
}

/** The SQLite side of the shared migration runner: a `schema_migrations` ledger. */
export function sqliteMigrationDriver(db: Database.Database): MigrationDriver {
  const ensureLedger = (): void => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT    NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
  };
  const readLedger = (): AppliedMigration[] =>
    db
      .prepare<[], LedgerRow>('SELECT version, name, applied_at FROM schema_migrations')
      .all()
      .map((row) => ({ version: row.version, name: row.name, appliedAt: row.applied_at }));

  // BEGIN IMMEDIATE takes the write lock first, so of two processes migrating the same file one
  // waits (busy_timeout) and then sees the other's ledger row instead of re-running the DDL.
  const applyLocked = db.transaction((migration: Migration, appliedAt: number): boolean => {
    const present = db
      .prepare<[number], number>('SELECT 1 FROM schema_migrations WHERE version = ?')
      .pluck()
      .get(migration.version);
    if (present !== undefined) {
      return false;
    }
    db.exec(migration.sql);
    db.prepare<[number, string, number]>(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    ).run(migration.version, migration.name, appliedAt);
    return true;
  });

  return {
    ensureLedger: () => settle(ensureLedger),
    applied: () => settle(readLedger),
    apply: (migration, appliedAt) => settle(() => applyLocked.immediate(migration, appliedAt)),
  };
}

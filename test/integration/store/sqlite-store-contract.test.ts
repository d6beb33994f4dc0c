import Database from 'better-sqlite3';
import { openStore, runMigrations, sqliteMigrations } from '../../../src/store';
import { sqliteMigrationDriver } from '../../../src/store/sqlite/sqlite-migration-driver';
import { silentLogger } from '../../../src/observability/logger';
import { tempDatabaseUrl } from '../../helpers/sqlite';
import { describeStoreContract, migrationsBefore } from './store-contract';
import { T0 } from './contract/fixtures';

interface LedgerRow {
  version: number;
  applied_at: number;
}

describeStoreContract('SqliteStore (file in a temp dir)', async () => {
  const database = await tempDatabaseUrl();
  const withRaw = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(database.path);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return {
    open: (options) => openStore(database.url, options),
    ledger: () =>
      Promise.resolve(
        withRaw((db) =>
          db
            .prepare<[], LedgerRow>(
              'SELECT version, applied_at FROM schema_migrations ORDER BY version',
            )
            .all()
            .map((row) => ({ version: row.version, appliedAt: row.applied_at })),
        ),
      ),
    addFutureMigration: (version) => {
      withRaw((db) =>
        db
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(version, 'from-the-future', Date.UTC(2030, 0, 1)),
      );
      return Promise.resolve();
    },
    migrateBefore: async (name) => {
      const db = new Database(database.path);
      try {
        await runMigrations(sqliteMigrationDriver(db), migrationsBefore(sqliteMigrations, name), {
          now: () => T0,
          logger: silentLogger,
          backend: 'SQLite',
        });
      } finally {
        db.close();
      }
    },
    exec: (sql) => {
      withRaw((db) => db.exec(sql));
      return Promise.resolve();
    },
    destroy: () => database.remove(),
  };
});

import { openStore, postgresMigrations, runMigrations } from '../../../src/store';
import { postgresMigrationDriver } from '../../../src/store/postgres/migrator';
import { silentLogger } from '../../../src/observability/logger';
import { createTestDatabase, describePostgres, withPgClient } from '../../helpers/postgres';
import { describeStoreContract, migrationsBefore } from './store-contract';
import { T0 } from './contract/fixtures';

interface LedgerRow {
  version: number;
  applied_at: string;
}

describePostgres('PostgreSQL store contract', (serverUrl) => {
  describeStoreContract('PostgresStore (a database per test)', async () => {
    const database = await createTestDatabase(serverUrl);
    return {
      open: (options) => openStore(database.url, options),
      ledger: () =>
        withPgClient(database.url, async (client) => {
          const result = await client.query<LedgerRow>(
            'SELECT version, applied_at FROM schema_migrations ORDER BY version',
          );
          // A raw client: BIGINT arrives as text.
          return result.rows.map((row) => ({
            version: row.version,
            appliedAt: Number(row.applied_at),
          }));
        }),
      addFutureMigration: async (version) => {
        await withPgClient(database.url, (client) =>
          client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [version, 'from-the-future', Date.UTC(2030, 0, 1)],
          ),
        );
      },
      migrateBefore: (name) =>
        withPgClient(database.url, async (client) => {
          await runMigrations(
            postgresMigrationDriver(client),
            migrationsBefore(postgresMigrations, name),
            { now: () => T0, logger: silentLogger, backend: 'PostgreSQL' },
          );
        }),
      exec: (sql) =>
        withPgClient(database.url, async (client) => {
          await client.query(sql);
        }),
      destroy: () => database.drop(),
    };
  });
});

import { postgresRequired, postgresTestUrl, createTestDatabase } from './postgres';
import { tempDatabaseUrl } from './sqlite';

/** A back end a suite can run on. */
export type TestStoreKind = 'sqlite' | 'postgres';

/**
 * The back ends a suite written for both runs on: SQLite always; PostgreSQL when
 * `CLOSER_TEST_DATABASE_URL` is set — or required (CI), where opening it then fails loudly.
 */
export function testStoreKinds(): TestStoreKind[] {
  return postgresTestUrl() !== undefined || postgresRequired()
    ? ['sqlite', 'postgres']
    : ['sqlite'];
}

/** A fresh, empty database of `kind`: its URL for `openStore`, and how to delete it. */
export async function createStoreDatabase(
  kind: TestStoreKind,
): Promise<{ url: string; remove(): Promise<void> }> {
  if (kind === 'sqlite') {
    return tempDatabaseUrl();
  }
  const server = postgresTestUrl();
  if (server === undefined) {
    throw new Error(
      'PostgreSQL is required (CI) but CLOSER_TEST_DATABASE_URL is not set: run under scripts/with-postgres',
    );
  }
  const database = await createTestDatabase(server);
  return { url: database.url, remove: () => database.drop() };
}

/**
 * The back end of the end-to-end harness (`startTestCloser`): `CLOSER_TEST_STORE=postgres` runs
 * the e2e and robustness suites on PostgreSQL (`CLOSER_TEST_DATABASE_URL`, a database per test);
 * unset or `sqlite`, on a SQLite file.
 */
export function e2eStoreKind(): TestStoreKind {
  const kind = process.env.CLOSER_TEST_STORE?.trim() ?? 'sqlite';
  if (kind !== 'sqlite' && kind !== 'postgres' && kind !== '') {
    throw new Error(`CLOSER_TEST_STORE must be sqlite or postgres, not ${kind}`);
  }
  return kind === 'postgres' ? 'postgres' : 'sqlite';
}

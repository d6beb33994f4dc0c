import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * PostgreSQL for tests. The server comes from `CLOSER_TEST_DATABASE_URL` (a role that may CREATE
 * and DROP databases), which `scripts/with-postgres` sets up (a private throwaway cluster) — e.g.
 * `scripts/with-postgres npx jest test/integration/store`. Unset: the PostgreSQL tests are skipped
 * with a message saying so, except under CI (`CI=1`/`CI=true` or `CLOSER_REQUIRE_POSTGRES=1`, which
 * `.ci/run` sets), where they FAIL: a missing PostgreSQL never passes a CI run silently.
 *
 * Each test gets a database of its own (`createTestDatabase`), dropped after, so files run in
 * parallel jest workers without sharing state.
 */
export const TEST_DATABASE_URL_ENV = 'CLOSER_TEST_DATABASE_URL';

/** The server tests use, or undefined when none is configured. */
export function postgresTestUrl(): string | undefined {
  const url = process.env[TEST_DATABASE_URL_ENV]?.trim();
  return url === undefined || url === '' ? undefined : url;
}

/** Whether this run must have PostgreSQL (CI): then a missing URL fails instead of skipping. */
export function postgresRequired(): boolean {
  const ci = process.env.CI?.trim().toLowerCase();
  return ci === '1' || ci === 'true' || process.env.CLOSER_REQUIRE_POSTGRES === '1';
}

/**
 * `describe` for tests that need PostgreSQL: `body` receives the server URL. Without one, a single
 * skipped test names what to do — or, under CI, a single failing test.
 */
export function describePostgres(name: string, body: (serverUrl: string) => void): void {
  const url = postgresTestUrl();
  if (url !== undefined) {
    describe(name, () => {
      body(url);
    });
    return;
  }
  const why = `${TEST_DATABASE_URL_ENV} is not set: run under scripts/with-postgres (e.g. scripts/with-postgres npx jest <file>)`;
  describe(name, () => {
    if (postgresRequired()) {
      it('needs PostgreSQL (required in CI)', () => {
        throw new Error(`PostgreSQL tests cannot run in CI: ${why}`);
      });
    } else {
      it.skip(`SKIPPED, no PostgreSQL: ${why}`, () => undefined);
    }
  });
}

/** A database of one test; `drop()` removes it (closing its connections). */
export interface TestDatabase {
  name: string;
  /** The server URL with this database in its path. */
  url: string;
  drop(): Promise<void>;
}

let created = 0;

/** Runs `fn` with a connected client of `url`, then ends the client. */
export async function withPgClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database with a name no other test or worker uses. */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  created += 1;
  const name = `closer_test_${process.pid}_${created}_${randomBytes(4).toString('hex')}`;
  await withPgClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withPgClient(serverUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}

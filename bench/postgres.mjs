// PostgreSQL for the benches: the server comes from CLOSER_TEST_DATABASE_URL (a role that may
// CREATE and DROP databases; `scripts/with-postgres` starts a private cluster and sets it), and
// each measurement runs on a fresh database of its own, dropped after (as test/helpers/postgres.ts
// does for tests).
import { randomBytes } from 'node:crypto';
import { URL } from 'node:url';
import console from 'node:console';
import process from 'node:process';
import pg from 'pg';

/** The server URL, or exits with a message saying how to get one (`bench` names the script). */
export function postgresServerUrl(bench) {
  const url = process.env.CLOSER_TEST_DATABASE_URL?.trim();
  if (url === undefined || url === '') {
    console.error(
      `needs PostgreSQL (CLOSER_TEST_DATABASE_URL): run as \`scripts/with-postgres node ${bench} …\``,
    );
    process.exit(2);
  }
  return url;
}

/** Runs `fn` with a connected client of `url`, then ends the client. */
export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database on the server at `serverUrl`: `url` (the server URL with it in its path),
 * `count(sql)` (runs a query returning one row with a column `n`), `drop()`.
 */
export async function createDatabase(serverUrl) {
  const name = `closer_bench_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async count(sql) {
      const result = await withClient(url.toString(), (client) => client.query(sql));
      return Number(result.rows[0].n);
    },
    async drop() {
      await withClient(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
    },
  };
}

import pg from 'pg';
import type { Logger } from '../../observability/logger';

/** Default connections of the query pool (`CLOSER_DATABASE_POOL_SIZE`). */
export const DEFAULT_POOL_SIZE = 10;
/** How long a query waits for a connection (pool full or server unreachable) before failing, ms. */
export const CONNECT_TIMEOUT_MS = 5_000;
/** Longest a statement may run before the server cancels it, ms (not on lock connections). */
export const STATEMENT_TIMEOUT_MS = 30_000;

/**
 * BIGINT (epoch ms, ids, counts) read as a JavaScript number: every value closer stores is far
 * below 2^53. Set per pool, not on the shared `pg.types`, so an application embedding closer keeps
 * its own parsers.
 */
function closerTypes(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, 'text', Number);
  return types;
}

/** The session setting closer's writes rely on, whatever the database's or role's default. */
const READ_COMMITTED = '-c default_transaction_isolation=read\\ committed';

/**
 * The connection string and startup `options` to connect with: the URL's own `?options=…`
 * (taken out of the URL, where it would replace these), then READ COMMITTED. Conversation writes
 * re-check a row a concurrent writer changed and then fold onto it; under REPEATABLE READ or
 * SERIALIZABLE the same statement fails with a serialization error instead.
 */
function withSessionOptions(url: string): { connectionString: string; options: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL pg can use either: connecting fails with its own error.
    return { connectionString: url, options: READ_COMMITTED };
  }
  const own = parsed.searchParams.get('options');
  if (own === null) {
    return { connectionString: url, options: READ_COMMITTED };
  }
  parsed.searchParams.delete('options');
  return {
    connectionString: parsed.toString(),
    options: own.trim() === '' ? READ_COMMITTED : `${own} ${READ_COMMITTED}`,
  };
}

/** Options of {@link createPool}. */
export interface PoolOptions {
  /** Connections at most. */
  max: number;
  /** Server-side statement timeout in ms; 0 = none (lock waits). */
  statementTimeoutMs: number;
  logger: Logger;
  /** Shown in `pg_stat_activity`. */
  applicationName: string;
}

/**
 * A pg pool for a `postgres://` URL. An error on an IDLE connection (the server restarted) is
 * logged, never thrown: the pool drops that connection and the next query opens a new one.
 */
export function createPool(url: string, options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    ...withSessionOptions(url),
    max: options.max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    application_name: options.applicationName,
    ...(options.statementTimeoutMs > 0 ? { statement_timeout: options.statementTimeoutMs } : {}),
    types: closerTypes(),
  });
  pool.on('error', (error) => {
    options.logger.warn('PostgreSQL connection lost while idle; it will be replaced', {
      error: error.message,
    });
  });
  return pool;
}

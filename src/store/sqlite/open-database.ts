import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../store-error';

/**
 * How hard SQLite works to keep the newest commits across crashes.
 * - `normal` (default): WAL with `synchronous=NORMAL`. Every commit survives a crash of the closer
 *   PROCESS. An operating-system crash or power loss may roll back the last few commits (those
 *   since the last WAL sync, typically milliseconds); the database itself stays consistent. For
 *   closer that means a just-acknowledged intake event or a just-armed timer could be lost, which
 *   senders' retries and the next snapshot repair. Chosen for throughput (no fsync per commit).
 * - `full`: WAL with `synchronous=FULL`: an fsync on every commit, so an acknowledged write also
 *   survives power loss, at a large cost in commits per second on most disks.
 */
export type SqliteDurability = 'normal' | 'full';

/** Options for {@link openSqliteDatabase}. */
export interface SqliteDatabaseOptions {
  /** Default `normal`; see {@link SqliteDurability}. */
  durability?: SqliteDurability;
  /**
   * How long a statement waits for another connection's write lock before failing with
   * `SQLITE_BUSY`, in ms. Default 5000.
   */
  busyTimeoutMs?: number;
}

/** Default `busy_timeout` in ms. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating it and its parent folders if needed) a SQLite database and sets the pragmas
 * closer relies on: WAL journal (readers never block the writer), the chosen `synchronous` level,
 * `busy_timeout`, and foreign keys on.
 *
 * @param filename a file path relative to the working directory, an absolute path, or `:memory:`.
 * @throws StoreError `STORE_OPEN_FAILED` when the folder or file cannot be created or opened.
 */
export function openSqliteDatabase(
  filename: string,
  options: SqliteDatabaseOptions = {},
): Database.Database {
  const memory = filename === ':memory:';
  let db: Database.Database;
  try {
    if (!memory) {
      mkdirSync(dirname(resolve(filename)), { recursive: true });
    }
    db = new Database(filename, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  } catch (e: unknown) {
    throw new StoreError('STORE_OPEN_FAILED', `Cannot open the SQLite database '${filename}'`, {
      cause: e,
      details: { filename },
    });
  }
  try {
    // In-memory databases answer `memory`; WAL only applies to files.
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
  } catch (e: unknown) {
    db.close();
    throw new StoreError(
      'STORE_OPEN_FAILED',
      `Cannot configure the SQLite database '${filename}' (is it a SQLite file?)`,
      { cause: e, details: { filename } },
    );
  }
  return db;
}

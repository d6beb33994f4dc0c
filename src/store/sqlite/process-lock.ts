import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../store-error';

/** A lock held by one closer process on one SQLite database file; `release()` gives it back. */
export interface ProcessLock {
  /** Path of the lock file (`<database>.lock`). */
  readonly path: string;
  release(): void;
}

/**
 * Takes the lock that lets one closer process at a time use a SQLite database file. Two processes
 * on one file would both fire its timers and both end its conversations; SQLite itself would let
 * them (its locks cover single transactions), so closer refuses the second one at start.
 *
 * The lock is an exclusive transaction held open on a sidecar SQLite file `<database>.lock`.
 * SQLite takes it with POSIX advisory locks, which the operating system drops when the process
 * dies in any way, SIGKILL included, so a crashed closer never leaves it held. (SQLite's own
 * `locking_mode=EXCLUSIVE` on the database itself is not an option: the WAL checkpoint worker
 * needs a second connection.) Stores opened on one file within one process share the lock (it
 * is counted, and released with the last one): one process is one closer.
 *
 * @throws StoreError `STORE_LOCKED` when another process (or connection) holds the lock;
 *   `STORE_OPEN_FAILED` when the lock file cannot be created.
 */
export function acquireProcessLock(databaseFile: string): ProcessLock {
  const path = `${resolve(databaseFile)}.lock`;
  const held = heldHere.get(path);
  if (held !== undefined) {
    held.count += 1;
    return shared(path, held);
  }
  const entry = { db: takeLock(databaseFile, path), count: 1 };
  heldHere.set(path, entry);
  return shared(path, entry);
}

/** Locks this process holds, by lock file, with how many open stores share each. */
const heldHere = new Map<string, { db: Database.Database; count: number }>();

function shared(path: string, entry: { db: Database.Database; count: number }): ProcessLock {
  let released = false;
  return {
    path,
    release() {
      if (released) {
        return;
      }
      released = true;
      entry.count -= 1;
      if (entry.count > 0) {
        return;
      }
      heldHere.delete(path);
      try {
        entry.db.exec('ROLLBACK');
      } finally {
        entry.db.close();
      }
    },
  };
}

function takeLock(databaseFile: string, path: string): Database.Database {
  let db: Database.Database;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: 0 });
  } catch (e: unknown) {
    throw new StoreError('STORE_OPEN_FAILED', `Cannot create the lock file '${path}'`, {
      cause: e,
      details: { lockFile: path },
    });
  }
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('locking_mode = EXCLUSIVE');
    // Writing makes SQLite take (and, in exclusive locking mode, keep) the file's exclusive lock.
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS held (at INTEGER);');
  } catch (e: unknown) {
    db.close();
    const busy =
      typeof e === 'object' &&
      e !== null &&
      'code' in e &&
      typeof e.code === 'string' &&
      e.code.startsWith('SQLITE_BUSY');
    if (busy) {
      throw new StoreError(
        'STORE_LOCKED',
        `The SQLite database '${databaseFile}' is in use by another closer process. One process per SQLite file: stop the other one, give this one its own CLOSER_DATABASE_URL, or use PostgreSQL to run replicas.`,
        { cause: e, details: { filename: databaseFile, lockFile: path } },
      );
    }
    throw new StoreError('STORE_OPEN_FAILED', `Cannot lock '${path}'`, {
      cause: e,
      details: { lockFile: path },
    });
  }
  return db;
}

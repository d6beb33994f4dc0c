import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenStoreOptions, Store } from '../../src/store';
import { openStore } from '../../src/store';

/** A SQLite database location in a fresh temp folder; `remove()` deletes the folder and its files. */
export interface TempDatabase {
  /** `sqlite:/tmp/closer-test-…/closer.db` */
  url: string;
  /** The database file path. */
  path: string;
  /** Deletes the folder, the database and its -wal/-shm files. Close stores first. */
  remove(): Promise<void>;
}

/** A unique SQLite URL in a new temp folder (nothing is created inside it until opened). */
export async function tempDatabaseUrl(): Promise<TempDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'closer-test-'));
  const path = join(dir, 'closer.db');
  return {
    url: `sqlite:${path}`,
    path,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Opens a migrated SQLite store on a temp file, runs `fn`, then closes the store and deletes the
 * files, whether `fn` passed or threw.
 */
export async function withSqliteStore<T>(
  fn: (store: Store, database: TempDatabase) => Promise<T>,
  options: OpenStoreOptions = {},
): Promise<T> {
  const database = await tempDatabaseUrl();
  try {
    const store = await openStore(database.url, options);
    try {
      return await fn(store, database);
    } finally {
      await store.close();
    }
  } finally {
    await database.remove();
  }
}

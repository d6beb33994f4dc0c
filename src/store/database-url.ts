import { StoreError } from './store-error';

/** Where closer keeps its state when nothing is configured: a SQLite file under `./data`. */
export const DEFAULT_DATABASE_URL = 'sqlite:data/closer.db';

/** The back end and location a database URL names. */
export type DatabaseLocation =
  | { kind: 'sqlite'; /** File path (relative to cwd) or `:memory:`. */ filename: string }
  | { kind: 'postgres'; url: string };

const ACCEPTED_FORMS =
  "'sqlite:PATH' (relative to the working directory, e.g. 'sqlite:data/closer.db', or absolute, e.g. 'sqlite:/var/lib/closer/closer.db'), 'sqlite::memory:' and 'postgres://USER:PASSWORD@HOST:PORT/DATABASE'";

/**
 * Parses a database URL.
 *
 * @throws StoreError `STORE_BAD_URL` when the URL is not `sqlite:PATH`, `sqlite::memory:`,
 *   `postgres://…` or `postgresql://…`.
 */
export function parseDatabaseUrl(databaseUrl: string): DatabaseLocation {
  const url = databaseUrl.trim();
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { kind: 'postgres', url };
  }
  if (url.startsWith('sqlite:')) {
    const filename = url.slice('sqlite:'.length);
    // `sqlite://x` is refused rather than guessed: other tools read it as relative, POSIX as `/x`.
    if (filename.length > 0 && !filename.startsWith('//')) {
      return { kind: 'sqlite', filename };
    }
  }
  throw new StoreError(
    'STORE_BAD_URL',
    `Unsupported database URL '${redactUrl(url)}': accepted forms are ${ACCEPTED_FORMS}`,
  );
}

/** Hides a password in a URL so it can be put in an error message. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

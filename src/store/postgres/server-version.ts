import type { Queryable } from './transaction';
import { StoreError } from '../store-error';

/** Oldest PostgreSQL major version closer runs on (`server_version_num` 140000). */
export const MIN_SERVER_MAJOR = 14;

/** The server's version as PostgreSQL reports it. */
export interface ServerVersion {
  /** `server_version_num`, e.g. 150018 for 15.18. */
  num: number;
  /** `server_version`, e.g. `15.18 (Debian 15.18-0+deb12u1)`. */
  text: string;
}

/**
 * Refuses a server older than {@link MIN_SERVER_MAJOR}, naming what was found and what is needed.
 *
 * @throws StoreError `STORE_SERVER_TOO_OLD`.
 */
export function assertSupportedServer(version: ServerVersion): void {
  if (version.num >= MIN_SERVER_MAJOR * 10_000) {
    return;
  }
  throw new StoreError(
    'STORE_SERVER_TOO_OLD',
    `PostgreSQL ${version.text} found; closer needs PostgreSQL ${MIN_SERVER_MAJOR} or newer (upgrade the server, or use sqlite:PATH)`,
    { details: { found: version.text, foundNum: version.num, needed: `${MIN_SERVER_MAJOR}` } },
  );
}

/** Reads the server's version (the first query closer sends: it also proves the server is there). */
export async function readServerVersion(db: Queryable): Promise<ServerVersion> {
  const result = await db.query<{ num: string; text: string }>(
    "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text",
  );
  const row = result.rows[0];
  return { num: Number(row?.num ?? 0), text: row?.text ?? 'unknown' };
}

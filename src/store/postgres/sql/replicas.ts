import type pg from 'pg';
import { releaseClaimsOfSilent, type ReleasedClaims } from './release-claims';

/**
 * Records `replica` as seen at `now`, voids the claims of replicas silent for longer than `ttlMs`
 * (`releaseClaimsOfSilent`) and forgets them, and counts the rest (this one included), in the
 * caller's transaction.
 */
export async function heartbeat(
  client: pg.PoolClient,
  replica: string,
  now: number,
  ttlMs: number,
): Promise<{ replicas: number; released: ReleasedClaims }> {
  await client.query(
    `INSERT INTO replicas (id, seen_at) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at`,
    [replica, now],
  );
  const released = await releaseClaimsOfSilent(client, now - ttlMs, now);
  await client.query('DELETE FROM replicas WHERE seen_at < $1', [now - ttlMs]);
  const result = await client.query<{ n: number }>('SELECT count(*) AS n FROM replicas');
  return { replicas: result.rows[0]?.n ?? 1, released };
}

import type pg from 'pg';

/**
 * Records `replica` as seen at `now`, forgets replicas silent for longer than `ttlMs`, and counts
 * the rest (this one included), in the caller's transaction.
 */
export async function heartbeat(
  client: pg.PoolClient,
  replica: string,
  now: number,
  ttlMs: number,
): Promise<number> {
  await client.query(
    `INSERT INTO replicas (id, seen_at) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at`,
    [replica, now],
  );
  await client.query('DELETE FROM replicas WHERE seen_at < $1', [now - ttlMs]);
  const result = await client.query<{ n: number }>('SELECT count(*) AS n FROM replicas');
  return result.rows[0]?.n ?? 1;
}

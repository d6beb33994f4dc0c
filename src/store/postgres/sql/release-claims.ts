import type pg from 'pg';

/** How many claims {@link releaseClaimsOfSilent} voided, by kind. */
export interface ReleasedClaims {
  timers: number;
  events: number;
  audit: number;
}

/**
 * Voids the claims (timer leases, inbox and outbox claims) of store instances that last beat
 * before `silentSince` (epoch ms): a replica that stopped beating (killed, cut off) has its work
 * taken over now, not when its leases end (`CLOSER_CLAIM_LEASE`, default 60 s). Only instances
 * seen once are known here; a claim of one that never beat runs out its lease. Run in the
 * heartbeat's transaction, before the silent instances are forgotten. A timer is only ever leased
 * when due, so the due_at index bounds the timer walk.
 */
export async function releaseClaimsOfSilent(
  client: pg.PoolClient,
  silentSince: number,
  now: number,
): Promise<ReleasedClaims> {
  const silent = 'SELECT id FROM replicas WHERE seen_at < $1';
  const timers = await client.query(
    `UPDATE timers SET lease_until = NULL, leased_by = NULL
     WHERE due_at <= $2 AND lease_until > $2 AND leased_by IN (${silent})`,
    [silentSince, now],
  );
  const events = await client.query(
    `UPDATE inbox_events SET claimed_by = NULL, claimed_until = NULL
     WHERE processed_at IS NULL AND claimed_until > $2 AND claimed_by IN (${silent})`,
    [silentSince, now],
  );
  const audit = await client.query(
    `UPDATE audit_outbox SET claimed_by = NULL, claimed_until = NULL
     WHERE state = 'pending' AND claimed_until > $2 AND claimed_by IN (${silent})`,
    [silentSince, now],
  );
  return {
    timers: timers.rowCount ?? 0,
    events: events.rowCount ?? 0,
    audit: audit.rowCount ?? 0,
  };
}

import type pg from 'pg';
import type { AuditOutboxEntry, AuditOutboxInput, AuditOutboxStats } from '../../store';
import type { AuditRow } from '../../rows';
import { auditFromRow } from '../../rows';
import { claimablePrefix, type PendingAuditClaim } from '../../audit-claim';
import { AUDIT_CLAIM_LOCK, LOCK_CLASS } from '../advisory-locks';
import type { Queryable } from '../transaction';

const AUDIT_COLUMNS =
  'seq, event_id, type, detail, created_at, state, attempts, next_attempt_at, last_error, finished_at';
const END_CLAIM = 'claimed_by = NULL, claimed_until = NULL';

/** A repeated event id (a retried commit) is the same event: kept once. Due at once. */
export async function appendAudit(db: Queryable, events: AuditOutboxInput[]): Promise<void> {
  if (events.length === 0) {
    return;
  }
  await db.query(
    `INSERT INTO audit_outbox (event_id, type, detail, created_at, next_attempt_at)
     SELECT e, t, d, c, 0 FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS x(e, t, d, c)
     ON CONFLICT (event_id) DO NOTHING`,
    [
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.detail)),
      events.map((e) => e.createdAt),
    ],
  );
}

/**
 * Claims the head of the outbox for `claimant` (see `Store.claimAuditBatch`), in the caller's
 * transaction. Not SKIP LOCKED: a second publisher skipping the first one's rows would publish
 * later entries before earlier ones. Claims are serialised by a transaction advisory lock instead
 * (taken before the read, so the read sees every committed claim); a publisher finding the head
 * claimed by a live other gets nothing and polls again.
 */
export async function claimAuditBatch(
  client: pg.PoolClient,
  claimant: string,
  now: number,
  limit: number,
  leaseMs: number,
): Promise<AuditOutboxEntry[]> {
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, AUDIT_CLAIM_LOCK]);
  const pending = await client.query<AuditRow & PendingAuditClaim>(
    `SELECT ${AUDIT_COLUMNS}, claimed_by, claimed_until FROM audit_outbox
     WHERE state = 'pending' ORDER BY seq LIMIT $1`,
    [limit],
  );
  const batch = claimablePrefix(pending.rows, claimant, now);
  if (batch.length > 0) {
    await client.query(
      'UPDATE audit_outbox SET claimed_by = $1, claimed_until = $2 WHERE seq = ANY($3::bigint[])',
      [claimant, now + leaseMs, batch.map((row) => row.seq)],
    );
  }
  return batch.map(auditFromRow);
}

export async function markAuditPublished(db: Queryable, seqs: number[], at: number): Promise<void> {
  if (seqs.length === 0) {
    return;
  }
  await db.query(
    `UPDATE audit_outbox SET state = 'published', finished_at = $1, ${END_CLAIM}
     WHERE seq = ANY($2::bigint[]) AND state = 'pending'`,
    [at, seqs],
  );
}

export async function markAuditRetry(
  db: Queryable,
  seq: number,
  nextAttemptAt: number,
  error: string,
): Promise<void> {
  await db.query(
    `UPDATE audit_outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2, ${END_CLAIM}
     WHERE seq = $3 AND state = 'pending'`,
    [nextAttemptAt, error, seq],
  );
}

export async function markAuditDead(
  db: Queryable,
  seq: number,
  error: string,
  at: number,
): Promise<void> {
  await db.query(
    `UPDATE audit_outbox SET state = 'dead', attempts = attempts + 1, last_error = $1,
       finished_at = $2, ${END_CLAIM}
     WHERE seq = $3 AND state = 'pending'`,
    [error, at, seq],
  );
}

export async function auditOutboxStats(db: Queryable): Promise<AuditOutboxStats> {
  const result = await db.query<{ pending: number; dead: number; oldest: number | null }>(
    `SELECT
       (SELECT count(*) FROM audit_outbox WHERE state = 'pending') AS pending,
       (SELECT count(*) FROM audit_outbox WHERE state = 'dead') AS dead,
       (SELECT created_at FROM audit_outbox WHERE state = 'pending' ORDER BY seq LIMIT 1) AS oldest`,
  );
  const row = result.rows[0];
  const stats: AuditOutboxStats = { pending: row?.pending ?? 0, dead: row?.dead ?? 0 };
  if (row?.oldest !== null && row?.oldest !== undefined) {
    stats.oldestPendingAt = row.oldest;
  }
  return stats;
}

export async function listDeadAudit(db: Queryable, limit: number): Promise<AuditOutboxEntry[]> {
  const result = await db.query<AuditRow>(
    `SELECT ${AUDIT_COLUMNS} FROM audit_outbox WHERE state = 'dead' ORDER BY seq LIMIT $1`,
    [limit],
  );
  return result.rows.map(auditFromRow);
}

export async function pruneAudit(db: Queryable, before: number): Promise<number> {
  const result = await db.query(
    `DELETE FROM audit_outbox WHERE state = 'published' AND finished_at < $1`,
    [before],
  );
  return result.rowCount ?? 0;
}

import type { UnmatchedDelivery, UnmatchedDeliveryInput } from '../../store';
import type { UnmatchedRow } from '../../rows';
import { unmatchedFromRow } from '../../rows';
import type { Queryable } from '../transaction';
import { bigintLowerBound, decodeText, encodeText } from '../text-encoding';

/** Keeps a delivery no rule matched (inside the decision's transaction). */
export async function insertUnmatched(db: Queryable, u: UnmatchedDeliveryInput): Promise<void> {
  await db.query(
    `INSERT INTO unmatched_deliveries
       (source, event_id, conversation_id, received_at, recorded_at, verdicts)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      encodeText(u.source),
      encodeText(u.eventId),
      u.conversationId === undefined ? null : encodeText(u.conversationId),
      u.receivedAt,
      u.recordedAt,
      // JSON escapes NUL as \u0000, so the TEXT column takes it as is.
      JSON.stringify(u.verdicts),
    ],
  );
}

/** Newest first, recorded at or after `since`. */
export async function listUnmatched(
  db: Queryable,
  since: number,
  limit: number,
): Promise<UnmatchedDelivery[]> {
  const result = await db.query<UnmatchedRow>(
    `SELECT seq, source, event_id, conversation_id, received_at, recorded_at, verdicts
       FROM unmatched_deliveries WHERE recorded_at >= $1 ORDER BY seq DESC LIMIT $2`,
    [bigintLowerBound(since), limit],
  );
  return result.rows.map((row) =>
    unmatchedFromRow({
      ...row,
      source: decodeText(row.source),
      event_id: decodeText(row.event_id),
      conversation_id: row.conversation_id === null ? null : decodeText(row.conversation_id),
    }),
  );
}

export async function pruneUnmatched(db: Queryable, before: number): Promise<number> {
  const result = await db.query('DELETE FROM unmatched_deliveries WHERE recorded_at < $1', [
    before,
  ]);
  return result.rowCount ?? 0;
}

/** Stored events not yet processed. */
export async function countPendingEvents(db: Queryable): Promise<number> {
  const result = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM inbox_events WHERE processed_at IS NULL',
  );
  return Number(result.rows[0]?.n ?? 0);
}

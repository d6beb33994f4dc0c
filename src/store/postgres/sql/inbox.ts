import type pg from 'pg';
import type { InboxEvent, InboxEventInput, InsertEventsResult } from '../../store';
import type { EventRow } from '../../rows';
import { eventFromRow } from '../../rows';
import { inboxOrderKey } from '../../../inbox';
import { INBOX_CLAIM_LOCK, LOCK_CLASS } from '../advisory-locks';
import type { Queryable } from '../transaction';
import { decodeText, encodeText } from '../text-encoding';

const EVENT_COLUMNS = 'seq, source, event_id, kind, payload, received_at';

/** A stored row back to an event (its text columns decoded, see `encodeText`). */
function fromRow(row: EventRow): InboxEvent {
  return eventFromRow({
    ...row,
    source: decodeText(row.source),
    event_id: decodeText(row.event_id),
    kind: decodeText(row.kind),
  });
}

/** One statement for the whole batch; an existing (source, event_id) is skipped, not an error. */
export async function insertEvents(
  db: Queryable,
  events: InboxEventInput[],
): Promise<InsertEventsResult> {
  if (events.length === 0) {
    return { inserted: 0, duplicates: 0 };
  }
  const result = await db.query(
    `INSERT INTO inbox_events (source, event_id, kind, payload, received_at, order_key)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])
     ON CONFLICT (source, event_id) DO NOTHING`,
    [
      events.map((e) => encodeText(e.source)),
      events.map((e) => encodeText(e.eventId)),
      events.map((e) => encodeText(e.kind)),
      events.map((e) => JSON.stringify(e.payload)),
      events.map((e) => e.receivedAt),
      events.map((e) => inboxOrderKey(e.payload) ?? null),
    ],
  );
  const inserted = result.rowCount ?? 0;
  return { inserted, duplicates: events.length - inserted };
}

/** An event's key in a batch: its stored (encoded) source and event id. */
function batchKey(source: string, eventId: string): string {
  // Encoded text holds no NUL (see `encodeText`), so the separator cannot be forged.
  return `${source}\0${eventId}`;
}

/**
 * The events of several `insertEvents` calls (group commit) in ONE statement, each call's result
 * exactly what it would have been had the calls run one after another in this order: an event
 * whose key came earlier in the batch (in this call or an earlier one) is a duplicate of THIS call
 * and is not sent, so the first occurrence's row is the one stored; of the rest, RETURNING tells
 * which were new (an existing row is a duplicate). One statement is one transaction.
 */
export async function insertEventBatches(
  db: Queryable,
  batches: InboxEventInput[][],
): Promise<InsertEventsResult[]> {
  const seen = new Set<string>();
  const rows: { source: string; eventId: string; event: InboxEventInput }[] = [];
  // Per call, the keys it sends (the others are duplicates within the batch).
  const sentKeys = batches.map((events) => {
    const keys: string[] = [];
    for (const event of events) {
      const source = encodeText(event.source);
      const eventId = encodeText(event.eventId);
      const key = batchKey(source, eventId);
      if (!seen.has(key)) {
        seen.add(key);
        keys.push(key);
        rows.push({ source, eventId, event });
      }
    }
    return keys;
  });
  let stored = new Set<string>();
  if (rows.length > 0) {
    const result = await db.query<{ source: string; event_id: string }>(
      `INSERT INTO inbox_events (source, event_id, kind, payload, received_at, order_key)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])
       ON CONFLICT (source, event_id) DO NOTHING
       RETURNING source, event_id`,
      [
        rows.map((r) => r.source),
        rows.map((r) => r.eventId),
        rows.map((r) => encodeText(r.event.kind)),
        rows.map((r) => JSON.stringify(r.event.payload)),
        rows.map((r) => r.event.receivedAt),
        rows.map((r) => inboxOrderKey(r.event.payload) ?? null),
      ],
    );
    stored = new Set(result.rows.map((row) => batchKey(row.source, row.event_id)));
  }
  return batches.map((events, index) => {
    const inserted = (sentKeys[index] ?? []).filter((key) => stored.has(key)).length;
    return { inserted, duplicates: events.length - inserted };
  });
}

export async function pendingEvents(db: Queryable, limit: number): Promise<InboxEvent[]> {
  const result = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM inbox_events WHERE processed_at IS NULL ORDER BY seq LIMIT $1`,
    [limit],
  );
  return result.rows.map(fromRow);
}

/**
 * Claims events for `claimant` (see `Store.claimEvents`). Claims are serialised by a transaction
 * advisory lock taken BEFORE the claiming statement, so that statement's snapshot sees every
 * earlier claim committed: with SKIP LOCKED alone, two replicas could each take one event of the
 * same conversation (the earlier one's claim not yet visible to the other) and process them out
 * of order. A claim is one short indexed statement, so the serialisation costs little.
 */
export async function claimEvents(
  client: pg.PoolClient,
  claimant: string,
  now: number,
  limit: number,
  leaseMs: number,
): Promise<InboxEvent[]> {
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, INBOX_CLAIM_LOCK]);
  const result = await client.query<EventRow>(
    `UPDATE inbox_events SET claimed_by = $1, claimed_until = $3
     WHERE seq IN (
       SELECT e.seq FROM inbox_events e
       WHERE e.processed_at IS NULL
         AND (e.claimed_until IS NULL OR e.claimed_until <= $2 OR e.claimed_by = $1)
         AND (e.order_key IS NULL OR NOT EXISTS (
           SELECT 1 FROM inbox_events b
           WHERE b.order_key = e.order_key AND b.processed_at IS NULL AND b.seq < e.seq
             AND b.claimed_until > $2 AND b.claimed_by <> $1))
       ORDER BY e.seq LIMIT $4)
     RETURNING ${EVENT_COLUMNS}`,
    [claimant, now, now + leaseMs, limit],
  );
  // RETURNING does not promise an order.
  return result.rows.map(fromRow).sort((a, b) => a.seq - b.seq);
}

export async function markEventsProcessed(
  db: Queryable,
  seqs: number[],
  at: number,
): Promise<void> {
  if (seqs.length === 0) {
    return;
  }
  await db.query(
    'UPDATE inbox_events SET processed_at = $1 WHERE seq = ANY($2::bigint[]) AND processed_at IS NULL',
    [at, seqs],
  );
}

export async function pruneEvents(db: Queryable, before: number): Promise<number> {
  const result = await db.query(
    'DELETE FROM inbox_events WHERE processed_at IS NOT NULL AND received_at < $1',
    [before],
  );
  return result.rowCount ?? 0;
}

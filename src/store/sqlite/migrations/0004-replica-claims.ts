/**
 * 0004 claims and unique endings: the inbox and the audit outbox are CLAIMED (by a store
 * instance, with a lease) rather than read, as the PostgreSQL store must do for replicas sharing
 * one database — SQLite keeps the same behaviour so one contract covers both. Inbox events carry
 * the key that orders them (the conversation id). The database refuses a second `terminated`
 * outcome of one (conversation, episode). Append-only: never edit after release.
 */
export const name = 'replica-claims';

export const sql = `
ALTER TABLE inbox_events ADD COLUMN order_key TEXT;          -- conversation id; NULL = unordered
ALTER TABLE inbox_events ADD COLUMN claimed_by TEXT;         -- store instance processing it
ALTER TABLE inbox_events ADD COLUMN claimed_until INTEGER;   -- its lease, epoch ms
-- The claim's "no earlier event of this conversation is claimed by another" probe.
CREATE INDEX inbox_events_pending_key ON inbox_events (order_key, seq) WHERE processed_at IS NULL;

ALTER TABLE audit_outbox ADD COLUMN claimed_by TEXT;         -- store instance publishing it
ALTER TABLE audit_outbox ADD COLUMN claimed_until INTEGER;   -- its lease, epoch ms

-- One terminated outcome per (conversation, episode), whatever the rule: the ending's record.
CREATE UNIQUE INDEX outcomes_one_terminated ON outcomes (conversation_id, episode)
  WHERE kind = 'terminated';
`;

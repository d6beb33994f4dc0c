/**
 * 0003 audit outbox: audit events are written in the same transaction as the decision they
 * describe, then published from here — a crash, a restart or an EventBridge outage loses none.
 * Append-only: never edit after release.
 */
export const name = 'audit-outbox';

export const sql = `
CREATE TABLE audit_outbox (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT, -- publish order
  event_id        TEXT    NOT NULL UNIQUE,           -- the stable id in the event's detail
  type            TEXT    NOT NULL,                  -- EventBridge DetailType
  detail          TEXT    NOT NULL,                  -- JSON
  created_at      INTEGER NOT NULL,
  state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'published', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  finished_at     INTEGER                            -- published or declared dead
);
-- The publisher reads the oldest pending entries without scanning published ones.
CREATE INDEX audit_outbox_pending ON audit_outbox (seq) WHERE state = 'pending';
-- Pruning of published entries past the retention.
CREATE INDEX audit_outbox_published ON audit_outbox (finished_at) WHERE state = 'published';
CREATE INDEX audit_outbox_dead ON audit_outbox (seq) WHERE state = 'dead';
`;

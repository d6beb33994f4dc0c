/**
 * 0001 init: inbox, conversations, timers, outcomes. Append-only: never edit after release; add
 * 0002-….ts instead. Times are epoch milliseconds (INTEGER); JSON columns are TEXT.
 */
export const name = 'init';

export const sql = `
CREATE TABLE inbox_events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: never reuse a pruned seq
  source       TEXT    NOT NULL,
  event_id     TEXT    NOT NULL,
  kind         TEXT    NOT NULL,
  payload      TEXT    NOT NULL,                  -- JSON
  received_at  INTEGER NOT NULL,
  processed_at INTEGER,
  UNIQUE (source, event_id)
);
-- pendingEvents reads only unprocessed rows, in seq order, without scanning processed ones.
CREATE INDEX inbox_events_pending ON inbox_events (seq) WHERE processed_at IS NULL;
-- pruneEvents deletes old processed rows.
CREATE INDEX inbox_events_prunable ON inbox_events (received_at) WHERE processed_at IS NOT NULL;

CREATE TABLE conversations (
  id         TEXT    PRIMARY KEY,
  state      TEXT    NOT NULL,                    -- JSON ConversationState
  updated_at INTEGER NOT NULL
);

CREATE TABLE timers (
  conversation_id TEXT    NOT NULL,
  rule_id         TEXT    NOT NULL,
  phase           TEXT    NOT NULL CHECK (phase IN ('warn', 'close', 'event')),
  due_at          INTEGER NOT NULL,
  armed_at        INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  lease_until     INTEGER,                        -- claimed by a scheduler until then
  data            TEXT,                           -- JSON object or NULL
  PRIMARY KEY (conversation_id, rule_id)
);
CREATE INDEX timers_due ON timers (due_at);

CREATE TABLE outcomes (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT    NOT NULL,
  rule_id         TEXT    NOT NULL,
  kind            TEXT    NOT NULL,
  reason          TEXT,
  details         TEXT,                           -- JSON object or NULL
  at              INTEGER NOT NULL
);
CREATE INDEX outcomes_at ON outcomes (at);
CREATE INDEX outcomes_conversation ON outcomes (conversation_id, at);
-- The ended-once guarantee: at most one terminal outcome per (conversation, rule).
CREATE UNIQUE INDEX outcomes_one_terminal ON outcomes (conversation_id, rule_id)
  WHERE kind IN ('terminated', 'already-ended');
`;

/**
 * 0001 init: the whole schema as the SQLite store has it after its migration 0004 — inbox,
 * conversations, timers, outcomes, endings, closing-message holds, audit outbox. Append-only:
 * never edit after release; add 0002-….ts instead.
 *
 * Times are epoch milliseconds (BIGINT, read back as numbers); JSON is kept as TEXT, byte for
 * byte as written (jsonb would refuse a `\u0000` in a webhook body and reorder keys).
 */
export const name = 'init';

export const sql = `
CREATE TABLE inbox_events (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- never reused
  source        TEXT   NOT NULL,
  event_id      TEXT   NOT NULL,
  kind          TEXT   NOT NULL,
  payload       TEXT   NOT NULL,                    -- JSON
  received_at   BIGINT NOT NULL,
  processed_at  BIGINT,
  order_key     TEXT,                              -- conversation id; NULL = unordered
  claimed_by    TEXT,                              -- store instance processing it
  claimed_until BIGINT,                            -- its lease
  UNIQUE (source, event_id)                        -- the dedupe
);
CREATE INDEX inbox_events_pending ON inbox_events (seq) WHERE processed_at IS NULL;
-- The claim's "no earlier event of this conversation is claimed by another" probe.
CREATE INDEX inbox_events_pending_key ON inbox_events (order_key, seq) WHERE processed_at IS NULL;
CREATE INDEX inbox_events_prunable ON inbox_events (received_at) WHERE processed_at IS NOT NULL;

CREATE TABLE conversations (
  id         TEXT   PRIMARY KEY,
  state      TEXT   NOT NULL,                       -- JSON ConversationState
  updated_at BIGINT NOT NULL
);

CREATE TABLE timers (
  conversation_id TEXT    NOT NULL,
  rule_id         TEXT    NOT NULL,
  phase           TEXT    NOT NULL CHECK (phase IN ('warn', 'close', 'event')),
  due_at          BIGINT  NOT NULL,
  armed_at        BIGINT  NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  lease_until     BIGINT,                           -- claimed by a scheduler until then
  data            TEXT,                             -- JSON object or NULL
  episode         INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (conversation_id, rule_id)
);
CREATE INDEX timers_due ON timers (due_at);

CREATE TABLE outcomes (
  id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  conversation_id TEXT    NOT NULL,
  rule_id         TEXT    NOT NULL,
  kind            TEXT    NOT NULL,
  reason          TEXT,
  details         TEXT,                             -- JSON object or NULL
  at              BIGINT  NOT NULL,
  episode         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX outcomes_at ON outcomes (at, id);
CREATE INDEX outcomes_conversation ON outcomes (conversation_id, at, id);
-- One terminated outcome per (conversation, episode), whatever the rule or replica.
CREATE UNIQUE INDEX outcomes_one_terminated ON outcomes (conversation_id, episode)
  WHERE kind = 'terminated';

-- The ended-once guarantee: one row per (conversation, episode); see the SQLite migration 0002.
CREATE TABLE endings (
  conversation_id   TEXT    NOT NULL,
  episode           INTEGER NOT NULL,
  rule_id           TEXT    NOT NULL,
  state             TEXT    NOT NULL CHECK (state IN ('claimed', 'ended', 'released')),
  claimed_at        BIGINT  NOT NULL,
  message_intent_at BIGINT,                         -- set just before the closing message is sent
  finished_at       BIGINT,
  PRIMARY KEY (conversation_id, episode)
);

CREATE TABLE closing_message_holds (
  rule_id TEXT   PRIMARY KEY,
  since   BIGINT NOT NULL,
  reason  TEXT   NOT NULL
);

CREATE TABLE audit_outbox (
  seq             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- publish order
  event_id        TEXT    NOT NULL UNIQUE,
  type            TEXT    NOT NULL,
  detail          TEXT    NOT NULL,                 -- JSON
  created_at      BIGINT  NOT NULL,
  state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'published', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT  NOT NULL,
  last_error      TEXT,
  finished_at     BIGINT,
  claimed_by      TEXT,                             -- store instance publishing it
  claimed_until   BIGINT                            -- its lease
);
CREATE INDEX audit_outbox_pending ON audit_outbox (seq) WHERE state = 'pending';
CREATE INDEX audit_outbox_published ON audit_outbox (finished_at) WHERE state = 'published';
CREATE INDEX audit_outbox_dead ON audit_outbox (seq) WHERE state = 'dead';
`;

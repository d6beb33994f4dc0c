/**
 * 0002 episodes: a conversation id can live several episodes (Genesys re-threads a customer's new
 * message into the same id). "Ended at most once" moves from one terminal outcome per
 * (conversation, rule) to one ending per (conversation, episode), whichever rule claims it first.
 * Append-only: never edit after release.
 */
export const name = 'episodes';

export const sql = `
ALTER TABLE timers ADD COLUMN episode INTEGER NOT NULL DEFAULT 1;
ALTER TABLE outcomes ADD COLUMN episode INTEGER NOT NULL DEFAULT 1;
DROP INDEX outcomes_one_terminal;

-- The ended-once guarantee: one row per (conversation, episode). A rule claims it before it sends
-- a closing message or a disconnect; a failed ending releases it (state 'released', keeping
-- message_intent_at so that no later claim sends a second closing message in the episode).
CREATE TABLE endings (
  conversation_id   TEXT    NOT NULL,
  episode           INTEGER NOT NULL,
  rule_id           TEXT    NOT NULL,
  state             TEXT    NOT NULL CHECK (state IN ('claimed', 'ended', 'released')),
  claimed_at        INTEGER NOT NULL,
  message_intent_at INTEGER,                       -- set just before the closing message is sent
  finished_at       INTEGER,
  PRIMARY KEY (conversation_id, episode)
);

-- Rules whose closing messages are held: a disconnect was refused after a message went out, so no
-- further "this chat is closed" is sent for the rule until one of its disconnects succeeds again.
CREATE TABLE closing_message_holds (
  rule_id TEXT    PRIMARY KEY,
  since   INTEGER NOT NULL,
  reason  TEXT    NOT NULL
);
`;

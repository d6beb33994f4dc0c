/**
 * 0006 unmatched deliveries: accepted Genesys events and webhooks that matched no rule, with each
 * rule's verdict, so "why didn't it fire?" has an answer after the fact (`GET
 * /v1/deliveries/unmatched`). Pruned after a retention (default 24 h). Append-only.
 */
export const name = 'unmatched-deliveries';

export const sql = `
CREATE TABLE unmatched_deliveries (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  source          TEXT    NOT NULL,          -- intake source (eventbridge, notifications, crm, …)
  event_id        TEXT    NOT NULL,
  conversation_id TEXT,                      -- when the delivery names one
  received_at     INTEGER NOT NULL,
  recorded_at     INTEGER NOT NULL,
  verdicts        TEXT    NOT NULL           -- JSON: every rule's verdict
);
CREATE INDEX unmatched_deliveries_recorded ON unmatched_deliveries (recorded_at);
`;

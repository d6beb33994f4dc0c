/**
 * 0003 unmatched deliveries: accepted Genesys events and webhooks that matched no rule, with each
 * rule's verdict (`GET /v1/deliveries/unmatched`), pruned after a retention. Text columns hold
 * `encodeText` values (NUL-safe) and the verdicts JSON as TEXT. Append-only.
 */
export const name = 'unmatched-deliveries';

export const sql = `
CREATE TABLE unmatched_deliveries (
  seq             BIGSERIAL PRIMARY KEY,
  source          TEXT   NOT NULL,
  event_id        TEXT   NOT NULL,
  conversation_id TEXT,
  received_at     BIGINT NOT NULL,
  recorded_at     BIGINT NOT NULL,
  verdicts        TEXT   NOT NULL
);
CREATE INDEX unmatched_deliveries_recorded ON unmatched_deliveries (recorded_at);
`;

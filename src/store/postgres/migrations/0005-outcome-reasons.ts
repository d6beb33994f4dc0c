/**
 * 0005 outcome reasons: the close reason code and an event rule's `eventReason` become columns of
 * their own (until now only in the `details` JSON text), so outcomes can be listed by reason
 * through an index. Rows recorded before are filled in from their details — except details
 * holding an escaped NUL (`\u0000`), which PostgreSQL's JSON functions refuse: the store reads
 * those rows' reasons from their details. Append-only: never edit after release.
 */
export const name = 'outcome-reasons';

export const sql = `
ALTER TABLE outcomes ADD COLUMN reason_code TEXT;    -- close reason code (docs/close-reasons.md)
ALTER TABLE outcomes ADD COLUMN event_reason TEXT;   -- an event rule's reasonFrom text, sanitized
UPDATE outcomes SET
  reason_code = CASE WHEN json_typeof(details::json -> 'reasonCode') = 'string'
    THEN details::json ->> 'reasonCode' END,
  event_reason = CASE WHEN json_typeof(details::json -> 'eventReason') = 'string'
    THEN details::json ->> 'eventReason' END
WHERE details IS NOT NULL AND strpos(details, '\\u0000') = 0
  AND (strpos(details, '"reasonCode"') > 0 OR strpos(details, '"eventReason"') > 0);
CREATE INDEX outcomes_reason ON outcomes (reason_code, at, id);
`;

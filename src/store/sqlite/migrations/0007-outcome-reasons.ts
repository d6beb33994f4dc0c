/**
 * 0007 outcome reasons: the close reason code and an event rule's `eventReason` become columns of
 * their own (until now only in the `details` JSON), so outcomes can be listed by reason through an
 * index. Rows recorded before are filled in from their details. Append-only: never edit after
 * release.
 */
export const name = 'outcome-reasons';

export const sql = `
ALTER TABLE outcomes ADD COLUMN reason_code TEXT;    -- close reason code (docs/close-reasons.md)
ALTER TABLE outcomes ADD COLUMN event_reason TEXT;   -- an event rule's reasonFrom text, sanitized
UPDATE outcomes SET
  reason_code = CASE WHEN json_type(details, '$.reasonCode') = 'text'
    THEN json_extract(details, '$.reasonCode') END,
  event_reason = CASE WHEN json_type(details, '$.eventReason') = 'text'
    THEN json_extract(details, '$.eventReason') END
WHERE details IS NOT NULL AND json_valid(details)
  AND (instr(details, '"reasonCode"') > 0 OR instr(details, '"eventReason"') > 0);
CREATE INDEX outcomes_reason ON outcomes (reason_code, at);
`;

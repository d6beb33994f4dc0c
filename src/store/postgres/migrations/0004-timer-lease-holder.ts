/**
 * 0004 timer lease holder: which store instance (replica) leased a timer, so the claims of a
 * replica that stopped beating (killed) are voided when its heartbeat goes stale, instead of
 * holding its timers for a full lease (`CLOSER_CLAIM_LEASE`). Inbox and outbox claims already name
 * their holder (`claimed_by`). Append-only: never edit after release.
 */
export const name = 'timer-lease-holder';

export const sql = `
ALTER TABLE timers ADD COLUMN leased_by TEXT;   -- store instance holding the lease, or NULL
`;

/**
 * 0005 replicas: each store instance's last heartbeat, so replicas sharing a database know how
 * many of them are alive (budgets they share are divided by it). Append-only: never edit after
 * release.
 */
export const name = 'replicas';

export const sql = `
CREATE TABLE replicas (
  id      TEXT    PRIMARY KEY,                    -- store instance
  seen_at INTEGER NOT NULL                        -- its last heartbeat, epoch ms
);
`;

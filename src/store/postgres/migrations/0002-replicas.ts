/**
 * 0002 replicas: each store instance's last heartbeat, so replicas sharing the database know how
 * many of them are alive (the Genesys request rate is divided by it). Append-only: never edit
 * after release.
 */
export const name = 'replicas';

export const sql = `
CREATE TABLE replicas (
  id      TEXT   PRIMARY KEY,                     -- store instance
  seen_at BIGINT NOT NULL                         -- its last heartbeat, epoch ms
);
`;

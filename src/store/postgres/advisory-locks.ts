/**
 * PostgreSQL advisory lock keys closer takes. The two-integer form (class, object) keeps them apart
 * from the one-bigint keys of conversation locks (PostgreSQL keeps the two key spaces separate),
 * and the class number ('clos' in ASCII) apart from other applications sharing the database.
 */
export const LOCK_CLASS = 0x636c6f73;

/** Held (session) while migrating: replicas starting together migrate once, one after another. */
export const MIGRATION_LOCK = 1;
/** Held (transaction) while claiming inbox events: claims see each other's leases in order. */
export const INBOX_CLAIM_LOCK = 2;
/** Held (transaction) while claiming an audit batch: one publisher at a time takes the head. */
export const AUDIT_CLAIM_LOCK = 3;

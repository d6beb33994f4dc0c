/** What the audit claim needs of a pending outbox row (both back ends). */
export interface PendingAuditClaim {
  next_attempt_at: number;
  claimed_by: string | null;
  claimed_until: number | null;
}

/**
 * Of the oldest pending outbox rows (in `seq` order), the prefix that `claimant` may claim at
 * `now`: it stops at the first row still backing off (`next_attempt_at > now`) or claimed by
 * another claimant whose lease has not ended, so entries go out in order and one publisher at a
 * time holds the head of the outbox.
 */
export function claimablePrefix<R extends PendingAuditClaim>(
  rows: readonly R[],
  claimant: string,
  now: number,
): R[] {
  const prefix: R[] = [];
  for (const row of rows) {
    const heldByOther =
      row.claimed_by !== null &&
      row.claimed_by !== claimant &&
      row.claimed_until !== null &&
      row.claimed_until > now;
    if (row.next_attempt_at > now || heldByOther) {
      break;
    }
    prefix.push(row);
  }
  return prefix;
}

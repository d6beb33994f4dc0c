import type { Timer, TimerInput } from '../../store';
import type { TimerRow } from '../../rows';
import { jsonOrNull, timerFromRow } from '../../rows';
import { compareDue } from '../../query-limits';
import type { Queryable } from '../transaction';
import { TIMERS_CHANNEL } from '../timer-wake';

export const TIMER_COLUMNS =
  'conversation_id, rule_id, phase, due_at, armed_at, attempts, data, episode';

/**
 * The conflict clause of every timer arming: a re-arm keeps `armed_at` unless the episode
 * changed, and clears attempts and any lease.
 */
export const TIMER_REARM = `ON CONFLICT (conversation_id, rule_id) DO UPDATE SET
       phase = EXCLUDED.phase, due_at = EXCLUDED.due_at, data = EXCLUDED.data,
       attempts = 0, lease_until = NULL, leased_by = NULL,
       armed_at = CASE WHEN timers.episode = EXCLUDED.episode THEN timers.armed_at ELSE EXCLUDED.armed_at END,
       episode = EXCLUDED.episode`;

/**
 * Arms or re-arms: a re-arm keeps `armed_at` (first arming) unless the episode changed, and
 * clears attempts and any lease. With `wake` (this replica's name), the same statement NOTIFYs the
 * other replicas at commit (see `timer-wake.ts`): one round trip either way.
 */
export async function upsertTimer(
  db: Queryable,
  timer: TimerInput,
  now: number,
  wake?: string,
): Promise<void> {
  const upsert = `INSERT INTO timers (conversation_id, rule_id, phase, due_at, armed_at, attempts, lease_until, data, episode)
     VALUES ($1, $2, $3, $4, $5, 0, NULL, $6, $7)
     ${TIMER_REARM}`;
  const params = [
    timer.conversationId,
    timer.ruleId,
    timer.phase,
    timer.dueAt,
    now,
    jsonOrNull(timer.data),
    timer.episode ?? 1,
  ];
  await (wake === undefined
    ? db.query(upsert, params)
    : db.query(withWake(upsert, params.length), [...params, TIMERS_CHANNEL, wake]));
}

/** `statement RETURNING 1`, followed by a NOTIFY when it changed a row (parameters appended). */
function withWake(statement: string, paramCount: number): string {
  return `WITH changed AS (${statement} RETURNING 1)
    SELECT pg_notify($${paramCount + 1}, $${paramCount + 2}) FROM changed`;
}

export async function cancelTimers(
  db: Queryable,
  conversationId: string,
  ruleId: string | undefined,
): Promise<number> {
  const result =
    ruleId === undefined
      ? await db.query('DELETE FROM timers WHERE conversation_id = $1', [conversationId])
      : await db.query('DELETE FROM timers WHERE conversation_id = $1 AND rule_id = $2', [
          conversationId,
          ruleId,
        ]);
  return result.rowCount ?? 0;
}

/**
 * Leases due timers, oldest due first. FOR UPDATE SKIP LOCKED: replicas claiming at the same time
 * take disjoint timers without waiting on each other (as graphile-worker's getJobs); a row another
 * claim leased and committed meanwhile is re-checked against the WHERE (lease no longer ended) and
 * left out, so each timer is leased to one claimant at a time; `leased_by` names it (see
 * `releaseClaimsOf`).
 */
export async function claimDueTimers(
  db: Queryable,
  claimant: string,
  now: number,
  limit: number,
  leaseMs: number,
): Promise<Timer[]> {
  const result = await db.query<TimerRow>(
    `WITH due AS (
       SELECT conversation_id, rule_id FROM timers
       WHERE due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
       ORDER BY due_at LIMIT $3
       FOR UPDATE SKIP LOCKED)
     UPDATE timers t SET lease_until = $2, leased_by = $4 FROM due
     WHERE t.conversation_id = due.conversation_id AND t.rule_id = due.rule_id
     RETURNING ${TIMER_COLUMNS.split(', ')
       .map((c) => `t.${c}`)
       .join(', ')}`,
    [now, now + leaseMs, limit, claimant],
  );
  // RETURNING does not promise an order.
  return result.rows.map(timerFromRow).sort(compareDue);
}

/** Deletes the claimed version only: a re-arm during firing changed due_at/phase and survives. */
export async function completeTimer(db: Queryable, timer: Timer): Promise<void> {
  await db.query(
    'DELETE FROM timers WHERE conversation_id = $1 AND rule_id = $2 AND due_at = $3 AND phase = $4',
    [timer.conversationId, timer.ruleId, timer.dueAt, timer.phase],
  );
}

/** Puts a claimed timer back for `dueAt`; with `wake`, NOTIFYs as `upsertTimer` does. */
export async function retryTimer(
  db: Queryable,
  timer: Timer,
  dueAt: number,
  wake?: string,
): Promise<void> {
  const retry = `UPDATE timers SET due_at = $1, attempts = attempts + 1, lease_until = NULL, leased_by = NULL
     WHERE conversation_id = $2 AND rule_id = $3 AND due_at = $4 AND phase = $5`;
  const params = [dueAt, timer.conversationId, timer.ruleId, timer.dueAt, timer.phase];
  await (wake === undefined
    ? db.query(retry, params)
    : db.query(withWake(retry, params.length), [...params, TIMERS_CHANNEL, wake]));
}

/**
 * Ends the lease of a claimed timer (the claimed version only), attempts unchanged; with `wake`,
 * NOTIFYs the other replicas (it was due: one of them takes it over now).
 */
export async function releaseTimer(db: Queryable, timer: Timer, wake?: string): Promise<void> {
  const release = `UPDATE timers SET lease_until = NULL
     WHERE conversation_id = $1 AND rule_id = $2 AND due_at = $3 AND phase = $4`;
  const params = [timer.conversationId, timer.ruleId, timer.dueAt, timer.phase];
  await (wake === undefined
    ? db.query(release, params)
    : db.query(withWake(release, params.length), [...params, TIMERS_CHANNEL, wake]));
}

export async function listTimers(db: Queryable, conversationId: string): Promise<Timer[]> {
  const result = await db.query<TimerRow>(
    // COLLATE "C": byte order whatever the database's collation, as SQLite orders.
    `SELECT ${TIMER_COLUMNS} FROM timers WHERE conversation_id = $1 ORDER BY rule_id COLLATE "C"`,
    [conversationId],
  );
  return result.rows.map(timerFromRow);
}

/** The earliest due time of an unleased timer (the due_at index, from the oldest). */
export async function nextTimerDueAt(db: Queryable): Promise<number | undefined> {
  const result = await db.query<{ due_at: number }>(
    'SELECT due_at FROM timers WHERE lease_until IS NULL ORDER BY due_at LIMIT 1',
  );
  return result.rows[0]?.due_at;
}

export async function countTimers(db: Queryable): Promise<number> {
  const result = await db.query<{ count: number }>('SELECT count(*) AS count FROM timers');
  return result.rows[0]?.count ?? 0;
}

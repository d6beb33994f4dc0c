import type Database from 'better-sqlite3';
import type { AuditRow, EndingRow, EventRow, OutcomeRow, TimerRow, UnmatchedRow } from '../rows';
import type { OutcomeQuery } from '../store';

/** An audit row with its claim (the claim decides where a batch stops). */
export type AuditClaimRow = AuditRow & { claimed_by: string | null; claimed_until: number | null };

const TIMER_COLUMNS = 'conversation_id, rule_id, phase, due_at, armed_at, attempts, data, episode';
const OUTCOME_COLUMNS =
  'id, conversation_id, rule_id, kind, reason, details, at, episode, reason_code, event_reason';
const AUDIT_COLUMNS =
  'seq, event_id, type, detail, created_at, state, attempts, next_attempt_at, last_error, finished_at';
const ENDING_COLUMNS =
  'conversation_id, episode, rule_id, state, claimed_at, message_intent_at, finished_at';

/**
 * The hot-path queries, exported so tests can check their plans use an index (no table scan):
 * these run constantly and must stay cheap with a million rows.
 */
export const HOT_SQL = {
  // One statement, so select-and-lease is atomic; walks the due_at index from the oldest.
  claimDueTimers: `UPDATE timers SET lease_until = @leaseUntil
    WHERE rowid IN (
      SELECT rowid FROM timers
      WHERE due_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
      ORDER BY due_at LIMIT @limit)
    RETURNING ${TIMER_COLUMNS}`,
  // A read that answers "nothing due" without the claim's write transaction (~2 µs instead of ~50;
  // the scheduler asks after every batch of armed timers).
  hasDueTimers: `SELECT EXISTS (SELECT 1 FROM timers
    WHERE due_at <= @now AND (lease_until IS NULL OR lease_until <= @now))`,
  // The scheduler's next wake-up: walks the due_at index from the oldest to the first unleased.
  nextTimerDueAt: `SELECT due_at FROM timers WHERE lease_until IS NULL ORDER BY due_at LIMIT 1`,
  // At open (one process owns the file): leases of an earlier process are void. A lease is only
  // ever taken on a due timer, so the due_at index bounds the walk to the overdue ones.
  releaseTimerLeases: `UPDATE timers SET lease_until = NULL
    WHERE due_at <= @now AND lease_until IS NOT NULL`,
  pendingEvents: `SELECT seq, source, event_id, kind, payload, received_at FROM inbox_events
    WHERE processed_at IS NULL ORDER BY seq LIMIT ?`,
  // Unclaimed, lease ended, or ours; and no earlier event of the conversation under another's
  // claim (one conversation's events in order across processes). One statement: atomic.
  claimEvents: `UPDATE inbox_events SET claimed_by = @me, claimed_until = @leaseUntil
    WHERE seq IN (
      SELECT e.seq FROM inbox_events e
      WHERE e.processed_at IS NULL
        AND (e.claimed_until IS NULL OR e.claimed_until <= @now OR e.claimed_by = @me)
        AND (e.order_key IS NULL OR NOT EXISTS (
          SELECT 1 FROM inbox_events b
          WHERE b.order_key = e.order_key AND b.processed_at IS NULL AND b.seq < e.seq
            AND b.claimed_until > @now AND b.claimed_by <> @me))
      ORDER BY e.seq LIMIT @limit)
    RETURNING seq, source, event_id, kind, payload, received_at`,
  pruneEvents: 'DELETE FROM inbox_events WHERE processed_at IS NOT NULL AND received_at < ?',
  getEnding: `SELECT ${ENDING_COLUMNS} FROM endings WHERE conversation_id = ? AND episode = ?`,
  listConversationEndings: `SELECT ${ENDING_COLUMNS} FROM endings WHERE conversation_id = ? ORDER BY episode`,
  // In order: the claim stops at the first entry still backing off or claimed by another.
  pendingAudit: `SELECT ${AUDIT_COLUMNS}, claimed_by, claimed_until FROM audit_outbox
    WHERE state = 'pending' ORDER BY seq LIMIT ?`,
  listConversationTimers: `SELECT ${TIMER_COLUMNS} FROM timers WHERE conversation_id = ? ORDER BY rule_id`,
} as const;

type Stmt<P extends unknown[] | object, R = unknown> = Database.Statement<P, R>;

/**
 * A query prepared once per LIMIT value, the value written into the SQL. SQLite (better-sqlite3
 * builds it with STAT4) re-prepares a statement whose LIMIT is a bound parameter on every run:
 * 10–20 µs on the bench machine, several times the query itself. The store's limits are a few
 * constants (batch and page sizes), so each gets its own statement. `limit`: a whole number >= 0.
 */
export type ByLimit<P extends unknown[] | object, R> = (limit: number) => Stmt<P, R>;

/** Distinct limits kept prepared per query; others are prepared for the one call. */
const MAX_PREPARED_LIMITS = 16;
/** The bound LIMIT of a `HOT_SQL` text (bound there so the plan tests can run it as written). */
const BOUND_LIMIT = /LIMIT (\?|@limit)/;

function byLimit<P extends unknown[] | object, R>(
  db: Database.Database,
  sql: string,
): ByLimit<P, R> {
  if (!BOUND_LIMIT.test(sql)) {
    throw new Error(`no bound LIMIT in: ${sql}`);
  }
  const prepared = new Map<number, Stmt<P, R>>();
  return (limit) => {
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new RangeError(`LIMIT must be a whole number >= 0, got ${limit}`);
    }
    let statement = prepared.get(limit);
    if (statement === undefined) {
      statement = db.prepare<P, R>(sql.replace(BOUND_LIMIT, `LIMIT ${limit}`));
      if (prepared.size < MAX_PREPARED_LIMITS) {
        prepared.set(limit, statement);
      }
    }
    return statement;
  };
}

/** The filters of an outcome listing that are set, as the statement's named parameters. */
export type OutcomeFilters = Pick<OutcomeQuery, 'conversationId' | 'since' | 'reasonCode'>;

/** Each filter's condition; the indexes on (conversation_id, at), (reason_code, at), (at) serve them. */
const OUTCOME_FILTER_SQL: Readonly<Record<keyof OutcomeFilters, string>> = {
  conversationId: 'conversation_id = @conversationId',
  since: 'at >= @since',
  reasonCode: 'reason_code = @reasonCode',
};

/** The outcome listing of each combination of filters, prepared on first use (eight at most). */
function outcomeListings(
  db: Database.Database,
): (filters: OutcomeFilters) => ByLimit<OutcomeFilters, OutcomeRow> {
  const byWhere = new Map<string, ByLimit<OutcomeFilters, OutcomeRow>>();
  return (filters) => {
    const where = (Object.keys(OUTCOME_FILTER_SQL) as (keyof OutcomeFilters)[])
      .filter((key) => filters[key] !== undefined)
      .map((key) => OUTCOME_FILTER_SQL[key])
      .join(' AND ');
    let listing = byWhere.get(where);
    if (listing === undefined) {
      listing = byLimit<OutcomeFilters, OutcomeRow>(
        db,
        `SELECT ${OUTCOME_COLUMNS} FROM outcomes ${where === '' ? '' : `WHERE ${where}`}
         ORDER BY at, id LIMIT @limit`,
      );
      byWhere.set(where, listing);
    }
    return listing;
  };
}

/**
 * The prepared statements of one connection (spelled out: declaration emit cannot name the
 * driver's inferred statement type).
 */
export interface SqliteStatements {
  insertEvent: Stmt<[string, string, string, string, number, string | null]>;
  pendingEvents: ByLimit<[], EventRow>;
  claimEvents: ByLimit<{ me: string; now: number; leaseUntil: number }, EventRow>;
  releaseEventClaims: Stmt<[]>;
  releaseOwnEventClaims: Stmt<[string]>;
  releaseTimerLeases: Stmt<{ now: number }>;
  markEventProcessed: Stmt<[number, number]>;
  pruneEvents: Stmt<[number]>;
  getConversation: Stmt<[string], string>;
  listConversations: Stmt<[string, number], string>;
  putConversation: Stmt<[string, string, number]>;
  upsertTimer: Stmt<[string, string, string, number, number, string | null, number]>;
  cancelConversationTimers: Stmt<[string]>;
  cancelRuleTimer: Stmt<[string, string]>;
  claimDueTimers: ByLimit<{ now: number; leaseUntil: number }, TimerRow>;
  hasDueTimers: Stmt<{ now: number }, number>;
  nextTimerDueAt: Stmt<[], number>;
  completeTimer: Stmt<[string, string, number, string]>;
  retryTimer: Stmt<[number, string, string, number, string]>;
  releaseTimer: Stmt<[string, string, number, string]>;
  listTimers: Stmt<[string], TimerRow>;
  countTimers: Stmt<[], number>;
  countPendingEvents: Stmt<[], number>;
  insertUnmatched: Stmt<[string, string, string | null, number, number, string]>;
  listUnmatched: Stmt<[number, number], UnmatchedRow>;
  pruneUnmatched: Stmt<[number]>;
  insertOutcome: Stmt<
    [
      string,
      string,
      string,
      string | null,
      string | null,
      number,
      number,
      string | null,
      string | null,
    ],
    number
  >;
  insertEnding: Stmt<[string, number, string, number]>;
  getEnding: Stmt<[string, number], EndingRow>;
  listEndings: Stmt<[string], EndingRow>;
  markEndingMessage: Stmt<[number, string, number]>;
  endEnding: Stmt<[number, string, number]>;
  releaseEnding: Stmt<[string, number]>;
  takeOverEnding: Stmt<[string, number, string, number]>;
  holdMessages: Stmt<[string, number, string]>;
  releaseMessages: Stmt<[string]>;
  getMessageHold: Stmt<[string], { since: number; reason: string }>;
  insertAudit: Stmt<[string, string, string, number, number]>;
  pendingAudit: ByLimit<[], AuditClaimRow>;
  claimAudit: Stmt<[string, number, number]>;
  releaseAuditClaims: Stmt<[]>;
  publishAudit: Stmt<[number, number]>;
  retryAudit: Stmt<[number, string, number]>;
  deadAudit: Stmt<[string, number, number]>;
  auditCounts: Stmt<[], { pending: number; dead: number; oldest: number | null }>;
  deadAuditList: ByLimit<[], AuditRow>;
  pruneAudit: Stmt<[number]>;
  /** The listing of the filters set (each combination prepared once, on first use). */
  listOutcomes: (filters: OutcomeFilters) => ByLimit<OutcomeFilters, OutcomeRow>;
  beat: Stmt<[string, number]>;
  forgetReplicas: Stmt<[number]>;
  countReplicas: Stmt<[], number>;
  ping: Stmt<[], number>;
}

/** Every statement the SQLite store runs, prepared once per connection. */
export function prepareStatements(db: Database.Database): SqliteStatements {
  const prepare = <P extends unknown[] | object, R = unknown>(sql: string): Stmt<P, R> =>
    db.prepare<P, R>(sql);
  return {
    insertEvent: prepare<[string, string, string, string, number, string | null]>(
      `INSERT INTO inbox_events (source, event_id, kind, payload, received_at, order_key)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, event_id) DO NOTHING`,
    ),
    pendingEvents: byLimit<[], EventRow>(db, HOT_SQL.pendingEvents),
    claimEvents: byLimit<{ me: string; now: number; leaseUntil: number }, EventRow>(
      db,
      HOT_SQL.claimEvents,
    ),
    // At open: one process owns the file, so claims of an earlier process are void.
    releaseEventClaims: prepare<[]>(
      `UPDATE inbox_events SET claimed_by = NULL, claimed_until = NULL
       WHERE processed_at IS NULL AND claimed_by IS NOT NULL`,
    ),
    releaseOwnEventClaims: prepare<[string]>(
      `UPDATE inbox_events SET claimed_by = NULL, claimed_until = NULL
       WHERE processed_at IS NULL AND claimed_by = ?`,
    ),
    releaseTimerLeases: prepare<{ now: number }>(HOT_SQL.releaseTimerLeases),
    markEventProcessed: prepare<[number, number]>(
      'UPDATE inbox_events SET processed_at = ? WHERE seq = ? AND processed_at IS NULL',
    ),
    pruneEvents: prepare<[number]>(HOT_SQL.pruneEvents),

    getConversation: db
      .prepare<[string], string>('SELECT state FROM conversations WHERE id = ?')
      .pluck(),
    listConversations: db
      .prepare<[string, number], string>(
        'SELECT state FROM conversations WHERE id > ? ORDER BY id LIMIT ?',
      )
      .pluck(),
    putConversation: prepare<[string, string, number]>(
      `INSERT INTO conversations (id, state, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    ),

    // Re-arm keeps armed_at (first arming) and clears attempts and any lease.
    // A timer of a new episode is a new arming: armed_at restarts with it.
    upsertTimer: prepare<[string, string, string, number, number, string | null, number]>(
      `INSERT INTO timers (conversation_id, rule_id, phase, due_at, armed_at, attempts, lease_until, data, episode)
       VALUES (?, ?, ?, ?, ?, 0, NULL, ?, ?)
       ON CONFLICT (conversation_id, rule_id) DO UPDATE SET
         phase = excluded.phase, due_at = excluded.due_at, data = excluded.data,
         attempts = 0, lease_until = NULL,
         armed_at = CASE WHEN episode = excluded.episode THEN armed_at ELSE excluded.armed_at END,
         episode = excluded.episode`,
    ),
    cancelConversationTimers: prepare<[string]>('DELETE FROM timers WHERE conversation_id = ?'),
    cancelRuleTimer: prepare<[string, string]>(
      'DELETE FROM timers WHERE conversation_id = ? AND rule_id = ?',
    ),
    claimDueTimers: byLimit<{ now: number; leaseUntil: number }, TimerRow>(
      db,
      HOT_SQL.claimDueTimers,
    ),
    hasDueTimers: prepare<{ now: number }, number>(HOT_SQL.hasDueTimers).pluck(),
    nextTimerDueAt: prepare<[], number>(HOT_SQL.nextTimerDueAt).pluck(),
    // Only the claimed version: a re-arm during firing changed due_at/phase and must survive.
    completeTimer: prepare<[string, string, number, string]>(
      'DELETE FROM timers WHERE conversation_id = ? AND rule_id = ? AND due_at = ? AND phase = ?',
    ),
    retryTimer: prepare<[number, string, string, number, string]>(
      `UPDATE timers SET due_at = ?, attempts = attempts + 1, lease_until = NULL
       WHERE conversation_id = ? AND rule_id = ? AND due_at = ? AND phase = ?`,
    ),
    releaseTimer: prepare<[string, string, number, string]>(
      `UPDATE timers SET lease_until = NULL
       WHERE conversation_id = ? AND rule_id = ? AND due_at = ? AND phase = ?`,
    ),
    listTimers: prepare<[string], TimerRow>(HOT_SQL.listConversationTimers),
    countTimers: prepare<[], number>('SELECT count(*) FROM timers').pluck(),
    // Served by the partial index inbox_events_pending.
    insertUnmatched: prepare<[string, string, string | null, number, number, string]>(
      `INSERT INTO unmatched_deliveries (source, event_id, conversation_id, received_at, recorded_at, verdicts)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    listUnmatched: db.prepare<[number, number], UnmatchedRow>(
      `SELECT seq, source, event_id, conversation_id, received_at, recorded_at, verdicts
       FROM unmatched_deliveries WHERE recorded_at >= ? ORDER BY seq DESC LIMIT ?`,
    ),
    pruneUnmatched: prepare<[number]>('DELETE FROM unmatched_deliveries WHERE recorded_at < ?'),
    countPendingEvents: prepare<[], number>(
      'SELECT count(*) FROM inbox_events WHERE processed_at IS NULL',
    ).pluck(),

    insertOutcome: db
      .prepare<
        [
          string,
          string,
          string,
          string | null,
          string | null,
          number,
          number,
          string | null,
          string | null,
        ],
        number
      >(
        `INSERT INTO outcomes
           (conversation_id, rule_id, kind, reason, details, at, episode, reason_code, event_reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .pluck(),
    // The primary key (conversation_id, episode) is the ended-once guarantee.
    insertEnding: prepare<[string, number, string, number]>(
      `INSERT INTO endings (conversation_id, episode, rule_id, state, claimed_at)
       VALUES (?, ?, ?, 'claimed', ?) ON CONFLICT (conversation_id, episode) DO NOTHING`,
    ),
    getEnding: prepare<[string, number], EndingRow>(HOT_SQL.getEnding),
    listEndings: prepare<[string], EndingRow>(HOT_SQL.listConversationEndings),
    markEndingMessage: prepare<[number, string, number]>(
      `UPDATE endings SET message_intent_at = ? WHERE conversation_id = ? AND episode = ?`,
    ),
    endEnding: prepare<[number, string, number]>(
      `UPDATE endings SET state = 'ended', finished_at = ? WHERE conversation_id = ? AND episode = ?`,
    ),
    releaseEnding: prepare<[string, number]>(
      `UPDATE endings SET state = 'released' WHERE conversation_id = ? AND episode = ? AND state = 'claimed'`,
    ),
    takeOverEnding: prepare<[string, number, string, number]>(
      `UPDATE endings SET rule_id = ?, claimed_at = ?, state = 'claimed'
       WHERE conversation_id = ? AND episode = ? AND state = 'released'`,
    ),
    holdMessages: prepare<[string, number, string]>(
      `INSERT INTO closing_message_holds (rule_id, since, reason) VALUES (?, ?, ?)
       ON CONFLICT (rule_id) DO NOTHING`,
    ),
    releaseMessages: prepare<[string]>('DELETE FROM closing_message_holds WHERE rule_id = ?'),
    getMessageHold: prepare<[string], { since: number; reason: string }>(
      'SELECT since, reason FROM closing_message_holds WHERE rule_id = ?',
    ),
    // A repeated event id (a retried commit) is the same event: kept once.
    insertAudit: prepare<[string, string, string, number, number]>(
      `INSERT INTO audit_outbox (event_id, type, detail, created_at, next_attempt_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
    ),
    pendingAudit: byLimit<[], AuditClaimRow>(db, HOT_SQL.pendingAudit),
    claimAudit: prepare<[string, number, number]>(
      'UPDATE audit_outbox SET claimed_by = ?, claimed_until = ? WHERE seq = ?',
    ),
    releaseAuditClaims: prepare<[]>(
      `UPDATE audit_outbox SET claimed_by = NULL, claimed_until = NULL
       WHERE state = 'pending' AND claimed_by IS NOT NULL`,
    ),
    publishAudit: prepare<[number, number]>(
      `UPDATE audit_outbox SET state = 'published', finished_at = ?, claimed_by = NULL, claimed_until = NULL
       WHERE seq = ? AND state = 'pending'`,
    ),
    retryAudit: prepare<[number, string, number]>(
      `UPDATE audit_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?,
         claimed_by = NULL, claimed_until = NULL
       WHERE seq = ? AND state = 'pending'`,
    ),
    deadAudit: prepare<[string, number, number]>(
      `UPDATE audit_outbox SET state = 'dead', attempts = attempts + 1, last_error = ?, finished_at = ?,
         claimed_by = NULL, claimed_until = NULL
       WHERE seq = ? AND state = 'pending'`,
    ),
    auditCounts: prepare<[], { pending: number; dead: number; oldest: number | null }>(
      `SELECT
         (SELECT count(*) FROM audit_outbox WHERE state = 'pending') AS pending,
         (SELECT count(*) FROM audit_outbox WHERE state = 'dead') AS dead,
         (SELECT created_at FROM audit_outbox WHERE state = 'pending' ORDER BY seq LIMIT 1) AS oldest`,
    ),
    deadAuditList: byLimit<[], AuditRow>(
      db,
      `SELECT ${AUDIT_COLUMNS} FROM audit_outbox WHERE state = 'dead' ORDER BY seq LIMIT ?`,
    ),
    pruneAudit: prepare<[number]>(
      `DELETE FROM audit_outbox WHERE state = 'published' AND finished_at < ?`,
    ),
    listOutcomes: outcomeListings(db),

    beat: prepare<[string, number]>(
      `INSERT INTO replicas (id, seen_at) VALUES (?, ?)
       ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`,
    ),
    forgetReplicas: prepare<[number]>('DELETE FROM replicas WHERE seen_at < ?'),
    countReplicas: prepare<[], number>('SELECT count(*) FROM replicas').pluck(),
    ping: prepare<[], number>('SELECT 1').pluck(),
  };
}

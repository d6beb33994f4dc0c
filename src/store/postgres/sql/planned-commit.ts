import type { TimerInput } from '../../store';
import type { ConversationState } from '../../../tracking/conversation-state';
import { jsonOrNull } from '../../rows';
import type { Queryable } from '../transaction';
import { TIMER_REARM } from './timers';

/**
 * The common commit of an event: the state planned from what was read and the timers it arms,
 * nothing else (no cancels, outcomes, audit, unmatched record or wake-up).
 */
export interface PlannedCommit {
  to: ConversationState;
  /** The stored text the plan was made from; undefined: there was no row. */
  fromText: string | undefined;
  /** At most one per (conversation, rule). */
  timers: TimerInput[];
  /** Epoch ms: `armed_at` of a first arming. */
  now: number;
}

/**
 * Arms the timers (`armed_at` and then the timers' columns as arrays for `unnest`, from
 * parameter `$n`) only if `conv` wrote the state, and counts what `conv` wrote.
 */
function armAfter(n: number): string {
  const p = (offset: number): string => `$${n + offset}`;
  return `armed AS (
  INSERT INTO timers (conversation_id, rule_id, phase, due_at, armed_at, attempts, lease_until, data, episode)
  SELECT t.conversation_id, t.rule_id, t.phase, t.due_at, ${p(0)}, 0, NULL, t.data, t.episode
  FROM unnest(${p(1)}::text[], ${p(2)}::text[], ${p(3)}::text[], ${p(4)}::bigint[], ${p(5)}::text[], ${p(6)}::int[])
    AS t(conversation_id, rule_id, phase, due_at, data, episode)
  WHERE EXISTS (SELECT 1 FROM conv)
  ${TIMER_REARM}
)
SELECT count(*)::int AS wrote FROM conv`;
}

/** The state over the text it was planned from ($4), only if the row still holds it. */
const UPDATE_PLANNED = `WITH conv AS (
  UPDATE conversations SET state = $2, updated_at = $3 WHERE id = $1 AND state = $4 RETURNING 1
), ${armAfter(5)}`;

/** A new conversation's first state, only if no one stored one first. */
const INSERT_PLANNED = `WITH conv AS (
  INSERT INTO conversations (id, state, updated_at) VALUES ($1, $2, $3)
  ON CONFLICT (id) DO NOTHING RETURNING 1
), ${armAfter(4)}`;

/**
 * Writes a planned commit in ONE statement (its own transaction on the pool): two round trips
 * fewer than BEGIN, the state, the timers and COMMIT, for the commit nearly every event makes.
 * The timers are written only with the state. Resolves false, writing nothing, when the stored
 * state is no longer the one planned from: the caller then folds the update. Under READ
 * COMMITTED the UPDATE waits for a concurrent writer's row lock and then checks the row it
 * committed, so a state written in between is never overwritten. Inside a transaction (a commit
 * with more to write, its timers none here), the written row stays locked until it ends.
 */
export async function writePlannedCommit(db: Queryable, commit: PlannedCommit): Promise<boolean> {
  const { to, fromText, timers, now } = commit;
  const state = [to.conversationId, JSON.stringify(to), to.updatedAt];
  const result = await db.query<{ wrote: number }>(
    fromText === undefined ? INSERT_PLANNED : UPDATE_PLANNED,
    [
      ...(fromText === undefined ? state : [...state, fromText]),
      now,
      timers.map((t) => t.conversationId),
      timers.map((t) => t.ruleId),
      timers.map((t) => t.phase),
      timers.map((t) => t.dueAt),
      timers.map((t) => jsonOrNull(t.data)),
      timers.map((t) => t.episode ?? 1),
    ],
  );
  return result.rows[0]?.wrote === 1;
}

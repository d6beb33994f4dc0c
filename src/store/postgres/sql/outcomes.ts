import type { Outcome, OutcomeInput, OutcomeQuery } from '../../store';
import type { OutcomeRow } from '../../rows';
import { jsonOrNull, outcomeFromRow } from '../../rows';
import { outcomePageSize } from '../../query-limits';
import { StoreError } from '../../store-error';
import type { Queryable } from '../transaction';
import { bigintLowerBound } from '../text-encoding';

const OUTCOME_COLUMNS =
  'id, conversation_id, rule_id, kind, reason, details, at, episode, reason_code, event_reason';

/** @throws the driver's unique violation on `outcomes_one_terminated` (mapped by the caller). */
export async function insertOutcome(db: Queryable, outcome: OutcomeInput): Promise<Outcome> {
  const result = await db.query<{ id: number }>(
    `INSERT INTO outcomes
       (conversation_id, rule_id, kind, reason, details, at, episode, reason_code, event_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      outcome.conversationId,
      outcome.ruleId,
      outcome.kind,
      outcome.reason ?? null,
      jsonOrNull(outcome.details),
      outcome.at,
      outcome.episode ?? 1,
      outcome.reasonCode ?? null,
      outcome.eventReason ?? null,
    ],
  );
  const id = result.rows[0]?.id;
  if (id === undefined) {
    throw new StoreError('STORE_QUERY_FAILED', 'Outcome insert returned no id');
  }
  return { ...outcome, episode: outcome.episode ?? 1, id };
}

/** Oldest first (`at`, then `id`); each filter combination walks its own index. */
export async function listOutcomes(db: Queryable, query: OutcomeQuery): Promise<Outcome[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.conversationId !== undefined) {
    params.push(query.conversationId);
    where.push(`conversation_id = $${params.length}`);
  }
  if (query.since !== undefined) {
    params.push(bigintLowerBound(query.since));
    where.push(`at >= $${params.length}`);
  }
  if (query.reasonCode !== undefined) {
    params.push(query.reasonCode);
    where.push(`reason_code = $${params.length}`);
  }
  params.push(outcomePageSize(query.limit));
  const result = await db.query<OutcomeRow>(
    `SELECT ${OUTCOME_COLUMNS} FROM outcomes
     ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
     ORDER BY at, id LIMIT $${params.length}`,
    params,
  );
  return result.rows.map(outcomeFromRow);
}

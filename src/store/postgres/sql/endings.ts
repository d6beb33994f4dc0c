import type { Ending, EndingClaim, EndingClaimInput } from '../../store';
import type { EndingRow } from '../../rows';
import { endingFromRow } from '../../rows';
import { StoreError } from '../../store-error';
import type { Queryable } from '../transaction';

export const ENDING_COLUMNS =
  'conversation_id, episode, rule_id, state, claimed_at, message_intent_at, finished_at';

export async function getEnding(
  db: Queryable,
  conversationId: string,
  episode: number,
): Promise<Ending | undefined> {
  const result = await db.query<EndingRow>(
    `SELECT ${ENDING_COLUMNS} FROM endings WHERE conversation_id = $1 AND episode = $2`,
    [conversationId, episode],
  );
  const row = result.rows[0];
  return row === undefined ? undefined : endingFromRow(row);
}

/**
 * Claims the ending of one episode (in the caller's transaction). The primary key decides: of two
 * replicas inserting at once, the second waits for the first's commit and then inserts nothing.
 */
export async function claimEnding(db: Queryable, claim: EndingClaimInput): Promise<EndingClaim> {
  const inserted = await db.query(
    `INSERT INTO endings (conversation_id, episode, rule_id, state, claimed_at)
     VALUES ($1, $2, $3, 'claimed', $4) ON CONFLICT (conversation_id, episode) DO NOTHING`,
    [claim.conversationId, claim.episode, claim.ruleId, claim.at],
  );
  const won =
    inserted.rowCount === 1 ||
    (
      await db.query(
        `UPDATE endings SET rule_id = $1, claimed_at = $2, state = 'claimed'
         WHERE conversation_id = $3 AND episode = $4 AND state = 'released'`,
        [claim.ruleId, claim.at, claim.conversationId, claim.episode],
      )
    ).rowCount === 1;
  const ending = await getEnding(db, claim.conversationId, claim.episode);
  if (ending === undefined) {
    throw new StoreError('STORE_QUERY_FAILED', 'An ending claim vanished inside its transaction');
  }
  if (won) {
    return { claimed: true, resumed: false, ending };
  }
  if (ending.ruleId === claim.ruleId && ending.state === 'claimed') {
    return { claimed: true, resumed: true, ending };
  }
  return { claimed: false, ending };
}

export async function markEndingMessage(
  db: Queryable,
  conversationId: string,
  episode: number,
  at: number,
): Promise<void> {
  await db.query(
    'UPDATE endings SET message_intent_at = $1 WHERE conversation_id = $2 AND episode = $3',
    [at, conversationId, episode],
  );
}

export async function finishEnding(
  db: Queryable,
  conversationId: string,
  episode: number,
  result: 'ended' | 'released',
  at: number,
): Promise<void> {
  if (result === 'ended') {
    await db.query(
      `UPDATE endings SET state = 'ended', finished_at = $1 WHERE conversation_id = $2 AND episode = $3`,
      [at, conversationId, episode],
    );
  } else {
    await db.query(
      `UPDATE endings SET state = 'released'
       WHERE conversation_id = $1 AND episode = $2 AND state = 'claimed'`,
      [conversationId, episode],
    );
  }
}

export async function holdClosingMessages(
  db: Queryable,
  ruleId: string,
  at: number,
  reason: string,
): Promise<void> {
  await db.query(
    `INSERT INTO closing_message_holds (rule_id, since, reason) VALUES ($1, $2, $3)
     ON CONFLICT (rule_id) DO NOTHING`,
    [ruleId, at, reason],
  );
}

export async function releaseClosingMessages(db: Queryable, ruleId: string): Promise<void> {
  await db.query('DELETE FROM closing_message_holds WHERE rule_id = $1', [ruleId]);
}

export async function closingMessageHold(
  db: Queryable,
  ruleId: string,
): Promise<{ since: number; reason: string } | undefined> {
  const result = await db.query<{ since: number; reason: string }>(
    'SELECT since, reason FROM closing_message_holds WHERE rule_id = $1',
    [ruleId],
  );
  const row = result.rows[0];
  return row === undefined ? undefined : { since: row.since, reason: row.reason };
}

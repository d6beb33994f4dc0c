import type { EndingRow, TimerRow } from '../../rows';
import type { Queryable } from '../transaction';
import { ENDING_COLUMNS } from './endings';
import { TIMER_COLUMNS } from './timers';

/** A conversation's rows as {@link readConversationRows} reads them. */
export interface ConversationRows {
  /** The state's JSON text; undefined when there is no row. */
  stateText: string | undefined;
  timers: TimerRow[];
  endings: EndingRow[];
}

/**
 * The conversation's state, timers and ending claims in one statement: one round trip and one
 * snapshot instead of three (what planning each event reads). Timers and endings come back as
 * JSON arrays of rows with the same columns as `listTimers` and `getEnding` read; BIGINT epoch
 * milliseconds are exact JSON numbers (below 2^53).
 */
export async function readConversationRows(
  db: Queryable,
  conversationId: string,
): Promise<ConversationRows> {
  const result = await db.query<{ state: string | null; timers: string; endings: string }>(
    `SELECT
       (SELECT state FROM conversations WHERE id = $1) AS state,
       (SELECT coalesce(json_agg(t ORDER BY t.rule_id COLLATE "C"), '[]'::json)::text
          FROM (SELECT ${TIMER_COLUMNS} FROM timers WHERE conversation_id = $1) t) AS timers,
       (SELECT coalesce(json_agg(e ORDER BY e.episode), '[]'::json)::text
          FROM (SELECT ${ENDING_COLUMNS} FROM endings WHERE conversation_id = $1) e) AS endings`,
    [conversationId],
  );
  const row = result.rows[0];
  return {
    stateText: row?.state ?? undefined,
    timers: row === undefined ? [] : (JSON.parse(row.timers) as TimerRow[]),
    endings: row === undefined ? [] : (JSON.parse(row.endings) as EndingRow[]),
  };
}

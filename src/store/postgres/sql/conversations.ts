import type pg from 'pg';
import type { ConversationUpdate } from '../../store';
import type { ConversationState } from '../../../tracking/conversation-state';
import { StoreError } from '../../store-error';
import type { Queryable } from '../transaction';

/** The stored JSON text of a conversation's state, if it has one. */
export async function getConversationText(
  db: Queryable,
  conversationId: string,
): Promise<string | undefined> {
  const result = await db.query<{ state: string }>(
    'SELECT state FROM conversations WHERE id = $1',
    [conversationId],
  );
  return result.rows[0]?.state;
}

export async function listConversations(
  db: Queryable,
  afterId: string,
  limit: number,
): Promise<ConversationState[]> {
  const result = await db.query<{ state: string }>(
    'SELECT state FROM conversations WHERE id COLLATE "C" > $1 ORDER BY id COLLATE "C" LIMIT $2',
    [afterId, limit],
  );
  return result.rows.map((row) => JSON.parse(row.state) as ConversationState);
}

export async function putConversation(db: Queryable, state: ConversationState): Promise<void> {
  await db.query(
    `INSERT INTO conversations (id, state, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
    [state.conversationId, JSON.stringify(state), state.updatedAt],
  );
}

/** Folds after which a row still appears from nowhere: something is badly wrong. */
const MAX_FOLD_ATTEMPTS = 3;

/**
 * Applies `update` to the stored state inside the caller's transaction, with the row locked
 * (SELECT … FOR UPDATE) until that transaction ends: two replicas folding events of one
 * conversation at once run one after the other, the second from the first's result — no update
 * is lost. A conversation not stored yet has no row to lock: the insert is ON CONFLICT DO
 * NOTHING, and when another transaction inserted it first, its row is read (now locked) and
 * folded again.
 */
export async function foldConversation(
  client: pg.PoolClient,
  update: ConversationUpdate,
): Promise<void> {
  for (let attempt = 1; attempt <= MAX_FOLD_ATTEMPTS; attempt += 1) {
    const locked = await client.query<{ state: string }>(
      'SELECT state FROM conversations WHERE id = $1 FOR UPDATE',
      [update.conversationId],
    );
    const text = locked.rows[0]?.state;
    const next = update.apply(
      text === undefined ? undefined : (JSON.parse(text) as ConversationState),
    );
    if (next === undefined) {
      return;
    }
    if (text !== undefined) {
      await putConversation(client, next);
      return;
    }
    const inserted = await client.query(
      `INSERT INTO conversations (id, state, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO NOTHING`,
      [next.conversationId, JSON.stringify(next), next.updatedAt],
    );
    if (inserted.rowCount === 1) {
      return;
    }
  }
  throw new StoreError(
    'STORE_QUERY_FAILED',
    `The state of conversation ${update.conversationId} kept changing under its row lock`,
    { details: { conversationId: update.conversationId } },
  );
}

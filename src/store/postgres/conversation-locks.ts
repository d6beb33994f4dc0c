import type pg from 'pg';
import { KeyedMutex } from '../keyed-mutex';

/**
 * Per-conversation locks across every process sharing the database: a SESSION advisory lock on
 * `hashtextextended(conversation id)`, held on a connection of its own for the whole work (which
 * may wait on Genesys for seconds), then released. When the holder dies, its connection closes and
 * the server frees the lock: nothing to expire. In front of it, an in-process `KeyedMutex`: waiters
 * of one process queue in memory, so a process holds at most one lock connection per conversation.
 *
 * The lock connections come from their own pool: holders waiting for query connections from the
 * same pool could otherwise take every connection and wait on each other forever.
 */
export class ConversationLocks {
  private readonly local = new KeyedMutex();

  constructor(private readonly pool: pg.Pool) {}

  run<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(conversationId, async () => {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [conversationId]);
        try {
          return await work();
        } finally {
          try {
            await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [
              conversationId,
            ]);
          } catch (e: unknown) {
            // Destroying the connection ends the session, which frees the lock.
            broken = e instanceof Error ? e : new Error(String(e));
          }
        }
      } finally {
        client.release(broken);
      }
    });
  }
}

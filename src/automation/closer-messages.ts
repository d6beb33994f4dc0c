import type { Store } from '../store/store';

/**
 * Ids of the messages closer itself sent into a conversation (its warnings). They are written by
 * the agent's communication, so without this an `agent`/`any` idle rule would count closer's own
 * warning as activity and never close. Taken from the durable `warned` outcomes.
 */
export async function closerMessageIds(store: Store, conversationId: string): Promise<Set<string>> {
  const outcomes = await store.listOutcomes({ conversationId, limit: 1000 });
  const ids = new Set<string>();
  for (const outcome of outcomes) {
    const messageId = outcome.details?.messageId;
    if (outcome.kind === 'warned' && typeof messageId === 'string') {
      ids.add(messageId);
    }
  }
  return ids;
}

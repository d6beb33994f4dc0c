import { MINUTE, T0, event, outcome, uid, type ContractContext } from './fixtures';

/** What a hostile or broken sender can put into stored values: kept exactly, never an error. */
export function describeHostileInputContract(ctx: ContractContext): void {
  describe('hostile input', () => {
    it('stores, returns and dedupes event ids, kinds and sources with NUL and % exactly', async () => {
      const store = ctx.store();
      const odd = [
        event({ eventId: 'a\0b' }),
        event({ eventId: 'a%00b' }),
        event({ eventId: '100%25', kind: 'k\0%' }),
        event({ eventId: '%', source: 'web\0hook' }),
      ];
      expect(await store.insertEvents(odd)).toEqual({ inserted: 4, duplicates: 0 });
      expect(await store.insertEvents(odd)).toEqual({ inserted: 0, duplicates: 4 });
      const claimed = await store.claimEvents(T0, 10, MINUTE);
      expect(claimed.map((e) => [e.source, e.eventId, e.kind])).toEqual(
        odd.map((e) => [e.source, e.eventId, e.kind]),
      );
    });

    it('orders by a conversation id however long or odd it is', async () => {
      const store = ctx.store();
      const long = `${uid('conv')}-${'x'.repeat(300_000)}`;
      const withNul = `${uid('conv')}\0`;
      const events = [long, withNul].map((conversationId) =>
        event({
          payload: {
            type: 'genesys',
            topicName: `v2.detail.events.conversation.${conversationId}.customer.start`,
            eventBody: { conversationId },
          },
        }),
      );
      expect(await store.insertEvents(events)).toEqual({ inserted: 2, duplicates: 0 });
      expect(await store.claimEvents(T0, 10, MINUTE)).toHaveLength(2);
    });

    it('answers a listOutcomes `since` beyond any time with nothing', async () => {
      const store = ctx.store();
      await store.recordOutcome(outcome());
      expect(await store.listOutcomes({ since: 1e23 })).toEqual([]);
      expect(await store.listOutcomes({ since: T0 - 0.5 })).toHaveLength(1);
      expect(await store.listOutcomes({ since: T0 + 0.5 })).toEqual([]);
    });
  });
}

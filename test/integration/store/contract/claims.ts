import type { Timer } from '../../../../src/store';
import { MINUTE, T0, conversationEvent, event, uid, type ContractContext } from './fixtures';

const ids = (events: { eventId: string }[]): string[] => events.map((e) => e.eventId);

/**
 * Claims: what lets several processes share one database (replicas on PostgreSQL; on SQLite the
 * same rules hold between two store instances on one file).
 */
export function describeClaimContract(ctx: ContractContext): void {
  describe('claimEvents (inbox shared by replicas)', () => {
    it('claims unprocessed events oldest first up to the limit, in seq order', async () => {
      const store = ctx.store();
      const events = [event(), event(), event()];
      await store.insertEvents(events);
      const claimed = await store.claimEvents(T0, 2, MINUTE);
      expect(ids(claimed)).toEqual([events[0]!.eventId, events[1]!.eventId]);
      expect(claimed[0]).toMatchObject({ source: 'eventbridge', payload: events[0]!.payload });
      expect(claimed[1]!.seq).toBeGreaterThan(claimed[0]!.seq);
    });

    it("skips another instance's claimed events until the lease ends, then takes them over", async () => {
      const store = ctx.store();
      const other = await ctx.openAnother();
      const events = [event(), event(), event()];
      await store.insertEvents(events);
      expect(ids(await store.claimEvents(T0, 2, MINUTE))).toEqual(idsAt(events, 0, 1));
      expect(ids(await other.claimEvents(T0, 10, MINUTE))).toEqual(idsAt(events, 2));
      expect(await other.claimEvents(T0 + MINUTE - 1, 10, MINUTE)).toHaveLength(1);
      // The first instance died: after its lease, its events are the other's.
      expect(ids(await other.claimEvents(T0 + MINUTE, 10, MINUTE))).toEqual(idsAt(events, 0, 1, 2));
      expect(await store.claimEvents(T0 + MINUTE, 10, MINUTE)).toEqual([]);
    });

    it('gives an instance its own unfinished claims back at once, never processed events', async () => {
      const store = ctx.store();
      const events = [event(), event()];
      await store.insertEvents(events);
      const first = await store.claimEvents(T0, 10, MINUTE);
      expect(ids(await store.claimEvents(T0 + 1, 10, MINUTE))).toEqual(ids(first));
      await store.markEventsProcessed([first[0]!.seq]);
      expect(ids(await store.claimEvents(T0 + 2, 10, MINUTE))).toEqual([events[1]!.eventId]);
      await store.markEventsProcessed([first[1]!.seq]);
      expect(await store.claimEvents(T0 + 2 * MINUTE, 10, MINUTE)).toEqual([]);
      // Still there for dedupe.
      expect(await store.insertEvents(events)).toEqual({ inserted: 0, duplicates: 2 });
    });

    it("holds back a conversation's later events while another instance holds an earlier one", async () => {
      const store = ctx.store();
      const other = await ctx.openAnother();
      const [a, b] = [uid('conv'), uid('conv')];
      const events = [conversationEvent(a), conversationEvent(b), conversationEvent(a)];
      await store.insertEvents(events);
      expect(ids(await store.claimEvents(T0, 1, MINUTE))).toEqual(idsAt(events, 0));
      // a's second event waits for its first: the other instance gets b's only.
      expect(ids(await other.claimEvents(T0, 10, MINUTE))).toEqual(idsAt(events, 1));
      const [first] = await store.pendingEvents(1);
      await store.markEventsProcessed([first!.seq]);
      expect(ids(await other.claimEvents(T0 + 1, 10, MINUTE))).toEqual(idsAt(events, 1, 2));
    });

    it("takes a dead instance's conversation over in order once its lease ends", async () => {
      const store = ctx.store();
      const other = await ctx.openAnother();
      const a = uid('conv');
      const events = [conversationEvent(a), conversationEvent(a), conversationEvent(a)];
      await store.insertEvents(events);
      expect(ids(await store.claimEvents(T0, 2, MINUTE))).toEqual(idsAt(events, 0, 1));
      expect(await other.claimEvents(T0 + MINUTE - 1, 10, MINUTE)).toEqual([]);
      expect(ids(await other.claimEvents(T0 + MINUTE, 10, MINUTE))).toEqual(ids(events));
    });

    it('never gives one event to two instances claiming at the same time', async () => {
      const store = ctx.store();
      const other = await ctx.openAnother();
      const conversations = [uid('conv'), uid('conv'), uid('conv')];
      const events = Array.from({ length: 120 }, (_, i) =>
        i % 2 === 0 ? event() : conversationEvent(conversations[i % 3]!),
      );
      await store.insertEvents(events);
      const drain = async (s: typeof store): Promise<string[]> => {
        const mine: string[] = [];
        for (;;) {
          const batch = await s.claimEvents(T0, 7, MINUTE);
          if (batch.length === 0) {
            return mine;
          }
          mine.push(...ids(batch));
          await s.markEventsProcessed(batch.map((e) => e.seq));
        }
      };
      const [one, two] = await Promise.all([drain(store), drain(other)]);
      const all = [...one, ...two];
      expect(new Set(all).size).toBe(all.length);
      expect(all.sort()).toEqual(events.map((e) => e.eventId).sort());
    });
  });

  describe('heartbeat (live replicas)', () => {
    it('counts the instances seen within the ttl, itself included', async () => {
      const store = ctx.store();
      const other = await ctx.openAnother();
      expect(await store.heartbeat(T0, 15_000)).toBe(1);
      expect(await other.heartbeat(T0 + 1_000, 15_000)).toBe(2);
      expect(await store.heartbeat(T0 + 5_000, 15_000)).toBe(2);
      // The other instance went silent: after the ttl it no longer counts.
      expect(await store.heartbeat(T0 + 16_001, 15_000)).toBe(1);
      // And it counts again once it beats again.
      expect(await other.heartbeat(T0 + 17_000, 15_000)).toBe(2);
    });
  });

  describe('claimDueTimers (timers shared by replicas)', () => {
    it('never gives one timer to two instances claiming at the same time', async () => {
      const store = ctx.store();
      const other = await ctx.openAnother();
      const armed = Array.from({ length: 90 }, () => uid('conv'));
      for (const [i, conversationId] of armed.entries()) {
        await store.upsertTimer(
          { conversationId, ruleId: 'idle', phase: 'close', dueAt: T0 + (i % 5) },
          T0,
        );
      }
      const drain = async (s: typeof store): Promise<Timer[]> => {
        const mine: Timer[] = [];
        for (;;) {
          const batch = await s.claimDueTimers(T0 + 10, 4, MINUTE);
          if (batch.length === 0) {
            return mine;
          }
          mine.push(...batch);
        }
      };
      const [one, two] = await Promise.all([drain(store), drain(other)]);
      const claimed = [...one, ...two].map((t) => t.conversationId);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(claimed.sort()).toEqual([...armed].sort());
    });

    it('tells the earliest due time of an unleased timer (the scheduler sleeps until then)', async () => {
      const store = ctx.store();
      expect(await store.nextTimerDueAt()).toBeUndefined();
      const [a, b] = [uid('conv'), uid('conv')];
      await store.upsertTimer({ conversationId: a, ruleId: 'idle', phase: 'close', dueAt: T0 }, T0);
      await store.upsertTimer(
        { conversationId: b, ruleId: 'idle', phase: 'close', dueAt: T0 + MINUTE },
        T0,
      );
      expect(await store.nextTimerDueAt()).toBe(T0);
      const [claimed] = await store.claimDueTimers(T0, 1, MINUTE);
      expect(claimed).toMatchObject({ conversationId: a });
      expect(await store.nextTimerDueAt()).toBe(T0 + MINUTE);
      await store.releaseTimer(claimed!);
      expect(await store.nextTimerDueAt()).toBe(T0);
    });

    it("takes over a dead instance's timer after its lease", async () => {
      const store = ctx.store();
      const other = await ctx.openAnother();
      const c = uid('conv');
      await store.upsertTimer({ conversationId: c, ruleId: 'idle', phase: 'close', dueAt: T0 }, T0);
      expect(await store.claimDueTimers(T0, 10, MINUTE)).toHaveLength(1);
      expect(await other.claimDueTimers(T0 + MINUTE - 1, 10, MINUTE)).toEqual([]);
      const [taken] = await other.claimDueTimers(T0 + MINUTE, 10, MINUTE);
      expect(taken).toMatchObject({ conversationId: c, attempts: 0 });
      await other.completeTimer(taken!);
      expect(await store.listTimers(c)).toEqual([]);
    });
  });
}

/** The event ids at `positions` of `events`. */
function idsAt(events: { eventId: string }[], ...positions: number[]): string[] {
  return positions.map((p) => events[p]!.eventId);
}

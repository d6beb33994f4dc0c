import type { Store } from '../../../../src/store';
import { StoreError } from '../../../../src/store';
import type { ConversationState } from '../../../../src/tracking/conversation-state';
import { T0, outcome, uid, type ContractContext } from './fixtures';

function state(conversationId: string, participantIds: string[]): ConversationState {
  return {
    conversationId,
    participants: participantIds.map((id) => ({ id, purpose: 'customer', state: 'connected' })),
    updatedAt: T0,
    episode: 1,
  };
}

/** Adds one participant to whatever is stored: a lost update would lose a participant. */
function addParticipant(store: Store, conversationId: string, id: string): Promise<unknown> {
  return store.commit({
    now: T0,
    conversation: {
      conversationId,
      apply: (current) =>
        state(conversationId, [...(current?.participants ?? []).map((p) => p.id), id]),
    },
  });
}

/** Writers racing on one conversation, one episode, one lock — in one process or two. */
export function describeConcurrencyContract(ctx: ContractContext): void {
  describe('commit: ConversationUpdate folds the stored state', () => {
    it('passes the current state to apply, and leaves the row when apply returns undefined', async () => {
      const store = ctx.store();
      const c = uid('conv');
      const seen: (ConversationState | undefined)[] = [];
      const update = (next: ConversationState | undefined) => ({
        conversationId: c,
        apply: (current: ConversationState | undefined) => {
          seen.push(current);
          return next;
        },
      });
      await store.commit({ now: T0, conversation: update(state(c, ['p1'])) });
      await store.commit({ now: T0, conversation: update(undefined) });
      expect(seen).toEqual([undefined, state(c, ['p1'])]);
      expect(await store.getConversation(c)).toEqual(state(c, ['p1']));
    });

    it('loses no update when two instances fold one conversation at once (new row included)', async () => {
      const store = ctx.store();
      const other = await ctx.openAnother();
      const c = uid('conv');
      const writers = Array.from({ length: 24 }, (_, i) =>
        addParticipant(i % 2 === 0 ? store : other, c, `p${i}`),
      );
      await Promise.all(writers);
      const stored = await other.getConversation(c);
      expect(stored?.participants.map((p) => p.id).sort()).toEqual(
        Array.from({ length: 24 }, (_, i) => `p${i}`).sort(),
      );
    });
  });

  describe('one terminated outcome per episode', () => {
    it('refuses a second terminated outcome of an episode with STORE_ALREADY_ENDED, writing nothing of that commit', async () => {
      const store = ctx.store();
      const c = uid('conv');
      await store.recordOutcome(outcome({ conversationId: c, kind: 'terminated', ruleId: 'a' }));
      const second = store.commit({
        now: T0,
        conversation: { conversationId: c, apply: () => state(c, ['written?']) },
        outcomes: [outcome({ conversationId: c, kind: 'terminated', ruleId: 'b' })],
      });
      const refused: unknown = await second.catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StoreError);
      const cause = (refused as StoreError).cause;
      // The driver's own error is shown when the code is not the one expected.
      expect({
        code: (refused as StoreError).code,
        cause: (refused as StoreError).code === 'STORE_ALREADY_ENDED' ? undefined : String(cause),
      }).toEqual({ code: 'STORE_ALREADY_ENDED', cause: undefined });
      expect(await store.getConversation(c)).toBeUndefined();
      await expect(
        store.recordOutcome(outcome({ conversationId: c, kind: 'terminated' })),
      ).rejects.toMatchObject({ code: 'STORE_ALREADY_ENDED' });
      // Another episode, and other kinds, are not terminal duplicates.
      await store.recordOutcome(outcome({ conversationId: c, kind: 'terminated', episode: 2 }));
      await store.recordOutcome(outcome({ conversationId: c, kind: 'already-ended' }));
      expect((await store.listOutcomes({ conversationId: c })).map((o) => o.kind)).toEqual([
        'terminated',
        'terminated',
        'already-ended',
      ]);
    });
  });

  describe('claimEnding across instances', () => {
    it('gives an episode to exactly one of many rules claiming at once', async () => {
      const store = ctx.store();
      const other = await ctx.openAnother();
      const c = uid('conv');
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 === 0 ? store : other).claimEnding({
            conversationId: c,
            episode: 1,
            ruleId: `rule-${i}`,
            at: T0 + i,
          }),
        ),
      );
      const winners = claims.filter((claim) => claim.claimed);
      expect(winners).toHaveLength(1);
      const holder = winners[0]!.ending.ruleId;
      for (const claim of claims.filter((x) => !x.claimed)) {
        expect(claim.ending).toMatchObject({ ruleId: holder, state: 'claimed' });
      }
    });
  });

  describe('lockConversation', () => {
    it("never runs two holders of one conversation's lock at once, across instances", async () => {
      const store = ctx.store();
      const other = await ctx.openAnother();
      const c = uid('conv');
      let active = 0;
      let most = 0;
      const order: number[] = [];
      const holders = Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? store : other).lockConversation(c, async () => {
          active += 1;
          most = Math.max(most, active);
          // Yield to the I/O loop: an unlocked holder would start meanwhile.
          await new Promise((resolve) => setTimeout(resolve, 5));
          order.push(i);
          active -= 1;
          return i;
        }),
      );
      expect(await Promise.all(holders)).toEqual(Array.from({ length: 10 }, (_, i) => i));
      expect(most).toBe(1);
      expect(order).toHaveLength(10);
    });

    it('does not block other conversations, and passes the holder’s own error through', async () => {
      const store = ctx.store();
      const other = await ctx.openAnother();
      let releaseA: () => void = () => undefined;
      const aHeld = new Promise<void>((resolve) => {
        releaseA = resolve;
      });
      const a = store.lockConversation(uid('conv'), () => aHeld.then(() => 'a'));
      // Would wait forever (test timeout) if the lock were global.
      expect(await other.lockConversation(uid('conv'), () => Promise.resolve('b'))).toBe('b');
      releaseA();
      expect(await a).toBe('a');
      const mine = new Error('the work failed');
      await expect(store.lockConversation(uid('conv'), () => Promise.reject(mine))).rejects.toBe(
        mine,
      );
    });
  });
}

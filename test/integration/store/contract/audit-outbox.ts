import type { AuditOutboxInput } from '../../../../src/store';
import { MINUTE, T0, uid, type ContractContext } from './fixtures';

function auditEvent(overrides: Partial<AuditOutboxInput> = {}): AuditOutboxInput {
  const eventId = uid('audit');
  return {
    eventId,
    type: 'conversation.terminated',
    detail: { id: eventId, conversationId: uid('conv'), nested: { n: 1 } },
    createdAt: T0,
    ...overrides,
  };
}

const seqsOf = (entries: { seq: number }[]): number[] => entries.map((e) => e.seq);
const idsOf = (entries: { eventId: string }[]): string[] => entries.map((e) => e.eventId);

/** The audit outbox: written with decisions, claimed in order by one publisher at a time. */
export function describeAuditContract(ctx: ContractContext): void {
  describe('audit outbox', () => {
    it('claims pending entries oldest first up to the limit; a repeated event id is kept once', async () => {
      const store = ctx.store();
      const events = [auditEvent(), auditEvent(), auditEvent()];
      await store.appendAudit([events[0]!, events[1]!]);
      await store.appendAudit([events[2]!, { ...events[0]!, type: 'other' }]);
      await store.appendAudit([]);
      const batch = await store.claimAuditBatch(T0, 2, MINUTE);
      expect(idsOf(batch)).toEqual([events[0]!.eventId, events[1]!.eventId]);
      expect(batch[0]).toEqual({
        ...events[0],
        seq: expect.any(Number),
        state: 'pending',
        attempts: 0,
        nextAttemptAt: 0,
      });
      expect(batch[1]!.seq).toBeGreaterThan(batch[0]!.seq);
      expect(await store.auditOutboxStats()).toEqual({ pending: 3, dead: 0, oldestPendingAt: T0 });
    });

    it('stops at the first entry backing off, and resumes when it is due', async () => {
      const store = ctx.store();
      const events = [auditEvent(), auditEvent()];
      await store.appendAudit(events);
      const [first] = await store.claimAuditBatch(T0, 10, MINUTE);
      await store.markAuditRetry(first!.seq, T0 + 5_000, 'ThrottlingException');
      // Later entries wait behind it: in-order delivery.
      expect(await store.claimAuditBatch(T0 + 4_999, 10, MINUTE)).toEqual([]);
      const again = await store.claimAuditBatch(T0 + 5_000, 10, MINUTE);
      expect(idsOf(again)).toEqual(idsOf(events));
      expect(again[0]).toMatchObject({
        attempts: 1,
        nextAttemptAt: T0 + 5_000,
        lastError: 'ThrottlingException',
      });
    });

    it('gives another instance nothing while the head is claimed, and the batch after the lease', async () => {
      const store = ctx.store();
      const other = await ctx.openAnother();
      const events = [auditEvent(), auditEvent(), auditEvent()];
      await store.appendAudit(events);
      const mine = await store.claimAuditBatch(T0, 2, MINUTE);
      expect(await other.claimAuditBatch(T0 + 1, 10, MINUTE)).toEqual([]);
      // Its own unsent leftovers come back to the claimant at once (a batch cut at 256 KB).
      expect(idsOf(await store.claimAuditBatch(T0 + 2, 10, MINUTE))).toEqual(idsOf(events));
      await store.markAuditPublished([mine[0]!.seq], T0 + 3);
      expect(await other.claimAuditBatch(T0 + 3, 10, MINUTE)).toEqual([]);
      // The claimant died: the rest is the other's once the lease ends, still in order.
      const taken = await other.claimAuditBatch(T0 + 2 + MINUTE, 10, MINUTE);
      expect(idsOf(taken)).toEqual([events[1]!.eventId, events[2]!.eventId]);
    });

    it('publishes, keeps refused entries dead, and prunes published ones only', async () => {
      const store = ctx.store();
      const events = [auditEvent({ createdAt: T0 }), auditEvent({ createdAt: T0 + 1 })];
      await store.appendAudit(events);
      const batch = await store.claimAuditBatch(T0, 10, MINUTE);
      await store.markAuditPublished([batch[0]!.seq], T0 + 10);
      await store.markAuditDead(batch[1]!.seq, 'ValidationException: too big', T0 + 11);
      // Marks of entries that are no longer pending change nothing.
      await store.markAuditRetry(batch[0]!.seq, T0 + 99, 'late');
      expect(await store.auditOutboxStats()).toEqual({ pending: 0, dead: 1 });
      expect(await store.claimAuditBatch(T0 + MINUTE, 10, MINUTE)).toEqual([]);
      expect(await store.listDeadAudit(10)).toEqual([
        expect.objectContaining({
          eventId: events[1]!.eventId,
          state: 'dead',
          attempts: 1,
          lastError: 'ValidationException: too big',
          finishedAt: T0 + 11,
        }),
      ]);
      expect(await store.pruneAudit(T0 + 10)).toBe(0);
      expect(await store.pruneAudit(T0 + 11)).toBe(1);
      expect(await store.listDeadAudit(10)).toHaveLength(1);
      // The published entry is gone: its event id is new again.
      await store.appendAudit([events[0]!]);
      expect(await store.auditOutboxStats()).toMatchObject({ pending: 1 });
    });

    it('writes the audit events of a commit with its outcomes, or neither', async () => {
      const store = ctx.store();
      const c = uid('conv');
      const written = auditEvent();
      await store.commit({
        now: T0,
        outcomes: [{ conversationId: c, ruleId: 'idle', kind: 'warned', at: T0 }],
        audit: [written],
      });
      const lost = auditEvent();
      const failing = store.commit({
        now: T0,
        audit: [lost],
        upsertTimers: [{ conversationId: c, ruleId: 'idle', phase: 'bogus' as 'warn', dueAt: T0 }],
      });
      await expect(failing).rejects.toMatchObject({ code: 'STORE_QUERY_FAILED' });
      expect(idsOf(await store.claimAuditBatch(T0, 10, MINUTE))).toEqual([written.eventId]);
      expect(seqsOf(await store.listDeadAudit(10))).toEqual([]);
    });
  });
}

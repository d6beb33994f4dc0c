import type { Clock } from '../../../src/timers/clock';
import { ManualClock } from '../../../src/timers/clock';
import type { Migration, OutcomeQuery, Store, Timer } from '../../../src/store';
import { StoreError } from '../../../src/store';
import type { ConversationState } from '../../../src/tracking/conversation-state';
import { describeAuditContract } from './contract/audit-outbox';
import { describeClaimContract } from './contract/claims';
import { describeConcurrencyContract } from './contract/concurrency';
import { describeHostileInputContract } from './contract/hostile-input';
import { MINUTE, T0, event, outcome, uid, type ContractContext } from './contract/fixtures';

/** What a back end provides so the same contract runs against it (SQLite and PostgreSQL). */
export interface StoreContractHarness {
  /** Opens (or re-opens) a migrated store on this harness's own database. */
  open(options?: { clock?: Clock }): Promise<Store>;
  /** The `schema_migrations` ledger, read directly (not through the store). */
  ledger(): Promise<{ version: number; appliedAt: number }[]>;
  /** Adds a ledger row for a version newer than the code knows: a database "from the future". */
  addFutureMigration(version: number): Promise<void>;
  /**
   * Applies to the (still empty) database the migrations before the one named `name`: the schema
   * an older closer left.
   */
  migrateBefore(name: string): Promise<void>;
  /** Runs SQL on the database directly (not through the store), e.g. a row an older closer wrote. */
  exec(sql: string): Promise<void>;
  /** Deletes the database. The suite has closed every store it opened before calling this. */
  destroy(): Promise<void>;
}

/** The migrations before the one named `name` (which must exist): an older closer's schema. */
export function migrationsBefore(migrations: readonly Migration[], name: string): Migration[] {
  const index = migrations.findIndex((migration) => migration.name === name);
  if (index < 0) {
    throw new Error(`no migration named ${name}`);
  }
  return migrations.slice(0, index);
}

/** Starts a fresh, empty database per test. */
export type StoreContractFactory = () => Promise<StoreContractHarness>;

/**
 * The behaviour every `Store` must have. Call inside a test file:
 * `describeStoreContract('SqliteStore', async () => harness)`.
 */
export function describeStoreContract(name: string, factory: StoreContractFactory): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreContractHarness;
    let opened: Store[];
    let store: Store;

    const open = async (options?: { clock?: Clock }): Promise<Store> => {
      const s = await harness.open(options);
      opened.push(s);
      return s;
    };
    const reopen = async (options?: { clock?: Clock }): Promise<Store> => {
      await store.close();
      store = await open(options);
      return store;
    };

    beforeEach(async () => {
      harness = await factory();
      opened = [];
      store = await open({ clock: new ManualClock(T0) });
    });

    const context: ContractContext = {
      store: () => store,
      // Another instance on the same database: a second replica (closed by the suite).
      openAnother: () => open({ clock: new ManualClock(T0) }),
    };

    afterEach(async () => {
      for (const s of opened) {
        await s.close();
      }
      await harness.destroy();
    });

    describe('insertEvents', () => {
      it('stores new events and counts repeats of (source, eventId) as duplicates', async () => {
        const a = event();
        const b = event();
        expect(
          await store.insertEvents([a, b, { ...a, payload: { type: 'webhook', body: 'other' } }]),
        ).toEqual({
          inserted: 2,
          duplicates: 1,
        });
        expect(await store.insertEvents([b, event()])).toEqual({ inserted: 1, duplicates: 1 });
        const pending = await store.pendingEvents(10);
        expect(pending.map((e) => e.eventId)).toHaveLength(3);
        expect(pending[0]!.payload).toEqual(a.payload);
      });

      it('treats the same eventId from another source as a different event', async () => {
        const a = event({ source: 'notifications' });
        expect(await store.insertEvents([a, { ...a, source: 'crm' }])).toEqual({
          inserted: 2,
          duplicates: 0,
        });
      });

      it('accepts an empty batch', async () => {
        expect(await store.insertEvents([])).toEqual({ inserted: 0, duplicates: 0 });
      });

      // Both stores group-commit concurrent calls: each call's result is what it would have been
      // had the calls run one after another in the order they were made.
      it('gives concurrent calls each its own exact result; an event shared by two is new to the earlier', async () => {
        const [a, b, c, d] = [event(), event(), event(), event()];
        const otherC = { ...c, payload: { type: 'webhook' as const, body: 'the later copy' } };
        const nul = event({ eventId: `${uid('evt')}\0x` });
        const escaped = { ...nul, eventId: nul.eventId.replace('\0', '%00') };
        const results = await Promise.all([
          store.insertEvents([a, b]),
          store.insertEvents([b, c]),
          store.insertEvents([]),
          store.insertEvents([otherC, d, d]),
          store.insertEvents([nul, escaped]),
          store.insertEvents([escaped]),
        ]);
        expect(results).toEqual([
          { inserted: 2, duplicates: 0 },
          { inserted: 1, duplicates: 1 },
          { inserted: 0, duplicates: 0 },
          { inserted: 1, duplicates: 2 },
          { inserted: 2, duplicates: 0 },
          { inserted: 0, duplicates: 1 },
        ]);
        const pending = await store.pendingEvents(10);
        expect(pending.map((e) => e.eventId)).toEqual(
          [a, b, c, d, nul, escaped].map((e) => e.eventId),
        );
        expect(pending[2]!.payload).toEqual(c.payload);
      });

      it('answers many concurrent calls exactly, a repeat counted against the later call', async () => {
        const events = Array.from({ length: 300 }, () => event());
        const calls = [...events, ...events.slice(0, 150)].map((e) => store.insertEvents([e]));
        const results = await Promise.all(calls);
        expect(results.slice(0, 300).every((r) => r.inserted === 1)).toBe(true);
        expect(results.slice(300).every((r) => r.duplicates === 1)).toBe(true);
        expect(await store.countPendingEvents()).toBe(300);
      });

      it('fails a call that cannot be stored alone: the calls made with it are stored', async () => {
        // A payload JSON cannot hold makes that call's insert throw.
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        const [good1, bad, good2] = [event(), event(), event()];
        const results = await Promise.allSettled([
          store.insertEvents([good1]),
          store.insertEvents([{ ...bad, payload: { type: 'webhook', body: cyclic } }]),
          store.insertEvents([good2]),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        const failure = (results[1] as PromiseRejectedResult).reason as unknown;
        expect(failure).toBeInstanceOf(StoreError);
        expect(failure).toMatchObject({ code: 'STORE_QUERY_FAILED' });
        expect((await store.pendingEvents(10)).map((e) => e.eventId)).toEqual([
          good1.eventId,
          good2.eventId,
        ]);
        // The failed one was not stored: it is new when sent again.
        expect(await store.insertEvents([bad])).toEqual({ inserted: 1, duplicates: 0 });
      });

      it('stores a call still queued when the store closes, and refuses calls after close', async () => {
        const late = event();
        const queued = store.insertEvents([late]);
        await store.close();
        await expect(queued).resolves.toEqual({ inserted: 1, duplicates: 0 });
        await expect(store.insertEvents([event()])).rejects.toMatchObject({
          code: 'STORE_CLOSED',
        });
        store = await open();
        expect((await store.pendingEvents(10)).map((e) => e.eventId)).toEqual([late.eventId]);
      });
    });

    describe('pendingEvents / markEventsProcessed / pruneEvents', () => {
      it('returns unprocessed events oldest first with ascending seq, up to the limit', async () => {
        const events = [event(), event(), event()];
        await store.insertEvents(events);
        const pending = await store.pendingEvents(2);
        expect(pending.map((e) => e.eventId)).toEqual([events[0]!.eventId, events[1]!.eventId]);
        expect(pending[1]!.seq).toBeGreaterThan(pending[0]!.seq);
        expect(pending[0]).toMatchObject({
          source: 'eventbridge',
          kind: events[0]!.kind,
          receivedAt: T0,
        });
      });

      it('hides processed events from pending but still dedupes them', async () => {
        const [a, b] = [event(), event()];
        await store.insertEvents([a, b]);
        const [first] = await store.pendingEvents(1);
        await store.markEventsProcessed([first!.seq]);
        expect((await store.pendingEvents(10)).map((e) => e.eventId)).toEqual([b.eventId]);
        expect(await store.insertEvents([a])).toEqual({ inserted: 0, duplicates: 1 });
      });

      it('prunes only processed events received before the cutoff', async () => {
        const old = event({ receivedAt: T0 });
        const oldPending = event({ receivedAt: T0 });
        const recent = event({ receivedAt: T0 + 10 * MINUTE });
        await store.insertEvents([old, oldPending, recent]);
        const seqs = (await store.pendingEvents(10)).map((e) => e.seq);
        await store.markEventsProcessed([seqs[0]!, seqs[2]!]);
        expect(await store.pruneEvents(T0 + MINUTE)).toBe(1);
        expect((await store.pendingEvents(10)).map((e) => e.eventId)).toEqual([oldPending.eventId]);
        // Pruned: the dedupe window for it has ended, so it is new again.
        expect(await store.insertEvents([old, recent])).toEqual({ inserted: 1, duplicates: 1 });
      });
    });

    describe('conversations', () => {
      it('round-trips a conversation state and overwrites it on put', async () => {
        const state: ConversationState = {
          conversationId: uid('conv'),
          queueId: 'q1',
          messageType: 'webmessaging',
          participants: [{ id: 'p1', purpose: 'customer', state: 'connected' }],
          lastCustomerMessageAt: T0,
          updatedAt: T0,
          episode: 1,
        };
        expect(await store.getConversation(state.conversationId)).toBeUndefined();
        await store.putConversation(state);
        expect(await store.getConversation(state.conversationId)).toEqual(state);
        const ended = { ...state, endedAt: T0 + MINUTE, updatedAt: T0 + MINUTE };
        await store.putConversation(ended);
        expect(await store.getConversation(state.conversationId)).toEqual(ended);
      });

      it('lists conversations in id order, a page at a time after the last id seen', async () => {
        const prefix = uid('scan');
        const ids = ['c', 'a', 'b'].map((suffix) => `${prefix}-${suffix}`);
        for (const conversationId of ids) {
          await store.putConversation({
            conversationId,
            participants: [],
            updatedAt: T0,
            episode: 1,
          });
        }
        const first = await store.listConversations(`${prefix}-`, 2);
        expect(first.map((s) => s.conversationId)).toEqual([`${prefix}-a`, `${prefix}-b`]);
        const next = await store.listConversations(`${prefix}-b`, 10);
        expect(next[0]?.conversationId).toBe(`${prefix}-c`);
        expect(next.every((s) => s.conversationId > `${prefix}-b`)).toBe(true);
        expect(await store.listConversations('\uffff', 10)).toEqual([]);
      });
    });

    describe('readConversationRecord (state, timers and endings in one read)', () => {
      it('reads nothing stored as no state, no timers, no endings', async () => {
        expect(await store.readConversationRecord(uid('conv'))).toEqual({
          state: undefined,
          timers: [],
          endings: [],
        });
      });

      it('reads what getConversation, listTimers and getEnding read, and only that conversation', async () => {
        const c = uid('conv');
        const other = uid('conv');
        const state: ConversationState = {
          conversationId: c,
          participants: [{ id: 'p1', purpose: 'customer', state: 'connected' }],
          updatedAt: T0,
          episode: 2,
        };
        await store.putConversation(state);
        await store.putConversation({ ...state, conversationId: other });
        await store.upsertTimer(
          { conversationId: c, ruleId: 'zeta', phase: 'close', dueAt: T0 + 5, episode: 2 },
          T0,
        );
        await store.upsertTimer(
          {
            conversationId: c,
            ruleId: 'Alpha',
            phase: 'warn',
            dueAt: T0 + 9,
            episode: 2,
            data: { note: 'x\u0000y' },
          },
          T0,
        );
        await store.upsertTimer(
          { conversationId: other, ruleId: 'b', phase: 'close', dueAt: T0 },
          T0,
        );
        await store.claimEnding({ conversationId: c, episode: 2, ruleId: 'zeta', at: T0 + 1 });
        await store.claimEnding({ conversationId: c, episode: 1, ruleId: 'crm', at: T0 });
        await store.finishEnding(c, 1, 'ended', T0 + 2);
        await store.claimEnding({ conversationId: other, episode: 1, ruleId: 'b', at: T0 });

        const record = await store.readConversationRecord(c);
        expect(record.state).toEqual(state);
        expect(record.timers).toEqual(await store.listTimers(c));
        expect(record.timers.map((t) => t.ruleId)).toEqual(['Alpha', 'zeta']);
        expect(record.endings).toEqual([await store.getEnding(c, 1), await store.getEnding(c, 2)]);
        expect(record.endings.map((e) => [e.episode, e.state])).toEqual([
          [1, 'ended'],
          [2, 'claimed'],
        ]);
      });
    });

    describe('timers', () => {
      const arm = async (
        conversationId: string,
        dueAt: number,
        extra: Partial<Timer> = {},
        now = T0,
      ): Promise<void> => {
        await store.upsertTimer(
          { conversationId, ruleId: 'idle', phase: 'warn', dueAt, ...extra },
          now,
        );
      };

      it('arms a timer with armedAt = now and zero attempts', async () => {
        const c = uid('conv');
        await arm(c, T0 + MINUTE, { data: { webhookId: 'w1' } });
        expect(await store.listTimers(c)).toEqual([
          {
            conversationId: c,
            ruleId: 'idle',
            phase: 'warn',
            dueAt: T0 + MINUTE,
            armedAt: T0,
            attempts: 0,
            data: { webhookId: 'w1' },
            episode: 1,
          },
        ]);
        expect(await store.countTimers()).toBe(1);
      });

      it('re-arms in place: new phase, due time and data; armedAt kept; attempts and lease reset', async () => {
        const c = uid('conv');
        await arm(c, T0, { data: { a: 1 } });
        const [claimed] = await store.claimDueTimers(T0, 10, MINUTE);
        await store.retryTimer(claimed!, T0 + 1);
        await store.upsertTimer(
          { conversationId: c, ruleId: 'idle', phase: 'close', dueAt: T0 + 2 },
          T0 + 2,
        );
        const [timer] = await store.listTimers(c);
        expect(timer).toEqual({
          conversationId: c,
          ruleId: 'idle',
          phase: 'close',
          dueAt: T0 + 2,
          armedAt: T0,
          attempts: 0,
          episode: 1,
        });
        // The lease was cleared: claimable at once, well inside the old lease.
        expect(await store.claimDueTimers(T0 + 2, 10, MINUTE)).toHaveLength(1);
      });

      it('cancels one rule or all timers of a conversation and says how many', async () => {
        const c = uid('conv');
        await arm(c, T0 + MINUTE);
        await arm(c, T0 + MINUTE, { ruleId: 'other' });
        await arm(uid('conv'), T0 + MINUTE);
        expect(await store.cancelTimers(c, 'other')).toBe(1);
        expect(await store.cancelTimers(c, 'missing')).toBe(0);
        expect(await store.cancelTimers(c)).toBe(1);
        expect(await store.listTimers(c)).toEqual([]);
        expect(await store.countTimers()).toBe(1);
      });

      it('claims only due timers, oldest first, up to the limit', async () => {
        const [a, b, c, d] = [uid('conv'), uid('conv'), uid('conv'), uid('conv')];
        await arm(a, T0 + 3);
        await arm(b, T0 + 1);
        await arm(c, T0 + 2);
        await arm(d, T0 + 100);
        expect(await store.claimDueTimers(T0, 10, MINUTE)).toEqual([]);
        const claimed = await store.claimDueTimers(T0 + 3, 2, MINUTE);
        expect(claimed.map((t) => t.conversationId)).toEqual([b, c]);
        const rest = await store.claimDueTimers(T0 + 3, 10, MINUTE);
        expect(rest.map((t) => t.conversationId)).toEqual([a]);
      });

      it('leases a claimed timer: not claimable again until the lease ends', async () => {
        const c = uid('conv');
        await arm(c, T0);
        expect(await store.claimDueTimers(T0, 10, MINUTE)).toHaveLength(1);
        expect(await store.claimDueTimers(T0 + MINUTE - 1, 10, MINUTE)).toEqual([]);
        const again = await store.claimDueTimers(T0 + MINUTE, 10, MINUTE);
        expect(again.map((t) => t.conversationId)).toEqual([c]);
      });

      it('completes the claimed version, removing it', async () => {
        const c = uid('conv');
        await arm(c, T0);
        const [claimed] = await store.claimDueTimers(T0, 10, MINUTE);
        await store.completeTimer(claimed!);
        expect(await store.listTimers(c)).toEqual([]);
      });

      it('does not complete a timer re-armed while it was firing (new due time or phase)', async () => {
        const c = uid('conv');
        await arm(c, T0);
        await arm(c, T0, { ruleId: 'r2' });
        const claimed = await store.claimDueTimers(T0, 10, MINUTE);
        expect(claimed).toHaveLength(2);
        await arm(c, T0 + MINUTE); // idle: new due time
        await arm(c, T0, { ruleId: 'r2', phase: 'close' }); // r2: same due time, new phase
        for (const timer of claimed) {
          await store.completeTimer(timer);
        }
        const left = await store.listTimers(c);
        expect(left.map((t) => [t.ruleId, t.phase, t.dueAt])).toEqual([
          ['idle', 'warn', T0 + MINUTE],
          ['r2', 'close', T0],
        ]);
      });

      it('retries a claimed timer at a later time with attempts + 1 and no lease', async () => {
        const c = uid('conv');
        await arm(c, T0);
        const [claimed] = await store.claimDueTimers(T0, 10, MINUTE);
        await store.retryTimer(claimed!, T0 + 5);
        expect(await store.claimDueTimers(T0 + 4, 10, MINUTE)).toEqual([]);
        const [second] = await store.claimDueTimers(T0 + 5, 10, MINUTE);
        expect(second).toMatchObject({ dueAt: T0 + 5, attempts: 1, armedAt: T0 });
        await store.retryTimer(second!, T0 + 6);
        expect((await store.listTimers(c))[0]).toMatchObject({ dueAt: T0 + 6, attempts: 2 });
      });

      it('releases a claimed timer unfired: claimable again at once, attempts unchanged; a re-armed one is left alone', async () => {
        const c = uid('conv');
        await arm(c, T0);
        const [claimed] = await store.claimDueTimers(T0, 10, MINUTE);
        expect(await store.claimDueTimers(T0 + 1, 10, MINUTE)).toEqual([]);
        await store.releaseTimer(claimed!);
        const [again] = await store.claimDueTimers(T0 + 1, 10, MINUTE);
        expect(again).toMatchObject({ conversationId: c, dueAt: T0, attempts: 0 });
        await arm(c, T0 + 2, { phase: 'close' });
        const [rearmed] = await store.claimDueTimers(T0 + 2, 10, MINUTE);
        await store.releaseTimer(again!); // the older version: no effect on the re-armed one
        expect(await store.claimDueTimers(T0 + 3, 10, MINUTE)).toEqual([]);
        await store.releaseTimer(rearmed!);
        expect(await store.claimDueTimers(T0 + 3, 10, MINUTE)).toHaveLength(1);
      });

      it('ignores a retry of a timer re-armed or cancelled since it was claimed', async () => {
        const c = uid('conv');
        await arm(c, T0);
        const [claimed] = await store.claimDueTimers(T0, 10, MINUTE);
        await arm(c, T0 + MINUTE, { phase: 'close' });
        await store.retryTimer(claimed!, T0 + 5);
        expect(await store.listTimers(c)).toEqual([
          expect.objectContaining({ phase: 'close', dueAt: T0 + MINUTE, attempts: 0 }),
        ]);
        await store.cancelTimers(c);
        await store.retryTimer(claimed!, T0 + 5);
        expect(await store.listTimers(c)).toEqual([]);
      });
    });

    describe('outcomes', () => {
      it('records outcomes with ids and lists them oldest first by since / conversation / limit', async () => {
        const c = uid('conv');
        const first = await store.recordOutcome(
          outcome({ conversationId: c, at: T0, reason: 'idle 20m', details: { sent: 1 } }),
        );
        expect(first).toMatchObject({
          conversationId: c,
          reason: 'idle 20m',
          details: { sent: 1 },
        });
        expect(typeof first.id).toBe('number');
        await store.recordOutcome(outcome({ at: T0 + 1 }));
        await store.recordOutcome(outcome({ conversationId: c, at: T0 + 2, kind: 'skipped' }));
        await store.recordOutcome(outcome({ conversationId: c, at: T0 + 3, kind: 'failed' }));

        const all = await store.listOutcomes({});
        expect(all.map((o) => o.at)).toEqual([T0, T0 + 1, T0 + 2, T0 + 3]);
        expect(all[0]).toEqual(first);
        expect((await store.listOutcomes({ since: T0 + 1 })).map((o) => o.at)).toEqual([
          T0 + 1,
          T0 + 2,
          T0 + 3,
        ]);
        expect((await store.listOutcomes({ conversationId: c })).map((o) => o.kind)).toEqual([
          'warned',
          'skipped',
          'failed',
        ]);
        expect(
          (await store.listOutcomes({ conversationId: c, since: T0 + 2 })).map((o) => o.kind),
        ).toEqual(['skipped', 'failed']);
        expect((await store.listOutcomes({ limit: 2 })).map((o) => o.at)).toEqual([T0, T0 + 1]);
      });

      it('returns at most 100 by default and 1000 at most', async () => {
        for (let i = 0; i < 1005; i += 1) {
          await store.recordOutcome(outcome({ at: T0 + i }));
        }
        expect(await store.listOutcomes({})).toHaveLength(100);
        expect(await store.listOutcomes({ limit: 5000 })).toHaveLength(1000);
      });

      it('records the close reason code and event reason top-level, and lists by code', async () => {
        const c = uid('conv');
        const crm = await store.recordOutcome(
          outcome({
            conversationId: c,
            ruleId: 'crm',
            kind: 'terminated',
            reasonCode: 'crm-event',
            eventReason: 'resolved',
          }),
        );
        await store.recordOutcome(
          outcome({ conversationId: c, at: T0 + 1, reasonCode: 'idle-any' }),
        );
        await store.recordOutcome(outcome({ at: T0 + 2, reasonCode: 'crm-event' }));
        await store.recordOutcome(outcome({ at: T0 + 3 }));
        expect(crm).toMatchObject({ reasonCode: 'crm-event', eventReason: 'resolved' });
        expect((await store.listOutcomes({ conversationId: c }))[0]).toEqual(crm);
        const codes = async (query: OutcomeQuery) =>
          (await store.listOutcomes(query)).map((o) => [o.at - T0, o.reasonCode ?? null]);
        expect(await codes({})).toEqual([
          [0, 'crm-event'],
          [1, 'idle-any'],
          [2, 'crm-event'],
          [3, null],
        ]);
        expect(await codes({ reasonCode: 'crm-event' })).toEqual([
          [0, 'crm-event'],
          [2, 'crm-event'],
        ]);
        expect(await codes({ reasonCode: 'crm-event', since: T0 + 1 })).toEqual([[2, 'crm-event']]);
        expect(await codes({ reasonCode: 'idle-any', conversationId: c })).toEqual([
          [1, 'idle-any'],
        ]);
        expect(await codes({ reasonCode: 'idle-any', conversationId: c, since: T0 + 2 })).toEqual(
          [],
        );
        expect(await codes({ reasonCode: 'not-found' })).toEqual([]);
      });

      it('reads the reasons of a row an older closer wrote (in details only) from its details', async () => {
        await harness.exec(
          `INSERT INTO outcomes (conversation_id, rule_id, kind, details, at, episode)
           VALUES ('older-replica', 'crm', 'terminated',
             '{"reasonCode":"crm-event","eventReason":"resolved","source":"crm"}', ${T0}, 1)`,
        );
        expect(await store.listOutcomes({ conversationId: 'older-replica' })).toEqual([
          expect.objectContaining({
            reasonCode: 'crm-event',
            eventReason: 'resolved',
            details: { reasonCode: 'crm-event', eventReason: 'resolved', source: 'crm' },
          }),
        ]);
      });

      it('records the episode of an outcome (default 1)', async () => {
        const c = uid('conv');
        await store.recordOutcome(outcome({ conversationId: c, kind: 'terminated' }));
        await store.recordOutcome(outcome({ conversationId: c, kind: 'terminated', episode: 2 }));
        expect((await store.listOutcomes({ conversationId: c })).map((o) => o.episode)).toEqual([
          1, 2,
        ]);
      });
    });

    describe('endings (one per conversation episode)', () => {
      it('gives the ending of an episode to the first claim only, and names the holder', async () => {
        const c = uid('conv');
        const first = await store.claimEnding({
          conversationId: c,
          episode: 1,
          ruleId: 'idle',
          at: T0,
        });
        expect(first).toMatchObject({ claimed: true, resumed: false });
        const second = await store.claimEnding({
          conversationId: c,
          episode: 1,
          ruleId: 'crm',
          at: T0 + 1,
        });
        expect(second).toEqual({
          claimed: false,
          ending: {
            conversationId: c,
            episode: 1,
            ruleId: 'idle',
            state: 'claimed',
            claimedAt: T0,
          },
        });
        // Another episode of the same conversation is a new ending.
        expect(
          await store.claimEnding({ conversationId: c, episode: 2, ruleId: 'crm', at: T0 + 2 }),
        ).toMatchObject({ claimed: true });
      });

      it('resumes an unfinished claim of the same rule with its message intent', async () => {
        const c = uid('conv');
        await store.claimEnding({ conversationId: c, episode: 1, ruleId: 'idle', at: T0 });
        await store.markEndingMessage(c, 1, T0 + 5);
        expect(
          await store.claimEnding({ conversationId: c, episode: 1, ruleId: 'idle', at: T0 + 9 }),
        ).toEqual({
          claimed: true,
          resumed: true,
          ending: {
            conversationId: c,
            episode: 1,
            ruleId: 'idle',
            state: 'claimed',
            claimedAt: T0,
            messageIntentAt: T0 + 5,
          },
        });
      });

      it('keeps an ended claim for good and frees a released one', async () => {
        const c = uid('conv');
        await store.claimEnding({ conversationId: c, episode: 1, ruleId: 'idle', at: T0 });
        await store.finishEnding(c, 1, 'ended', T0 + 3);
        expect(await store.getEnding(c, 1)).toMatchObject({ state: 'ended', finishedAt: T0 + 3 });
        // Neither another rule nor the same one can claim an ended episode.
        expect(
          await store.claimEnding({ conversationId: c, episode: 1, ruleId: 'idle', at: T0 + 4 }),
        ).toMatchObject({ claimed: false });
        // A released claim (a failed ending) lets the next attempt claim it.
        const d = uid('conv');
        await store.claimEnding({ conversationId: d, episode: 1, ruleId: 'idle', at: T0 });
        await store.markEndingMessage(d, 1, T0 + 1);
        await store.finishEnding(d, 1, 'released', T0 + 1);
        expect(await store.getEnding(d, 1)).toMatchObject({ state: 'released', ruleId: 'idle' });
        // Any rule takes a released claim over, and learns that a closing message may be out.
        expect(
          await store.claimEnding({ conversationId: d, episode: 1, ruleId: 'crm', at: T0 + 2 }),
        ).toMatchObject({
          claimed: true,
          resumed: false,
          ending: { ruleId: 'crm', state: 'claimed', claimedAt: T0 + 2, messageIntentAt: T0 + 1 },
        });
      });

      it("holds and releases a rule's closing messages", async () => {
        const rule = uid('rule');
        expect(await store.closingMessageHold(rule)).toBeUndefined();
        await store.holdClosingMessages(rule, T0, 'GENESYS_FORBIDDEN');
        await store.holdClosingMessages(rule, T0 + 1, 'again');
        expect(await store.closingMessageHold(rule)).toEqual({
          since: T0,
          reason: 'GENESYS_FORBIDDEN',
        });
        await store.releaseClosingMessages(rule);
        expect(await store.closingMessageHold(rule)).toBeUndefined();
      });
    });

    describe('commit (one transaction)', () => {
      it('writes state, timers and outcomes together and returns the outcomes with ids', async () => {
        const c = uid('conv');
        await store.upsertTimer(
          { conversationId: c, ruleId: 'old', phase: 'close', dueAt: T0 },
          T0,
        );
        const recorded = await store.commit({
          now: T0,
          conversation: {
            conversationId: c,
            apply: (current) => ({
              conversationId: c,
              participants: [],
              updatedAt: T0,
              episode: (current?.episode ?? 1) + 1,
            }),
          },
          cancelTimers: [{ conversationId: c, ruleId: 'old' }],
          upsertTimers: [
            { conversationId: c, ruleId: 'idle', phase: 'warn', dueAt: T0 + 10, episode: 2 },
          ],
          outcomes: [outcome({ conversationId: c, kind: 'warned', episode: 2 })],
        });
        expect(recorded).toHaveLength(1);
        expect(recorded[0]?.id).toEqual(expect.any(Number));
        expect((await store.getConversation(c))?.episode).toBe(2);
        expect((await store.listTimers(c)).map((t) => [t.ruleId, t.episode])).toEqual([
          ['idle', 2],
        ]);
      });

      it('writes nothing when any part fails', async () => {
        const c = uid('conv');
        const bad = store.commit({
          now: T0,
          conversation: {
            conversationId: c,
            apply: () => ({ conversationId: c, participants: [], updatedAt: T0, episode: 1 }),
          },
          // An invalid phase violates the timers CHECK constraint after the state was written.
          upsertTimers: [
            { conversationId: c, ruleId: 'idle', phase: 'bogus' as 'warn', dueAt: T0 },
          ],
        });
        await expect(bad).rejects.toBeInstanceOf(StoreError);
        expect(await store.getConversation(c)).toBeUndefined();
      });

      it('given a plan from a state written over since, folds the update into the stored state', async () => {
        const c = uid('conv');
        const base = { conversationId: c, participants: [], updatedAt: T0, episode: 1 };
        await store.commit({ now: T0, conversation: { conversationId: c, apply: () => base } });
        const read = await store.getConversation(c);
        // Another writer (a firing) moves the state on after this read.
        await store.commit({
          now: T0,
          conversation: {
            conversationId: c,
            apply: (current) => current && { ...current, episode: 5 },
          },
        });
        const bump = (current: ConversationState | undefined): ConversationState | undefined =>
          current && { ...current, updatedAt: current.updatedAt + 1 };
        await store.commit({
          now: T0,
          conversation: {
            conversationId: c,
            apply: bump,
            planned: { from: read, to: { ...base, updatedAt: T0 + 1 } },
          },
        });
        expect(await store.getConversation(c)).toMatchObject({ episode: 5, updatedAt: T0 + 1 });
      });

      const reads = [
        ['getConversation', (c: string) => store.getConversation(c)],
        [
          'readConversationRecord',
          async (c: string) => (await store.readConversationRecord(c)).state,
        ],
      ] as const;
      it.each(reads)(
        'given a plan from the stored state (read by %s), writes what was planned',
        async (_how, readState) => {
          const c = uid('conv');
          const base = { conversationId: c, participants: [], updatedAt: T0, episode: 1 };
          await store.commit({ now: T0, conversation: { conversationId: c, apply: () => base } });
          const read = await readState(c);
          // Not what the fold would give (episode 1): shows the plan was written, not folded again.
          const planned = { ...base, updatedAt: T0 + 7, episode: 2 };
          await store.commit({
            now: T0,
            conversation: {
              conversationId: c,
              apply: (current) => current && { ...current, updatedAt: T0 + 7 },
              planned: { from: read, to: planned },
            },
          });
          expect(await store.getConversation(c)).toEqual(planned);
        },
      );

      it('given a plan for a new conversation another writer stored first, folds into that one', async () => {
        const c = uid('conv');
        const read = await store.getConversation(c);
        expect(read).toBeUndefined();
        await store.commit({
          now: T0,
          conversation: {
            conversationId: c,
            apply: () => ({ conversationId: c, participants: [], updatedAt: T0, episode: 3 }),
          },
        });
        await store.commit({
          now: T0,
          conversation: {
            conversationId: c,
            apply: (current) => current && { ...current, updatedAt: current.updatedAt + 1 },
            planned: {
              from: undefined,
              to: { conversationId: c, participants: [], updatedAt: T0 + 9, episode: 1 },
            },
          },
        });
        expect(await store.getConversation(c)).toMatchObject({ episode: 3, updatedAt: T0 + 1 });
      });

      it('a plan with its timers: both written, and neither when the plan is folded', async () => {
        const c = uid('conv');
        const base = { conversationId: c, participants: [], updatedAt: T0, episode: 1 };
        await store.putConversation(base);
        await store.upsertTimer(
          { conversationId: c, ruleId: 'idle', phase: 'warn', dueAt: T0 + MINUTE },
          T0 - 5,
        );
        const read = await store.getConversation(c);
        const arm = (dueAt: number) => [
          {
            conversationId: c,
            ruleId: 'idle',
            phase: 'close' as const,
            dueAt,
            episode: 1,
            data: { n: dueAt },
          },
          {
            conversationId: c,
            ruleId: 'max',
            phase: 'close' as const,
            dueAt: dueAt + 1,
            episode: 1,
          },
        ];
        await store.commit({
          now: T0,
          conversation: {
            conversationId: c,
            apply: (current) => current && { ...current, updatedAt: T0 + 1 },
            planned: {
              from: read,
              to: { ...base, updatedAt: T0 + 1, episode: 1, queueId: 'planned' },
            },
          },
          upsertTimers: arm(T0 + 10 * MINUTE),
        });
        expect(await store.getConversation(c)).toMatchObject({
          queueId: 'planned',
          updatedAt: T0 + 1,
        });
        expect(
          (await store.listTimers(c)).map((t) => [t.ruleId, t.phase, t.dueAt, t.armedAt, t.data]),
        ).toEqual([
          // Re-armed: first armed at T0 - 5, kept in the same episode.
          ['idle', 'close', T0 + 10 * MINUTE, T0 - 5, { n: T0 + 10 * MINUTE }],
          ['max', 'close', T0 + 10 * MINUTE + 1, T0, undefined],
        ]);
        // The same plan again: the stored state moved on, so it is folded, timers written too.
        await store.commit({
          now: T0 + 2,
          conversation: {
            conversationId: c,
            apply: (current) => current && { ...current, updatedAt: current.updatedAt + 1 },
            planned: { from: read, to: { ...base, updatedAt: T0 + 1, queueId: 'stale' } },
          },
          upsertTimers: arm(T0 + 20 * MINUTE),
        });
        expect(await store.getConversation(c)).toMatchObject({
          queueId: 'planned',
          updatedAt: T0 + 2,
        });
        expect((await store.listTimers(c)).map((t) => [t.ruleId, t.dueAt])).toEqual([
          ['idle', T0 + 20 * MINUTE],
          ['max', T0 + 20 * MINUTE + 1],
        ]);
      });

      it('a plan for a new conversation with its timer, when another writer stored it first', async () => {
        const c = uid('conv');
        const fresh = { conversationId: c, participants: [], updatedAt: T0, episode: 1 };
        const planAndArm = (queueId: string) =>
          store.commit({
            now: T0,
            conversation: {
              conversationId: c,
              apply: (current) => ({ ...(current ?? fresh), queueId }),
              planned: { from: undefined, to: { ...fresh, queueId } },
            },
            upsertTimers: [
              { conversationId: c, ruleId: 'idle', phase: 'close', dueAt: T0 + MINUTE },
            ],
          });
        await planAndArm('first');
        expect(await store.getConversation(c)).toEqual({ ...fresh, queueId: 'first' });
        await store.putConversation({ ...fresh, episode: 3 });
        await planAndArm('second');
        // Folded into the stored episode 3, not the plan's episode 1.
        expect(await store.getConversation(c)).toEqual({ ...fresh, episode: 3, queueId: 'second' });
        expect((await store.listTimers(c)).map((t) => t.ruleId)).toEqual(['idle']);
      });

      it('a plan with more to write (a cancel, an outcome) is written as planned too', async () => {
        const c = uid('conv');
        const base = { conversationId: c, participants: [], updatedAt: T0, episode: 1 };
        await store.putConversation(base);
        await store.upsertTimer(
          { conversationId: c, ruleId: 'idle', phase: 'warn', dueAt: T0 + MINUTE },
          T0,
        );
        const read = await store.getConversation(c);
        const recorded = await store.commit({
          now: T0,
          conversation: {
            conversationId: c,
            apply: (current) => current && { ...current, updatedAt: T0 + 4 },
            // Not what the fold gives: shows the plan was written.
            planned: { from: read, to: { ...base, updatedAt: T0 + 4, queueId: 'planned' } },
          },
          cancelTimers: [{ conversationId: c, ruleId: 'idle' }],
          outcomes: [outcome({ conversationId: c, kind: 'skipped', reason: 'planned' })],
        });
        expect(recorded.map((o) => o.reason)).toEqual(['planned']);
        expect(await store.getConversation(c)).toMatchObject({
          queueId: 'planned',
          updatedAt: T0 + 4,
        });
        expect(await store.listTimers(c)).toEqual([]);
      });

      it('two commits planned from one read at once: the second folds into the first', async () => {
        const c = uid('conv');
        const base = { conversationId: c, participants: [], updatedAt: T0, episode: 1 };
        await store.commit({ now: T0, conversation: { conversationId: c, apply: () => base } });
        const read = await store.getConversation(c);
        const bump = (current: ConversationState | undefined): ConversationState | undefined =>
          current && { ...current, updatedAt: current.updatedAt + 1 };
        const plannedBump = () =>
          store.commit({
            now: T0,
            conversation: {
              conversationId: c,
              apply: bump,
              planned: { from: read, to: { ...base, updatedAt: T0 + 1 } },
            },
          });
        await Promise.all([plannedBump(), plannedBump()]);
        expect(await store.getConversation(c)).toMatchObject({ updatedAt: T0 + 2 });
      });

      it('commits calls made together each on its own: results in order, a refused one alone', async () => {
        const c = uid('conv');
        const ended = (id: string) =>
          outcome({ conversationId: id, kind: 'terminated', episode: 1 });
        const results = await Promise.allSettled([
          store.commit({ now: T0, outcomes: [ended(c)] }),
          store.commit({ now: T0, outcomes: [ended(c)] }),
          store.commit({
            now: T0,
            upsertTimers: [{ conversationId: c, ruleId: 'idle', phase: 'close', dueAt: T0 + 1 }],
          }),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
          code: 'STORE_ALREADY_ENDED',
        });
        expect((await store.listOutcomes({ conversationId: c, limit: 10 })).length).toBe(1);
        expect((await store.listTimers(c)).map((t) => t.ruleId)).toEqual(['idle']);
      });

      it('commits made together for several conversations: each call gets its own outcomes', async () => {
        const ids = ['zz', 'aa', 'mm'].map((suffix) => uid(`conv-${suffix}`));
        const results = await Promise.all(
          ids.map((conversationId) =>
            store.commit({
              now: T0,
              conversation: {
                conversationId,
                apply: () => ({ conversationId, participants: [], updatedAt: T0, episode: 1 }),
              },
              outcomes: [outcome({ conversationId, kind: 'skipped', reason: conversationId })],
            }),
          ),
        );
        expect(results.map((recorded) => recorded.map((o) => o.conversationId))).toEqual(
          ids.map((id) => [id]),
        );
        for (const id of ids) {
          expect((await store.getConversation(id))?.conversationId).toBe(id);
        }
      });

      it('makes a commit still queued when the store closes', async () => {
        const c = uid('conv');
        const queued = store.commit({
          now: T0,
          conversation: {
            conversationId: c,
            apply: () => ({ conversationId: c, participants: [], updatedAt: T0, episode: 7 }),
          },
        });
        await store.close();
        await expect(queued).resolves.toEqual([]);
        store = await open();
        expect((await store.getConversation(c))?.episode).toBe(7);
      });

      it('re-arming a timer into a new episode restarts armedAt', async () => {
        const c = uid('conv');
        await store.upsertTimer(
          { conversationId: c, ruleId: 'idle', phase: 'close', dueAt: T0 },
          T0,
        );
        await store.upsertTimer(
          { conversationId: c, ruleId: 'idle', phase: 'close', dueAt: T0 + 5 },
          T0 + 1,
        );
        expect((await store.listTimers(c))[0]?.armedAt).toBe(T0);
        await store.upsertTimer(
          { conversationId: c, ruleId: 'idle', phase: 'close', dueAt: T0 + 9, episode: 2 },
          T0 + 7,
        );
        expect((await store.listTimers(c))[0]).toMatchObject({ armedAt: T0 + 7, episode: 2 });
      });
    });

    describe('unmatched deliveries and the backlog', () => {
      it('keeps an unmatched delivery with its verdicts in the commit, lists newest first, prunes by age', async () => {
        const verdicts = [
          { ruleId: 'crm-closed', verdict: 'not-matched', reason: 'type: wanted ticket.closed' },
        ];
        await store.commit({
          now: T0,
          unmatched: { source: 'crm', eventId: 'd1', receivedAt: T0, recordedAt: T0, verdicts },
        });
        await store.commit({
          now: T0 + MINUTE,
          unmatched: {
            source: 'eventbridge',
            eventId: 'd2',
            conversationId: 'c-9',
            receivedAt: T0 + MINUTE,
            recordedAt: T0 + MINUTE,
            verdicts: [],
          },
        });
        const listed = await store.listUnmatchedDeliveries({ limit: 10 });
        expect(listed.map((d) => d.eventId)).toEqual(['d2', 'd1']);
        expect(listed[1]).toMatchObject({ source: 'crm', receivedAt: T0, verdicts });
        expect(listed[1]?.conversationId).toBeUndefined();
        expect(listed[0]?.conversationId).toBe('c-9');
        expect(
          (await store.listUnmatchedDeliveries({ since: T0 + 1, limit: 10 })).map((d) => d.eventId),
        ).toEqual(['d2']);
        expect(await store.listUnmatchedDeliveries({ limit: 1 })).toHaveLength(1);
        expect(await store.pruneUnmatchedDeliveries(T0 + 1)).toBe(1);
        expect((await store.listUnmatchedDeliveries({ limit: 10 })).map((d) => d.eventId)).toEqual([
          'd2',
        ]);
      });

      it('counts pending events, acknowledged ones included', async () => {
        const before = await store.countPendingEvents();
        await store.insertEvents([event(), event()]);
        expect(await store.countPendingEvents()).toBe(before + 2);
        const pending = await store.pendingEvents(100);
        await store.markEventsProcessed(pending.map((e) => e.seq));
        expect(await store.countPendingEvents()).toBe(0);
      });
    });

    describe('durability', () => {
      it('keeps events, conversations, timers and outcomes across close and reopen', async () => {
        const c = uid('conv');
        const e = event();
        await store.insertEvents([e]);
        await store.putConversation({
          conversationId: c,
          participants: [],
          updatedAt: T0,
          episode: 1,
        });
        await store.upsertTimer(
          { conversationId: c, ruleId: 'idle', phase: 'close', dueAt: T0 },
          T0,
        );
        await store.recordOutcome(outcome({ conversationId: c, kind: 'terminated' }));
        await store.claimEnding({ conversationId: c, episode: 1, ruleId: 'idle', at: T0 });

        const reopened = await reopen();
        expect((await reopened.pendingEvents(10)).map((x) => x.eventId)).toEqual([e.eventId]);
        expect(await reopened.insertEvents([e])).toEqual({ inserted: 0, duplicates: 1 });
        expect(await reopened.getConversation(c)).toEqual({
          conversationId: c,
          participants: [],
          updatedAt: T0,
          episode: 1,
        });
        expect(await reopened.listTimers(c)).toHaveLength(1);
        expect(await reopened.getEnding(c, 1)).toMatchObject({ ruleId: 'idle', state: 'claimed' });
      });

      it('rejects use after close with STORE_CLOSED; close twice is fine', async () => {
        await store.ping();
        await store.close();
        await store.close();
        await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
        await expect(store.countTimers()).rejects.toBeInstanceOf(StoreError);
      });
    });

    describeClaimContract(context);
    describeAuditContract(context);
    describeConcurrencyContract(context);
    describeHostileInputContract(context);

    describe('migrations', () => {
      it('records versions 1..n in the ledger and applies nothing on reopen', async () => {
        const ledger = await harness.ledger();
        expect(ledger.length).toBeGreaterThan(0);
        expect(ledger.map((row) => row.version)).toEqual(ledger.map((_, i) => i + 1));
        expect(ledger.every((row) => row.appliedAt === T0)).toBe(true);
        await reopen({ clock: new ManualClock(T0 + 3_600_000) });
        await store.migrate();
        expect(await harness.ledger()).toEqual(ledger);
      });

      it('keeps and reads the reasons of outcomes recorded before they had columns', async () => {
        const older = await factory();
        try {
          await older.migrateBefore('outcome-reasons');
          // As closer kept them then: the code (and an event's reason) in details only; one
          // details with an escaped NUL, which PostgreSQL's JSON functions refuse.
          await older.exec(
            `INSERT INTO outcomes (conversation_id, rule_id, kind, reason, details, at, episode)
             VALUES
               ('old-crm', 'crm', 'terminated', NULL,
                 '{"reasonCode":"crm-event","eventReason":"resolved"}', ${T0}, 1),
               ('old-nul', 'idle', 'warned', NULL,
                 '{"reasonCode":"idle-customer","note":"a\\u0000b"}', ${T0 + 1}, 1),
               ('old-odd', 'idle', 'warned', NULL,
                 '{"reasonCode":"no-such-code","eventReason":7}', ${T0 + 2}, 1),
               ('old-none', 'idle', 'skipped', 'before close reasons', NULL, ${T0 + 3}, 1)`,
          );
          const migrated = await older.open({ clock: new ManualClock(T0) });
          try {
            const read = await migrated.listOutcomes({});
            expect(read.map((o) => [o.conversationId, o.reasonCode, o.eventReason])).toEqual([
              ['old-crm', 'crm-event', 'resolved'],
              ['old-nul', 'idle-customer', undefined],
              ['old-odd', undefined, undefined],
              ['old-none', undefined, undefined],
            ]);
            expect(read[1]?.details).toEqual({ reasonCode: 'idle-customer', note: 'a\u0000b' });
            // Filled in by the migration, so the listing by code finds it.
            expect(
              (await migrated.listOutcomes({ reasonCode: 'crm-event' })).map(
                (o) => o.conversationId,
              ),
            ).toEqual(['old-crm']);
          } finally {
            await migrated.close();
          }
        } finally {
          await older.destroy();
        }
      });

      it('refuses a database migrated by a newer closer, saying what it found', async () => {
        await store.close();
        await harness.addFutureMigration(9999);
        const opening = harness.open();
        await expect(opening).rejects.toMatchObject({ code: 'STORE_SCHEMA_TOO_NEW' });
        await expect(opening).rejects.toThrow(/9999/);
      });
    });
  });
}

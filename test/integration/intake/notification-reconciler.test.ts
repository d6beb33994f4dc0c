import { NotificationReconciler } from '../../../src/intake';
import { readInboxPayload } from '../../../src/inbox';
import { silentLogger } from '../../../src/observability/logger';
import { DEFAULT_QUEUE_ID } from '../../../src/simulator';
import type { Store } from '../../../src/store';
import { ManualClock } from '../../../src/timers/clock';
import { startTestSimulator, type TestSimulator } from '../../helpers/simulator';
import { withSqliteStore } from '../../helpers/sqlite';
import { clientFor } from '../genesys/support';

/** The reconciler against the simulator over real HTTP and a real SQLite inbox. */
describe('NotificationReconciler', () => {
  let t: TestSimulator;

  beforeEach(async () => {
    t = await startTestSimulator();
  });

  afterEach(async () => {
    await t.sim.close();
  });

  async function run(
    fn: (reconciler: NotificationReconciler, store: Store) => Promise<void>,
  ): Promise<void> {
    const client = clientFor(t);
    try {
      await withSqliteStore(async (store) => {
        const reconciler = new NotificationReconciler({
          genesys: client,
          store,
          queueIds: [DEFAULT_QUEUE_ID],
          clock: new ManualClock(Date.now()),
          logger: silentLogger,
        });
        await fn(reconciler, store);
      });
    } finally {
      await client.close();
    }
  }

  it('reads the active conversations closer does not know into the inbox, as queue snapshots', async () => {
    const waiting = t.sim.createConversation({ phase: 'queue' });
    const talking = t.sim.createConversation();
    t.sim.createConversation({ phase: 'flow' }); // in a bot flow: in no queue, not listed
    await run(async (reconciler, store) => {
      const report = await reconciler.reconcile(undefined);
      expect(report).toEqual({ listed: 2, read: 2, truncated: false });
      const events = await store.pendingEvents(10);
      expect(events.map((e) => e.source)).toEqual(['notifications', 'notifications']);
      const ids = events.map((e) => {
        const payload = readInboxPayload(e.source, e.payload);
        return payload?.type === 'genesys' ? payload.eventBody.id : undefined;
      });
      expect(new Set(ids)).toEqual(new Set([waiting.id, talking.id]));
      expect(events[0]?.kind).toBe(`v2.routing.queues.${DEFAULT_QUEUE_ID}.conversations.messages`);
    });
  });

  it('the safety net reads only unknown conversations; after a gap, also those silent since it began', async () => {
    const known = t.sim.createConversation();
    t.sim.createConversation(); // unknown to closer
    await run(async (reconciler, store) => {
      await store.putConversation({
        conversationId: known.id,
        participants: [],
        updatedAt: 1_000,
        episode: 1,
      });
      expect(await reconciler.reconcile('unknown-only')).toMatchObject({ listed: 2, read: 1 });
      // A gap that began after the known conversation's last event: it is read too.
      expect(await reconciler.reconcile(5_000)).toMatchObject({ listed: 2, read: 2 });
      // A gap that began before it: the known conversation was heard from since.
      expect(await reconciler.reconcile(500)).toMatchObject({ read: 1 });
    });
  });

  it('a gap reported during a run is not swallowed: it runs right after, with its own scope', async () => {
    const known = t.sim.createConversation();
    await run(async (reconciler, store) => {
      await store.putConversation({
        conversationId: known.id,
        participants: [],
        updatedAt: 1_000,
        episode: 1,
      });
      t.sim.setLatency(100);
      const periodic = reconciler.reconcile('unknown-only');
      const gap = reconciler.reconcile(5_000);
      expect(await periodic).toMatchObject({ read: 0 });
      expect(await gap).toMatchObject({ listed: 1, read: 1 });
      t.sim.setLatency(0);
    });
  });

  it('a failed reconciliation stays owed, and the next run covers its gap', async () => {
    const known = t.sim.createConversation();
    await run(async (reconciler, store) => {
      await store.putConversation({
        conversationId: known.id,
        participants: [],
        updatedAt: 1_000,
        episode: 1,
      });
      t.sim.injectFaults([
        {
          method: 'POST',
          path: '/api/v2/analytics/conversations/activity/query',
          fault: 'error-before',
          status: 500,
          times: 20,
        },
      ]);
      await expect(reconciler.reconcile(5_000)).rejects.toMatchObject({
        code: 'GENESYS_UNAVAILABLE',
      });
      expect(reconciler.owes()).toBe(true);
      t.sim.clearFaults();
      // Even the safety net's narrow run covers the owed gap: the known chat is read.
      expect(await reconciler.reconcile('unknown-only')).toMatchObject({ read: 1 });
      expect(reconciler.owes()).toBe(false);
    });
  });

  it('reports a list Genesys truncated', async () => {
    t.sim.setActivityQueryLimit(1);
    t.sim.createConversation();
    t.sim.createConversation();
    t.sim.createConversation();
    await run(async (reconciler) => {
      const report = await reconciler.reconcile(undefined);
      expect(report.truncated).toBe(true);
      expect(report.listed).toBeLessThan(3);
    });
  });

  it('needs analytics:queueObservation:view, and says so', async () => {
    const limited = await startTestSimulator({
      permissions: ['conversation:communication:view'],
    });
    const client = clientFor(limited);
    try {
      await withSqliteStore(async (store) => {
        const reconciler = new NotificationReconciler({
          genesys: client,
          store,
          queueIds: [DEFAULT_QUEUE_ID],
          clock: new ManualClock(Date.now()),
          logger: silentLogger,
        });
        await expect(reconciler.reconcile(undefined)).rejects.toMatchObject({
          code: 'GENESYS_FORBIDDEN',
          missingPermissions: ['analytics:queueObservation:view'],
        });
      });
    } finally {
      await client.close();
      await limited.sim.close();
    }
  });
});

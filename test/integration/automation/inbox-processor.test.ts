import { InboxProcessor } from '../../../src/automation';
import { sideBySide } from '../../../src/automation/inbox-processor';
import type { InboxHandler } from '../../../src/automation';
import { silentLogger } from '../../../src/observability/logger';
import { StoreError, type InboxEventInput, type Store } from '../../../src/store';
import { ManualClock } from '../../../src/timers/clock';
import { withSqliteStore } from '../../helpers/sqlite';

const T0 = Date.UTC(2026, 0, 1);

function webhookEvent(eventId: string): InboxEventInput {
  return {
    source: 'crm',
    eventId,
    kind: 'webhook',
    payload: { type: 'webhook', body: { id: eventId } },
    receivedAt: T0,
  };
}

/** An executor that records webhook ids and fails as told. */
function recordingExecutor(fail: (eventId: string) => Error | undefined): {
  executor: InboxHandler;
  seen: string[];
} {
  const seen: string[] = [];
  const executor = {
    handleWebhook: (event: { eventId: string }) => {
      seen.push(event.eventId);
      const error = fail(event.eventId);
      return error === undefined ? Promise.resolve(false) : Promise.reject(error);
    },
    handleNotification: () => Promise.resolve(false),
  } as unknown as InboxHandler;
  return { executor, seen };
}

/** A Genesys detail event of `conversationId` (its order key), told apart by `eventId`. */
function notificationEvent(conversationId: string, eventId: string): InboxEventInput {
  return {
    source: 'eventbridge',
    eventId,
    kind: 'genesys',
    payload: {
      type: 'genesys',
      topicName: `v2.detail.events.conversation.${conversationId}.customer.start`,
      eventBody: { conversationId, eventTime: T0 },
    },
    receivedAt: T0,
  };
}

/**
 * An executor whose notifications each take `delayMs` (`during` runs as one starts), counting how
 * many run at once and logging each one's start and end.
 */
function overlapExecutor(delayMs: number, during: () => void = () => undefined) {
  const log: string[] = [];
  let running = 0;
  const seen = { mostAtOnce: 0 };
  const executor = {
    handleWebhook: () => Promise.resolve(false),
    handleNotification: async (_n: unknown, delivery: { eventId: string }) => {
      running += 1;
      seen.mostAtOnce = Math.max(seen.mostAtOnce, running);
      log.push(`start ${delivery.eventId}`);
      during();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      log.push(`end ${delivery.eventId}`);
      running -= 1;
      return false;
    },
  } as unknown as InboxHandler;
  return { executor, log, seen };
}

/** An inbox processor on `store` with the injected clock at T0. */
function processorFor(
  store: Store,
  executor: InboxHandler,
  options: { concurrency?: number } = {},
): InboxProcessor {
  return new InboxProcessor({
    store,
    handler: executor,
    logger: silentLogger,
    clock: new ManualClock(T0),
    ...options,
  });
}

describe('sideBySide', () => {
  const read = (key: string | undefined, id: string) => ({ key, id });
  const ids = (groups: Array<Array<{ id: string }>>) => groups.map((g) => g.map((r) => r.id));

  it('starts a new group at a conversation already in the group, at a keyless event, and at the size', () => {
    const reads = [
      read('a', 'a1'),
      read('b', 'b1'),
      read('a', 'a2'),
      read('c', 'c1'),
      read(undefined, 'w1'),
      read('d', 'd1'),
      read('e', 'e1'),
      read('f', 'f1'),
    ];
    expect(ids(sideBySide(reads, 2))).toEqual([
      ['a1', 'b1'],
      ['a2', 'c1'],
      ['w1'],
      ['d1', 'e1'],
      ['f1'],
    ]);
    expect(ids(sideBySide(reads, 32))).toEqual([
      ['a1', 'b1'],
      ['a2', 'c1'],
      ['w1'],
      ['d1', 'e1', 'f1'],
    ]);
    expect(sideBySide([], 32)).toEqual([]);
  });
});

describe('InboxProcessor', () => {
  it("handles different conversations' events side by side and one conversation's in order", async () => {
    await withSqliteStore(async (store) => {
      await store.insertEvents([
        notificationEvent('conv-a', 'a1'),
        notificationEvent('conv-b', 'b1'),
        notificationEvent('conv-a', 'a2'),
        notificationEvent('conv-c', 'c1'),
        notificationEvent('conv-a', 'a3'),
      ]);
      const { executor, log, seen } = overlapExecutor(5);
      expect(await processorFor(store, executor).drain()).toBe(5);
      expect(seen.mostAtOnce).toBe(2);
      // Each event of conv-a starts only after the previous one ended.
      for (const [earlier, later] of [
        ['a1', 'a2'],
        ['a2', 'a3'],
      ] as const) {
        expect(log.indexOf(`end ${earlier}`)).toBeLessThan(log.indexOf(`start ${later}`));
      }
      expect(log.indexOf(`start b1`)).toBeLessThan(log.indexOf(`end a1`));
      expect(await store.pendingEvents(10)).toEqual([]);
    });
  });

  it('while intake requests keep arriving, handles at most 4 events side by side', async () => {
    await withSqliteStore(async (store) => {
      const ids = Array.from({ length: 12 }, (_, i) => `busy-${i}`);
      await store.insertEvents(ids.map((c) => notificationEvent(c, c)));
      let intake = true;
      const holder: { processor?: InboxProcessor } = {};
      const { executor, seen } = overlapExecutor(2, () => {
        if (intake) {
          // An intake request accepted meanwhile, as the intake route signals it.
          holder.processor?.drainInBackground(() => undefined);
        }
      });
      const processor = processorFor(store, executor);
      holder.processor = processor;
      processor.drainInBackground(() => undefined);
      expect(await processor.drain()).toBe(12);
      expect(seen.mostAtOnce).toBe(4);

      // Intake quiet: the whole group at once.
      intake = false;
      seen.mostAtOnce = 0;
      await store.insertEvents(ids.map((c) => notificationEvent(c, `${c}-again`)));
      expect(await processor.drain()).toBe(12);
      expect(seen.mostAtOnce).toBe(12);
    });
  });

  it('with concurrency 1 handles one event at a time', async () => {
    await withSqliteStore(async (store) => {
      await store.insertEvents(['x', 'y', 'z'].map((c) => notificationEvent(c, c)));
      const { executor, seen } = overlapExecutor(2);
      expect(await processorFor(store, executor, { concurrency: 1 }).drain()).toBe(3);
      expect(seen.mostAtOnce).toBe(1);
    });
  });

  it('leaves the rest of a batch unprocessed when the database is unavailable, and handles it later', async () => {
    await withSqliteStore(async (store) => {
      await store.insertEvents(['e1', 'e2', 'e3'].map(webhookEvent));
      let outage = true;
      const { executor, seen } = recordingExecutor((id) =>
        id === 'e2' && outage
          ? new StoreError('STORE_UNAVAILABLE', 'connection refused')
          : undefined,
      );
      const processor = processorFor(store, executor);
      expect(await processor.drain()).toBe(1);
      expect((await store.pendingEvents(10)).map((e) => e.eventId)).toEqual(['e2', 'e3']);
      outage = false;
      // Its own claims come back to it at once: no wait for the lease.
      expect(await processor.drain()).toBe(2);
      expect(await store.pendingEvents(10)).toEqual([]);
      expect(seen).toEqual(['e1', 'e2', 'e2', 'e3']);
    });
  });

  it('marks an event whose handling fails for another reason processed (it would fail again)', async () => {
    await withSqliteStore(async (store) => {
      await store.insertEvents(['e1', 'e2'].map(webhookEvent));
      const { executor, seen } = recordingExecutor((id) =>
        id === 'e1' ? new Error('rule blew up') : undefined,
      );
      const processor = processorFor(store, executor);
      expect(await processor.drain()).toBe(2);
      expect(await store.pendingEvents(10)).toEqual([]);
      expect(seen).toEqual(['e1', 'e2']);
    });
  });

  it('drainInBackground attaches one handler per run, however often it is called during it', async () => {
    // Regression (fuzz suite): every accepted intake request attached a `.catch` to the running
    // drain; under sustained intake the run never ended and the handlers piled up (a leak of
    // ~150 bytes per request). A failing run now reports once, not once per call.
    let fail: (error: Error) => void = () => undefined;
    const claims = new Promise<never>((_resolve, reject) => {
      fail = reject;
    });
    const store = { claimEvents: () => claims } as unknown as Store;
    const { executor } = recordingExecutor(() => undefined);
    const processor = new InboxProcessor({ store, handler: executor, logger: silentLogger });
    const errors: string[] = [];
    for (let i = 0; i < 1_000; i += 1) {
      processor.drainInBackground((error) => errors.push(error.message));
    }
    await new Promise((resolve) => setImmediate(resolve));
    fail(new Error('database gone'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors).toEqual(['database gone']);
    // The next call starts a new run (and reports its own failure).
    processor.drainInBackground((error) => errors.push(`again: ${error.message}`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors).toEqual(['database gone', 'again: database gone']);
  });
});

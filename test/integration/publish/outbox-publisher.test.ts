import { createServer } from 'node:http';
import { OutboxPublisher, auditEventFromOutcome, toOutboxInput } from '../../../src/publish';
import type { Store } from '../../../src/store';
import { openStore } from '../../../src/store';
import { ManualClock } from '../../../src/timers/clock';
import {
  startFakeEventBridge,
  type FakeEventBridge,
  type Responder,
} from '../../helpers/fake-eventbridge';
import { createStoreDatabase, testStoreKinds } from '../../helpers/test-stores';

/**
 * The durable audit outbox: a real SQLite file and a real PostgreSQL database (when configured;
 * always in CI), the real AWS SDK, and a loopback server speaking the EventBridge JSON protocol.
 */

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const BUS = 'closer-audit';

/** EventBridge accepts the first batch but for entry `failed`, which it refuses with `code`. */
function failFirstBatchEntry(failed: number, code: string, message: string): Responder {
  return (index, entries) =>
    index === 0
      ? {
          status: 200,
          body: {
            FailedEntryCount: 1,
            Entries: entries.map((_e, i) =>
              i === failed ? { ErrorCode: code, ErrorMessage: message } : { EventId: `e-${i}` },
            ),
          },
        }
      : undefined;
}

describe.each(testStoreKinds())('OutboxPublisher on %s', (kind) => {
  let fake: FakeEventBridge;
  let database: { url: string; remove(): Promise<void> };
  let store: Store;
  let clock: ManualClock;
  let publisher: OutboxPublisher;
  let counts: { published: number; retried: number; dead: number };

  function makePublisher(): OutboxPublisher {
    publisher = new OutboxPublisher({
      store,
      busName: BUS,
      region: 'eu-west-1',
      endpoint: fake.endpoint,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'not-a-real-secret' },
      clock,
      baseBackoffMs: 1_000,
      maxBackoffMs: 60_000,
      observer: {
        published: (n) => (counts.published += n),
        retried: (n) => (counts.retried += n),
        dead: (n) => (counts.dead += n),
      },
    });
    return publisher;
  }

  /** Writes `n` outcome audit events, as the executor's transactions do. */
  async function writeEvents(n: number, detailBytes = 0): Promise<string[]> {
    const events = Array.from({ length: n }, (_, i) =>
      auditEventFromOutcome({
        conversationId: `conv-${i}`,
        ruleId: 'idle',
        kind: 'terminated',
        at: clock.now() + i,
        details: detailBytes === 0 ? { n: i } : { n: i, pad: 'x'.repeat(detailBytes) },
      }),
    );
    await store.appendAudit(events.map(toOutboxInput));
    return events.map((e) => e.id);
  }

  /** Every event id the fake received, in the order received. */
  function receivedIds(): string[] {
    return fake.received.flatMap((r) =>
      r.entries.map((e) => (JSON.parse(e.Detail) as { id: string }).id),
    );
  }

  beforeEach(async () => {
    fake = await startFakeEventBridge();
    database = await createStoreDatabase(kind);
    clock = new ManualClock(T0);
    store = await openStore(database.url, { clock });
    counts = { published: 0, retried: 0, dead: 0 };
  });

  afterEach(async () => {
    await publisher.stop();
    await store.close();
    await fake.close();
    await database.remove();
  });

  test('publishes in order, in PutEvents batches of at most 10, with the stable id in the detail', async () => {
    const ids = await writeEvents(25);
    makePublisher();
    expect(await publisher.publishDue()).toBe(25);
    expect(fake.received.map((r) => r.entries.length)).toEqual([10, 10, 5]);
    expect(receivedIds()).toEqual(ids);
    const first = fake.received[0]?.entries[0];
    expect(first).toMatchObject({
      EventBusName: BUS,
      Source: 'closer',
      DetailType: 'conversation.terminated',
    });
    expect(JSON.parse(first?.Detail ?? '{}')).toMatchObject({
      id: ids[0],
      conversationId: 'conv-0',
      episode: 1,
    });
    expect(fake.received[0]?.headers['x-amz-target']).toBe('AWSEvents.PutEvents');
    expect(await store.auditOutboxStats()).toEqual({ pending: 0, dead: 0 });
    expect(counts).toEqual({ published: 25, retried: 0, dead: 0 });
    // Nothing left: a second pass sends nothing.
    expect(await publisher.publishDue()).toBe(0);
    expect(fake.received).toHaveLength(3);
  });

  test('keeps each PutEvents request under 256 KB', async () => {
    await writeEvents(5, 100 * 1024);
    makePublisher();
    expect(await publisher.publishDue()).toBe(5);
    expect(fake.received.map((r) => r.entries.length)).toEqual([2, 2, 1]);
  });

  test('retries a partial failure entry by entry; the next batch waits for it', async () => {
    const ids = await writeEvents(4);
    fake.respond = failFirstBatchEntry(1, 'ThrottlingException', 'Rate exceeded');
    makePublisher();
    expect(await publisher.publishDue()).toBe(3);
    expect(await store.auditOutboxStats()).toMatchObject({ pending: 1, dead: 0 });
    expect(counts.retried).toBe(1);
    expect(publisher.status().lastError?.message).toMatch(/not accepted by EventBridge/);
    // Backing off: not sent again before its time.
    expect(await publisher.publishDue()).toBe(0);
    expect(fake.received).toHaveLength(1);
    clock.advance(1_000);
    expect(await publisher.publishDue()).toBe(1);
    expect(
      fake.received[1]?.entries.map((e) => (JSON.parse(e.Detail) as { id: string }).id),
    ).toEqual([ids[1]]);
    expect(await store.auditOutboxStats()).toEqual({ pending: 0, dead: 0 });
    // EventBridge accepted 0, 2 and 3 of the first batch; 1 came after them (documented order).
    expect(
      fake.received.map((r) => r.entries.map((e) => (JSON.parse(e.Detail) as { id: string }).id)),
    ).toEqual([[ids[0], ids[1], ids[2], ids[3]], [ids[1]]]);
    // The recovery clears the error.
    expect(publisher.status().lastError).toBeUndefined();
  });

  test('a silent EventBridge endpoint times out and is retried, never stalling the outbox', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      await writeEvents(2);
      publisher = new OutboxPublisher({
        store,
        busName: BUS,
        region: 'eu-west-1',
        endpoint: `http://127.0.0.1:${port}`,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'not-a-real-secret' },
        clock,
        requestTimeoutMs: 200,
      });
      expect(await publisher.publishDue()).toBe(0);
      expect(publisher.status().lastError?.message).toMatch(/PutEvents failed/);
      expect(await store.auditOutboxStats()).toMatchObject({ pending: 2 });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) =>
        silent.close(() => {
          resolve();
        }),
      );
    }
  });

  test('EventBridge down for a while, then back: every event is delivered, none lost, in order', async () => {
    const ids = await writeEvents(12);
    let down = true;
    fake.respond = () =>
      down ? { status: 500, body: { __type: 'InternalException', message: 'down' } } : undefined;
    makePublisher();
    // Many attempts, with growing backoff and no give-up.
    for (let i = 0; i < 8; i += 1) {
      expect(await publisher.publishDue()).toBe(0);
      clock.advance(60_000);
    }
    expect(fake.received.length).toBeGreaterThanOrEqual(8);
    expect(await store.auditOutboxStats()).toMatchObject({ pending: 12, oldestPendingAt: T0 });
    expect(publisher.status().lastError?.message).toMatch(/PutEvents failed/);
    const attemptsBefore = fake.received.length;
    down = false;
    clock.advance(60_000);
    expect(await publisher.publishDue()).toBe(12);
    expect(receivedIds().slice(attemptsBefore * 10)).toEqual(ids);
    expect(await store.auditOutboxStats()).toEqual({ pending: 0, dead: 0 });
  });

  test('an entry EventBridge refuses for good is kept as dead with its error; the others go on', async () => {
    const ids = await writeEvents(3);
    fake.respond = failFirstBatchEntry(0, 'MalformedDetail', 'Detail is malformed.');
    makePublisher();
    expect(await publisher.publishDue()).toBe(2);
    expect(await store.auditOutboxStats()).toEqual({ pending: 0, dead: 1 });
    const dead = await store.listDeadAudit(10);
    expect(dead).toMatchObject([
      {
        eventId: ids[0],
        state: 'dead',
        attempts: 1,
        lastError: 'MalformedDetail: Detail is malformed.',
      },
    ]);
    expect(counts.dead).toBe(1);
    // Dead entries are never pruned, published ones are after the retention.
    clock.advance(8 * 24 * 60 * 60 * 1000);
    expect(await store.pruneAudit(clock.now() - 7 * 24 * 60 * 60 * 1000)).toBe(2);
    expect(await store.listDeadAudit(10)).toHaveLength(1);
  });

  test('an entry too large for PutEvents is kept as dead without a request', async () => {
    await writeEvents(1, 300 * 1024);
    const small = await writeEvents(1);
    makePublisher();
    expect(await publisher.publishDue()).toBe(1);
    expect(receivedIds()).toEqual(small);
    expect((await store.listDeadAudit(10))[0]?.lastError).toMatch(
      /exceeds the PutEvents limit of 256 KB/,
    );
  });

  test('the background loop publishes what is written, and stops cleanly', async () => {
    makePublisher();
    publisher.start();
    const ids = await writeEvents(3);
    publisher.poke();
    for (let i = 0; i < 200 && receivedIds().length < 3; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(receivedIds()).toEqual(ids);
    await publisher.stop();
  });
  test('several publishers on one database (replicas) send each entry once, in order', async () => {
    const ids = await writeEvents(35);
    const replicaStore = await openStore(database.url, { clock });
    const replica = new OutboxPublisher({
      store: replicaStore,
      busName: BUS,
      region: 'eu-west-1',
      endpoint: fake.endpoint,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'not-a-real-secret' },
      clock,
    });
    const first = makePublisher();
    try {
      for (let round = 0; round < 20 && receivedIds().length < ids.length; round += 1) {
        await Promise.all([first.publishDue(), replica.publishDue()]);
      }
      expect(receivedIds()).toEqual(ids);
      expect(await store.auditOutboxStats()).toEqual({ pending: 0, dead: 0 });
    } finally {
      await replica.stop();
      await replicaStore.close();
    }
  });
});

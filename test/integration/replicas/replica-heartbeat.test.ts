import { Writable } from 'node:stream';
import { GenesysClient } from '../../../src/genesys';
import { createLogger } from '../../../src/observability/logger';
import { ReplicaHeartbeat } from '../../../src/replicas';
import { SqliteStore } from '../../../src/store';
import { ManualClock } from '../../../src/timers/clock';
import { tempDatabaseUrl, type TempDatabase } from '../../helpers/sqlite';

describe('ReplicaHeartbeat', () => {
  let database: TempDatabase;
  const stores: SqliteStore[] = [];
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    stream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  });

  beforeEach(async () => {
    database = await tempDatabaseUrl();
  });

  afterEach(async () => {
    for (const store of stores.splice(0)) {
      await store.close();
    }
    await database.remove();
  });

  const replica = async (clock: ManualClock, counts: number[]) => {
    const store = await SqliteStore.open(database.path, { clock });
    stores.push(store);
    return new ReplicaHeartbeat({
      store,
      clock,
      logger,
      onCount: (n) => counts.push(n),
      ttlMs: 15_000,
    });
  };

  it('reports the live replica count when it changes, and forgets a silent replica', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const first: number[] = [];
    const second: number[] = [];
    const a = await replica(clock, first);
    const b = await replica(clock, second);
    await a.beat();
    await b.beat();
    await a.beat();
    await a.beat(); // unchanged: not reported again
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([2]);
    clock.advance(16_000); // b stopped beating
    await a.beat();
    expect(first).toEqual([1, 2, 1]);
    expect(a.replicas).toBe(1);
  });

  it('keeps the last count when a beat fails, and logs it', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const counts: number[] = [];
    const a = await replica(clock, counts);
    await a.beat();
    await stores[0]!.close();
    await expect(a.beat()).resolves.toBeUndefined();
    expect(a.replicas).toBe(1);
    expect(counts).toEqual([1]);
    expect(logs.join('')).toMatch(/replica heartbeat failed; keeping the last replica count/);
  });

  it('divides the Genesys client request rate by the count it reports', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const genesys = new GenesysClient({
      clientId: 'c',
      clientSecret: 's',
      apiUrl: 'http://127.0.0.1:9',
      requestsPerSecond: 30,
    });
    try {
      const stores3 = await Promise.all(
        [0, 1, 2].map(() => SqliteStore.open(database.path, { clock })),
      );
      stores.push(...stores3);
      const beats = stores3.map(
        (store) =>
          new ReplicaHeartbeat({
            store,
            clock,
            logger,
            onCount: (n) => {
              genesys.shareRequestBudget(n);
            },
          }),
      );
      for (const beat of beats) {
        await beat.beat();
      }
      expect(genesys.requestsPerSecond).toBe(10);
    } finally {
      await genesys.close();
    }
  });
});

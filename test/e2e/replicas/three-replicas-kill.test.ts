import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CLOSER_PERMISSIONS } from '../../../src/genesys';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import {
  createTestDatabase,
  describePostgres,
  withPgClient,
  type TestDatabase,
} from '../../helpers/postgres';
import { startRoundRobinProxy, type RoundRobinProxy } from '../../helpers/round-robin-proxy';
import {
  assertBuilt,
  killed,
  startService,
  until,
  type ServiceProcess,
} from '../../helpers/service-process';

/**
 * Issue 9's acceptance test: three closer processes on one PostgreSQL database behind a
 * round-robin balancer, CONVERSATIONS chats going idle, one replica SIGKILLed part-way. Every idle
 * chat must be ended exactly once (one disconnect request each in the simulator's request log),
 * none missed, and every event the balancer acknowledged must be in the database.
 */
/**
 * 400 by default, so `npm test` and CI stay within their time on 2 cores; the full run is
 * CLOSER_REPLICA_TEST_CONVERSATIONS=3000 (7–11 minutes here on 2 busy cores).
 */
const CONVERSATIONS = Number(process.env.CLOSER_REPLICA_TEST_CONVERSATIONS ?? 400);
const EVENTBRIDGE_KEY = 'eb-key-replicas-0123456789';

const RULES = `
sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
rules:
  - id: idle-chat
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 10s, while: [agent] }
    close: { message: "We closed this chat after a while without a reply." }
`;

describePostgres('three replicas on one PostgreSQL, one SIGKILLed part-way', (serverUrl) => {
  let database: TestDatabase | undefined;
  let sim: RunningSimulator | undefined;
  let balancer: RoundRobinProxy | undefined;
  let dir: string | undefined;
  const replicas: ServiceProcess[] = [];

  afterEach(async () => {
    for (const replica of replicas) {
      await killed(replica.child, 'SIGKILL');
    }
    await balancer?.close();
    await sim?.close();
    await database?.drop();
    if (dir !== undefined) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    `ends each of ${CONVERSATIONS} idle chats exactly once and keeps every acknowledged event`,
    async () => {
      assertBuilt();
      database = await createTestDatabase(serverUrl);
      sim = await startSimulator({ port: 0 });
      sim.registerClient({
        clientId: 'replica-client',
        clientSecret: 'replica-secret-0123456789',
        permissions: [...CLOSER_PERMISSIONS],
      });
      dir = mkdtempSync(join(tmpdir(), 'closer-replicas-'));
      const rulesFile = join(dir, 'rules.yaml');
      writeFileSync(rulesFile, RULES);
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        GENESYS_CLIENT_ID: 'replica-client',
        GENESYS_CLIENT_SECRET: 'replica-secret-0123456789',
        GENESYS_API_URL: sim.url,
        CLOSER_API_TOKEN: 'replica-test-token-0123456789',
        CLOSER_DATABASE_URL: database.url,
        CLOSER_DATABASE_POOL_SIZE: '5',
        CLOSER_CLAIM_LEASE: '5s',
        CLOSER_RULES_FILE: rulesFile,
        CLOSER_EVENTBRIDGE_KEY: EVENTBRIDGE_KEY,
        CLOSER_LOG_LEVEL: 'info',
        // The org's budget, shared by the three (the simulator enforces none here): high enough
        // that the database and the hand-over of the dead replica's work are what is tested.
        GENESYS_REQUESTS_PER_SECOND: '300',
      };
      // Started together: the migration runs once, under the advisory lock.
      replicas.push(...(await Promise.all([0, 1, 2].map(() => startService(env, 60_000)))));
      balancer = await startRoundRobinProxy(replicas.map((r) => r.url));
      sim.setEventTarget({
        url: `${balancer.url}/events/eventbridge`,
        headers: { 'x-api-key': EVENTBRIDGE_KEY },
        // EventBridge delivers concurrently (each conversation's events in order).
        concurrency: 8,
      });

      const ids: string[] = [];
      for (let i = 0; i < CONVERSATIONS; i += 1) {
        ids.push(sim.createConversation().id);
        if (i % 100 === 99) {
          // Let the simulator deliver as conversations are created (events spread over time).
          await nextTurn();
        }
      }
      const ended = (): number =>
        ids.filter((id) => sim?.conversation(id)?.state === 'disconnected').length;
      // Counting reads every conversation of the simulator, in this process: not too often.
      const poll = async (check: () => boolean | Promise<boolean>): Promise<boolean> => {
        if (await check()) {
          return true;
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return false;
      };

      // Part-way: a third of the chats ended; events, timers and endings are all in flight.
      await until(
        'a third of the chats to be ended',
        () => poll(() => ended() >= CONVERSATIONS / 3),
        600_000,
      );
      const victim = replicas[1]!;
      await killed(victim.child, 'SIGKILL');
      const endedAtKill = ended();

      await until('every chat to be ended', () => poll(() => ended() === CONVERSATIONS), 900_000);
      // Settled: nothing left due and every delivered event processed (events of the endings keep
      // arriving meanwhile; a second ending, if any, would come from them or from a due timer).
      // Every event the simulator has to deliver (those of the endings too) delivered first: under
      // load its delivery queue runs minutes behind, and "settled" means nothing while it does.
      const running = sim;
      let delivered = false;
      void running.flushEvents().then(() => {
        delivered = true;
      });
      await until('the simulator to deliver every event', () => poll(() => delivered), 600_000);
      const url = database.url;
      const left = { due: 0, unprocessed: 0 };
      await until(
        'the replicas to settle',
        () => poll(async () => settled(url, left)),
        120_000,
      ).catch(async (error: unknown) => {
        const stuck = await withPgClient(url, (client) =>
          client.query(
            'SELECT seq, source, kind, order_key, claimed_by, claimed_until, received_at FROM inbox_events WHERE processed_at IS NULL ORDER BY seq LIMIT 10',
          ),
        );
        const tails = replicas.map((r) => r.output().split('\n').slice(-15).join('\n'));
        throw new Error(
          `${String(error)}: ${JSON.stringify(left)} still there at ${Date.now()}\n${JSON.stringify(stuck.rows)}\n${tails.join('\n-----\n')}`,
        );
      });

      // Exactly once: one disconnect request per chat, in the simulator's request log too.
      const disconnects = new Map<string, number>();
      for (const request of sim.apiRequests()) {
        // A disconnect: PATCH of the conversation, or of one of its participants.
        const match =
          /^\/api\/v2\/conversations\/(?:messages\/)?([^/]+)(?:\/participants\/[^/]+)?$/.exec(
            request.path,
          );
        if (match?.[1] !== undefined && request.method === 'PATCH') {
          disconnects.set(match[1], (disconnects.get(match[1]) ?? 0) + 1);
        }
      }
      const counts = ids.map((id) => sim?.conversation(id)?.disconnectCount);
      expect(counts.filter((n) => n !== 1)).toEqual([]);
      expect(ids.filter((id) => disconnects.get(id) !== 1)).toEqual([]);
      // At most one closing message each (a replica killed between intent and send sends none).
      expect(ids.filter((id) => (sim?.conversation(id)?.messagesSentByApi ?? 0) > 1)).toEqual([]);
      expect(endedAtKill).toBeLessThan(CONVERSATIONS);

      // Every acknowledged event is stored; the balancer spread them over all three replicas.
      const acknowledged = balancer.answered.filter((a) => a.status >= 200 && a.status < 300);
      expect(acknowledged.length).toBeGreaterThanOrEqual(CONVERSATIONS);
      expect(new Set(acknowledged.map((a) => a.upstream))).toEqual(new Set([0, 1, 2]));
      const acknowledgedIds = acknowledged.map((a) => a.id ?? '');
      const stored = await withPgClient(database.url, (client) =>
        client.query<{ n: string }>(
          "SELECT count(DISTINCT event_id) AS n FROM inbox_events WHERE source = 'eventbridge' AND event_id = ANY($1)",
          [acknowledgedIds],
        ),
      );
      expect(Number(stored.rows[0]?.n)).toBe(new Set(acknowledgedIds).size);

      // And the database agrees: no chat has two terminated outcomes, each has one ending.
      const outcomes = await withPgClient(database.url, (client) =>
        client.query<{ doubled: string; endings: string }>(
          `SELECT
           (SELECT count(*) FROM (SELECT conversation_id FROM outcomes WHERE kind = 'terminated'
              GROUP BY conversation_id, episode HAVING count(*) > 1) d) AS doubled,
           (SELECT count(*) FROM endings WHERE state = 'ended') AS endings`,
        ),
      );
      expect(Number(outcomes.rows[0]?.doubled)).toBe(0);
      expect(Number(outcomes.rows[0]?.endings)).toBe(CONVERSATIONS);
    },
    Math.max(300_000, CONVERSATIONS * 500),
  );
});

/** No timer due and no stored event unprocessed (a moment when the replicas are idle). */
async function settled(url: string, left: { due: number; unprocessed: number }): Promise<boolean> {
  const result = await withPgClient(url, (client) =>
    client.query<{ due: string; unprocessed: string }>(
      `SELECT (SELECT count(*) FROM timers WHERE due_at <= $1) AS due,
              (SELECT count(*) FROM inbox_events WHERE processed_at IS NULL) AS unprocessed`,
      [Date.now()],
    ),
  );
  left.due = Number(result.rows[0]?.due);
  left.unprocessed = Number(result.rows[0]?.unprocessed);
  return left.due === 0 && left.unprocessed === 0;
}

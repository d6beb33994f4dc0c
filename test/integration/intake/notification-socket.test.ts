import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';

import { NotificationSocket } from '../../../src/intake';
import type { NotificationChannel } from '../../../src/intake';
import type { InboxEventInput, InsertEventsResult, Store } from '../../../src/store';
import { openStore } from '../../../src/store';
import { ManualClock } from '../../../src/timers/clock';
import { genesysNotification, heartbeatNotification } from '../../helpers/payloads';
import { tempDatabaseUrl } from '../../helpers/sqlite';
import type { TempDatabase } from '../../helpers/sqlite';

/** Polls `check` until it is true (bounded: 500 × 10 ms). */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (await check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Connection {
  socket: WebSocket;
  url: string;
}

let wss: WebSocketServer;
let port: number;
let connections: Connection[];
let database: TempDatabase;
let store: Store;
let socket: NotificationSocket | undefined;
let channels: number;
let subscriptions: { channelId: string; topics: string[] }[];
let failCreateChannel: number;
let failStore: boolean;
let storeFailures: number;
let refusedUrls: Set<string>;

const TOPICS = ['v2.routing.queues.q1.conversations.messages'];

beforeAll(async () => {
  database = await tempDatabaseUrl();
  store = await openStore(database.url);
});

afterAll(async () => {
  await store.close();
  await database.remove();
});

beforeEach(async () => {
  connections = [];
  channels = 0;
  subscriptions = [];
  failCreateChannel = 0;
  failStore = false;
  storeFailures = 0;
  refusedUrls = new Set();
  wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    // An expired channel: the upgrade is refused, so the client never opens.
    verifyClient: (info: { req: IncomingMessage }) => !refusedUrls.has(info.req.url ?? ''),
  });
  wss.on('connection', (ws, req) => {
    connections.push({ socket: ws, url: req.url ?? '' });
  });
  await new Promise<void>((resolve) => {
    wss.once('listening', () => {
      resolve();
    });
  });
  port = (wss.address() as AddressInfo).port;
});

afterEach(async () => {
  await socket?.stop();
  socket = undefined;
  for (const client of wss.clients) {
    client.terminate();
  }
  await new Promise<void>((resolve) => {
    wss.close(() => {
      resolve();
    });
  });
});

function startSocket(overrides: { idleTimeoutMs?: number } = {}): NotificationSocket {
  const s = new NotificationSocket({
    store: {
      insertEvents: (events: InboxEventInput[]): Promise<InsertEventsResult> =>
        failStore
          ? Promise.reject(new Error(`store down ${++storeFailures}`))
          : store.insertEvents(events),
    },
    createChannel: (): Promise<NotificationChannel> => {
      if (failCreateChannel > 0) {
        failCreateChannel -= 1;
        return Promise.reject(new Error('Genesys 503'));
      }
      channels += 1;
      return Promise.resolve({
        id: `ch-${channels}`,
        connectUri: `ws://127.0.0.1:${port}/channels/ch-${channels}`,
      });
    },
    subscribe: (channelId, topics) => {
      subscriptions.push({ channelId, topics });
      return Promise.resolve();
    },
    topics: () => TOPICS,
    clock: new ManualClock(),
    initialBackoffMs: 5,
    maxBackoffMs: 20,
    random: () => 0.5,
    idleTimeoutMs: overrides.idleTimeoutMs ?? 0,
  });
  socket = s;
  s.start();
  return s;
}

async function notificationEvents(kind: string) {
  const events = await store.pendingEvents(10_000);
  return events.filter((e) => e.source === 'notifications' && e.kind === kind);
}

test('stores notifications, ignores heartbeats and junk, and dedupes repeats', async () => {
  const s = startSocket();
  await until(() => s.subscribed, 'subscription');
  expect(subscriptions).toEqual([{ channelId: 'ch-1', topics: TOPICS }]);
  expect(connections[0]?.url).toBe('/channels/ch-1');

  const notification = genesysNotification({ conversationId: 'ws-conv-1' });
  const server = connections[0]!.socket;
  server.send(JSON.stringify(heartbeatNotification()));
  server.send('not json');
  server.send(JSON.stringify({ topicName: 'v2.x' }));
  server.send(JSON.stringify(notification));
  server.send(JSON.stringify(notification));
  await until(
    async () => (await notificationEvents(notification.topicName)).length === 1,
    'stored event',
  );
  const other = genesysNotification({ conversationId: 'ws-conv-2' });
  server.send(JSON.stringify(other));
  await until(async () => (await notificationEvents(other.topicName)).length === 1, 'second event');

  const [stored] = await notificationEvents(notification.topicName);
  expect(stored?.eventId).toMatch(/^sha256:/);
  expect(stored?.payload).toMatchObject({
    topicName: notification.topicName,
    eventBody: notification.eventBody,
  });
  expect(await notificationEvents('channel.metadata')).toHaveLength(0);
});

test('reconnects and re-subscribes when the server closes the socket', async () => {
  const s = startSocket();
  await until(() => s.subscribed, 'first subscription');
  connections[0]!.socket.close(1001, 'going away');
  await until(() => subscriptions.length === 2 && s.subscribed, 'second subscription');
  // A healthy session ended: the channel is reused.
  expect(subscriptions.map((x) => x.channelId)).toEqual(['ch-1', 'ch-1']);
  const notification = genesysNotification({ conversationId: 'ws-conv-after-reconnect' });
  connections[1]!.socket.send(JSON.stringify(notification));
  await until(
    async () => (await notificationEvents(notification.topicName)).length === 1,
    'event after reconnect',
  );
});

test('a channel that cannot be created is retried with backoff', async () => {
  failCreateChannel = 2;
  const s = startSocket();
  await until(() => s.subscribed, 'subscription after failures');
  expect(subscriptions).toEqual([{ channelId: 'ch-1', topics: TOPICS }]);
});

test('a channel whose socket cannot connect is replaced by a new one', async () => {
  const s = startSocket();
  await until(() => s.subscribed, 'first subscription');
  refusedUrls.add('/channels/ch-1');
  connections[0]!.socket.terminate();
  await until(() => subscriptions.length >= 2 && s.subscribed, 'subscription on a new channel');
  expect(subscriptions.at(-1)?.channelId).toBe('ch-2');
});

test('an idle socket (no heartbeat) is replaced', async () => {
  const s = startSocket({ idleTimeoutMs: 50 });
  await until(() => subscriptions.length >= 2 && s.subscribed, 'resubscription after idle');
});

test('stop() closes the socket and stops reconnecting', async () => {
  const s = startSocket();
  await until(() => s.subscribed, 'subscription');
  const serverSide = connections[0]!.socket;
  const closed = new Promise<number>((resolve) => {
    serverSide.once('close', (code) => {
      resolve(code);
    });
  });
  await s.stop();
  expect(await closed).toBe(1000);
  expect(s.subscribed).toBe(false);
  const count = connections.length;
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(connections).toHaveLength(count);
});

test('a store failure loses that notification but not the socket', async () => {
  const s = startSocket();
  await until(() => s.subscribed, 'subscription');
  failStore = true;
  const lost = genesysNotification({ conversationId: 'ws-lost' });
  connections[0]!.socket.send(JSON.stringify(lost));
  await until(() => storeFailures === 1, 'the failed store write');
  failStore = false;
  const kept = genesysNotification({ conversationId: 'ws-kept' });
  connections[0]!.socket.send(JSON.stringify(kept));
  await until(async () => (await notificationEvents(kept.topicName)).length === 1, 'kept event');
  expect(await notificationEvents(lost.topicName)).toHaveLength(0);
  expect(s.subscribed).toBe(true);
});

/**
 * Notification gaps over real HTTP and WebSockets: `dropNotifications` cuts every socket and
 * refuses reconnects with 503 until `restoreNotifications`; what happened meanwhile is never
 * delivered (Genesys's WebSocket has no redelivery) but the activity query still lists it; an
 * expired channel answers 404.
 */
import WebSocket from 'ws';
import type { Models } from 'purecloud-platform-client-v2';
import { simFetch, simToken, startTestSimulator } from '../../helpers/simulator';
import type { TestSimulator } from '../../helpers/simulator';

const QUEUE = 'gap-queue';
const TOPIC = `v2.routing.queues.${QUEUE}.conversations.messages`;

interface Frame {
  topicName: string;
  eventBody: { id?: string };
}

/** An open socket and the frames it received (heartbeats left out). */
interface Client {
  socket: WebSocket;
  frames: Frame[];
  closed: Promise<number>;
}

let t: TestSimulator;
let token: string;

beforeEach(async () => {
  t = await startTestSimulator();
  token = await simToken(t);
});
afterEach(async () => {
  await t.sim.close();
});

/** A new channel subscribed to the queue topic: its id and WebSocket URI. */
async function subscribedChannel(): Promise<{ id: string; uri: string }> {
  const channel = (await (
    await simFetch(t, token, '/api/v2/notifications/channels', { method: 'POST' })
  ).json()) as Models.Channel;
  const put = await simFetch(
    t,
    token,
    `/api/v2/notifications/channels/${channel.id}/subscriptions`,
    {
      method: 'PUT',
      body: JSON.stringify([{ id: TOPIC }]),
    },
  );
  expect(put.status).toBe(200);
  return { id: channel.id ?? '', uri: channel.connectUri ?? '' };
}

/** Opens a WebSocket; resolves once open, or with the refused upgrade's status. */
function connect(uri: string): Promise<Client | { refused: number }> {
  const socket = new WebSocket(uri);
  const frames: Frame[] = [];
  socket.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString('utf8')) as Frame;
    if (frame.topicName !== 'channel.metadata') {
      frames.push(frame);
    }
  });
  const closed = new Promise<number>((resolve) => socket.once('close', resolve));
  // Aborting a refused handshake emits an error; the refusal is the result.
  socket.on('error', () => undefined);
  return new Promise((resolve) => {
    socket.once('open', () => {
      resolve({ socket, frames, closed });
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      socket.terminate();
    });
  });
}

async function open(uri: string): Promise<Client> {
  const client = await connect(uri);
  if ('refused' in client) {
    throw new Error(`upgrade refused with ${client.refused}`);
  }
  return client;
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) {
      throw new Error('timed out');
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const ids = (c: Client) => [...new Set(c.frames.map((f) => f.eventBody.id))];

test('drop cuts the sockets, refuses reconnects with 503; the gap is lost after restore', async () => {
  const channel = await subscribedChannel();
  const before = await open(channel.uri);
  const first = t.sim.createConversation({ queueId: QUEUE, phase: 'queue' });
  await until(() => before.frames.length > 0);
  expect(ids(before)).toEqual([first.id]);
  expect(t.sim.notificationStatus()).toMatchObject({
    dropped: false,
    channels: [{ id: channel.id, clientId: t.clientId, topics: [TOPIC], sockets: 1 }],
  });

  t.sim.dropNotifications();
  expect(await before.closed).toBe(1006);
  expect(await connect(channel.uri)).toEqual({ refused: 503 });
  expect(t.sim.notificationStatus()).toMatchObject({
    dropped: true,
    channels: [{ id: channel.id, sockets: 0 }],
  });

  // During the gap the org goes on, and the REST API answers.
  const missed = t.sim.createConversation({ queueId: QUEUE, phase: 'queue' });
  t.sim.postMessage(first.id, 'customer', 'anyone there?');
  t.sim.answer(first.id);
  const head = await simFetch(t, token, `/api/v2/notifications/channels/${channel.id}`, {
    method: 'HEAD',
  });
  expect(head.status).toBe(200);
  const read = await simFetch(t, token, `/api/v2/conversations/messages/${missed.id}`);
  expect(read.status).toBe(200);

  t.sim.restoreNotifications();
  const after = await open(channel.uri);
  const later = t.sim.createConversation({ queueId: QUEUE, phase: 'queue' });
  await until(() => after.frames.length > 0);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(ids(after)).toEqual([later.id]);
  expect(ids(before)).toEqual([first.id]);

  // What reconciliation after the gap finds: every active conversation of the queue.
  const activity = (await (
    await simFetch(t, token, '/api/v2/analytics/conversations/activity/query', {
      method: 'POST',
      body: JSON.stringify({
        metrics: [
          { metric: 'oWaiting', details: true },
          { metric: 'oInteracting', details: true },
        ],
        groupBy: ['queueId'],
        filter: { type: 'or', predicates: [{ dimension: 'queueId', value: QUEUE }] },
      }),
    })
  ).json()) as Models.ConversationActivityResponse;
  const listed = activity.results?.[0]?.entities?.map((e) => `${e.conversationId} ${e.metric}`);
  expect(listed?.sort()).toEqual(
    [`${first.id} oInteracting`, `${missed.id} oWaiting`, `${later.id} oWaiting`].sort(),
  );
  after.socket.close();
  await after.closed;
});

test('drop and restore through the control API', async () => {
  const channel = await subscribedChannel();
  const client = await open(channel.uri);
  const drop = await fetch(`${t.sim.url}/__simulator/notifications/drop`, { method: 'POST' });
  expect(drop.status).toBe(204);
  expect(await client.closed).toBe(1006);
  const status = (await (await fetch(`${t.sim.url}/__simulator/notifications`)).json()) as {
    dropped: boolean;
  };
  expect(status.dropped).toBe(true);
  t.sim.createConversation({ queueId: QUEUE });
  const restore = await fetch(`${t.sim.url}/__simulator/notifications/restore`, {
    method: 'POST',
  });
  expect(restore.status).toBe(204);
  const again = await open(channel.uri);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(again.frames).toEqual([]);
  again.socket.close();
  await again.closed;
});

test('an expired channel closes its sockets and answers 404', async () => {
  const channel = await subscribedChannel();
  const client = await open(channel.uri);
  const expire = await fetch(
    `${t.sim.url}/__simulator/notifications/channels/${channel.id}/expire`,
    { method: 'POST' },
  );
  expect(expire.status).toBe(204);
  expect(await client.closed).toBe(1000);
  expect(await connect(channel.uri)).toEqual({ refused: 404 });
  const head = await simFetch(t, token, `/api/v2/notifications/channels/${channel.id}`, {
    method: 'HEAD',
  });
  expect(head.status).toBe(404);
  expect(() => {
    t.sim.expireChannel(channel.id);
  }).toThrow('not found');
  const unknown = await fetch(`${t.sim.url}/__simulator/notifications/channels/nope/expire`, {
    method: 'POST',
  });
  expect(unknown.status).toBe(404);
});

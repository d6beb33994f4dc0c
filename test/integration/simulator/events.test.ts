/**
 * Event output of the simulator: EventBridge envelopes POSTed to a local receiver, and
 * notification WebSocket frames for subscribed topics.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { EventBridgeEnvelope } from '../../../src/simulator';
import { ManualClock } from '../../../src/timers/clock';
import { simToken, startTestSimulator } from '../../helpers/simulator';
import type { TestSimulator } from '../../helpers/simulator';

interface Received {
  headers: IncomingHttpHeaders;
  envelope: EventBridgeEnvelope;
}

/** A receiver that records envelopes and answers each with the next status in `statuses`. */
async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  let calls = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = statuses[calls] ?? 200;
      calls += 1;
      if (status < 300) {
        received.push({
          headers: req.headers,
          envelope: JSON.parse(Buffer.concat(chunks).toString('utf8')) as EventBridgeEnvelope,
        });
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/intake`,
    received,
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

let t: TestSimulator;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;

afterEach(async () => {
  await t.sim.close();
  await receiver?.close();
  receiver = undefined;
});

describe('EventBridge delivery', () => {
  test('posts one envelope per topic message, in order, with configured headers', async () => {
    receiver = await startReceiver();
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
    t = await startTestSimulator({
      clock,
      eventTarget: {
        url: receiver.url,
        headers: { 'x-api-key': 'k1' },
        orgId: 'org-1',
        sourceSuffix: 'closer',
      },
    });
    const c = t.sim.createConversation({ queueId: 'q-9' });
    clock.advance(1_000);
    t.sim.postMessage(c.id, 'customer', 'hello');
    t.sim.customerLeaves(c.id);
    await t.sim.flushEvents();

    const envelopes = receiver.received.map((r) => r.envelope);
    expect(receiver.received.every((r) => r.headers['x-api-key'] === 'k1')).toBe(true);
    expect(envelopes[0]).toMatchObject({
      version: '0',
      'detail-type': 'v2.detail.events.conversation.{id}.customer.start',
      source: 'aws.partner/genesys.com/cloud/org-1/closer',
      time: '2026-03-01T09:00:00Z',
      resources: [],
      detail: {
        topicName: `v2.detail.events.conversation.${c.id}.customer.start`,
        version: '2',
        eventBody: { conversationId: c.id, mediaType: 'message', messageType: 'webmessaging' },
      },
    });
    const types = envelopes.map((e) => e['detail-type']);
    expect(types).toContain('v2.routing.queues.{id}.conversations.messages');
    expect(types.indexOf('v2.detail.events.conversation.{id}.customer.end')).toBeGreaterThan(
      types.indexOf('v2.detail.events.conversation.{id}.customer.start'),
    );
    const snapshotWithMessage = envelopes.find(
      (e) =>
        e.detail.topicName === 'v2.routing.queues.q-9.conversations.messages' &&
        JSON.stringify(e.detail.eventBody).includes('2026-03-01T09:00:01.000Z'),
    );
    expect(snapshotWithMessage).toBeDefined();
    expect(new Set(envelopes.map((e) => e.id)).size).toBe(envelopes.length);
  });

  test('retries a failed delivery (bounded) without blocking the API', async () => {
    receiver = await startReceiver([500, 503]);
    t = await startTestSimulator();
    t.sim.setEventTarget({ url: receiver.url });
    const c = t.sim.createConversation({ withAgent: false });
    await t.sim.deliveries();
    expect(receiver.calls()).toBeGreaterThanOrEqual(3);
    expect(receiver.received[0]?.envelope.detail.topicName).toBe(
      `v2.detail.events.conversation.${c.id}.customer.start`,
    );
  });

  test('gives up after a bounded number of attempts on a permanently failing receiver', async () => {
    receiver = await startReceiver(Array.from({ length: 50 }, () => 500));
    t = await startTestSimulator({ eventTarget: { url: receiver.url } });
    t.sim.createConversation({ withAgent: false });
    await t.sim.flushEvents();
    // withAgent:false → customer.start + acd.start + queue snapshot = 3 envelopes × 4 attempts.
    expect(receiver.calls()).toBe(12);
    expect(receiver.received).toHaveLength(0);
  });
});

describe('EventBridge delivery with concurrency', () => {
  test('delivers several envelopes at once, each conversation in order', async () => {
    const seen: EventBridgeEnvelope[] = [];
    let inFlight = 0;
    let most = 0;
    const server = createServer((req, res) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        // Answer a little later, so deliveries overlap when they may.
        setTimeout(() => {
          seen.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as EventBridgeEnvelope);
          inFlight -= 1;
          res.writeHead(202).end();
        }, 5);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      t = await startTestSimulator({
        eventTarget: { url: `http://127.0.0.1:${port}/intake`, concurrency: 4 },
      });
      const ids = Array.from({ length: 12 }, () => t.sim.createConversation().id);
      for (const id of ids) {
        t.sim.customerLeaves(id);
      }
      await t.sim.flushEvents();
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(4);
      for (const id of ids) {
        const topics = seen
          .map((e) => e.detail.topicName)
          .filter((topic) => topic.startsWith(`v2.detail.events.conversation.${id}.`));
        expect(topics.indexOf(`v2.detail.events.conversation.${id}.customer.end`)).toBeGreaterThan(
          topics.indexOf(`v2.detail.events.conversation.${id}.customer.start`),
        );
      }
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    }
  });
});

describe('notification WebSocket', () => {
  test('pushes subscribed topics and answers ping with pong', async () => {
    t = await startTestSimulator();
    const token = await simToken(t);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const channel = (await (
      await fetch(`${t.sim.url}/api/v2/notifications/channels`, { method: 'POST', headers: auth })
    ).json()) as { id: string; connectUri: string; expires: string };
    expect(channel.connectUri).toBe(`${t.sim.url.replace('http', 'ws')}/channels/${channel.id}`);
    const topic = 'v2.routing.queues.q-ws.conversations.messages';
    const subscribed = await fetch(
      `${t.sim.url}/api/v2/notifications/channels/${channel.id}/subscriptions`,
      { method: 'PUT', headers: auth, body: JSON.stringify([{ id: topic }]) },
    );
    expect(await subscribed.json()).toEqual({ entities: [{ id: topic, state: 'Permitted' }] });

    const socket = new WebSocket(channel.connectUri);
    const frames: {
      topicName: string;
      version?: string;
      eventBody: { id?: string; message?: string };
    }[] = [];
    const waiters: { predicate: () => boolean; resolve: () => void }[] = [];
    socket.on('message', (data: Buffer) => {
      frames.push(JSON.parse(data.toString('utf8')) as (typeof frames)[number]);
      waiters
        .filter((w) => w.predicate())
        .forEach((w) => {
          w.resolve();
        });
    });
    const wait = (predicate: () => boolean) =>
      new Promise<void>((resolve) => {
        waiters.push({ predicate, resolve });
      });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => {
        resolve();
      });
      socket.once('error', reject);
    });
    const gotPong = wait(() => frames.some((f) => f.eventBody.message === 'pong'));
    socket.send(JSON.stringify({ message: 'ping' }));
    await gotPong;
    const c = t.sim.createConversation({ queueId: 'q-ws' });
    t.sim.createConversation({ queueId: 'other-queue' });
    await wait(() => frames.some((f) => f.topicName === topic));
    const pushed = frames.find((f) => f.topicName === topic);
    expect(pushed).toMatchObject({ version: '2', eventBody: { id: c.id } });
    expect(frames.every((f) => f.topicName === topic || f.topicName === 'channel.metadata')).toBe(
      true,
    );
    const closed = new Promise<void>((resolve) =>
      socket.once('close', () => {
        resolve();
      }),
    );
    socket.close();
    await closed;
  });

  test('sends channel.metadata heartbeats at the configured interval', async () => {
    t = await startTestSimulator({ heartbeatIntervalMs: 20 });
    const token = await simToken(t);
    const channel = (await (
      await fetch(`${t.sim.url}/api/v2/notifications/channels`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { connectUri: string };
    const socket = new WebSocket(channel.connectUri);
    const frame = await new Promise<{ topicName: string; eventBody: { message: string } }>(
      (resolve, reject) => {
        socket.once('message', (data: Buffer) => {
          resolve(
            JSON.parse(data.toString('utf8')) as {
              topicName: string;
              eventBody: { message: string };
            },
          );
        });
        socket.once('error', reject);
      },
    );
    expect(frame).toEqual({
      topicName: 'channel.metadata',
      eventBody: { message: 'WebSocket Heartbeat' },
    });
    const closed = new Promise<void>((resolve) => {
      socket.once('close', () => {
        resolve();
      });
    });
    socket.close();
    await closed;
  });

  test('refuses a WebSocket for an unknown channel', async () => {
    t = await startTestSimulator();
    const socket = new WebSocket(`${t.sim.url.replace('http', 'ws')}/channels/nope`);
    const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
    expect(error.message).toContain('404');
  });
});

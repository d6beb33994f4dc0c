/**
 * Notification channel operations against the simulator over real HTTP and a real WebSocket:
 * channel creation, the subscription request body, and a notification arriving on connectUri.
 */
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import {
  queueConversationsTopic,
  subscribeNotificationChannel,
  topicProblems,
  type GenesysClient,
  type GenesysRequest,
  type GenesysResponse,
  type GenesysSender,
} from '../../../src/genesys';
import { createLogger } from '../../../src/observability/logger';
import { DEFAULT_QUEUE_ID } from '../../../src/simulator';
import { startTestSimulator, type TestSimulator } from '../../helpers/simulator';
import { clientFor } from './support';

const TOPIC = queueConversationsTopic(DEFAULT_QUEUE_ID);

describe('Genesys notification channels (simulator)', () => {
  let t: TestSimulator;
  let client: GenesysClient;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    t = await startTestSimulator();
    client = clientFor(t);
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) {
      socket.terminate();
    }
  });

  afterAll(async () => {
    await client.close();
    await t.sim.close();
  });

  it('creates a channel: POST /api/v2/notifications/channels → {id, connectUri, expires}', async () => {
    t.sim.clearRequests();
    const channel = await client.createNotificationChannel();
    expect(channel.id).toMatch(/\S/);
    expect(channel.connectUri).toBe(`${t.sim.url.replace(/^http/, 'ws')}/channels/${channel.id}`);
    expect(Number.isNaN(Date.parse(channel.expires ?? ''))).toBe(false);
    const posts = t.sim.apiRequests().filter((r) => r.path.startsWith('/api/v2/'));
    expect(posts.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v2/notifications/channels',
    ]);
    expect(posts[0]?.body).toBeUndefined();
  });

  it('subscribes with PUT …/subscriptions and the body [{id: topic}, …]', async () => {
    const channel = await client.createNotificationChannel();
    t.sim.clearRequests();
    const other = queueConversationsTopic('0b9c6a3e-1111-4a2b-8c3d-4e5f6a7b8c9d');
    const listing = await client.subscribeNotificationChannel(channel.id, [TOPIC, other]);
    const put = t.sim.apiRequests().filter((r) => r.method === 'PUT');
    expect(put).toHaveLength(1);
    expect(put[0]?.path).toBe(`/api/v2/notifications/channels/${channel.id}/subscriptions`);
    expect(put[0]?.body).toEqual([{ id: TOPIC }, { id: other }]);
    expect(put[0]?.headers['content-type']).toMatch(/^application\/json/);
    expect(listing.entities.map((e) => e.id)).toEqual([TOPIC, other]);
    expect(topicProblems(listing)).toEqual([]);

    // PUT replaces: subscribing again leaves only the new list.
    const replaced = await client.subscribeNotificationChannel(channel.id, [other]);
    expect(replaced.entities.map((e) => e.id)).toEqual([other]);
  });

  it('a subscribed socket at connectUri receives the queue notification of a new conversation', async () => {
    const channel = await client.createNotificationChannel();
    await client.subscribeNotificationChannel(channel.id, [TOPIC]);
    const socket = new WebSocket(channel.connectUri);
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => {
        resolve();
      });
      socket.once('error', reject);
    });
    const received = new Promise<{ topicName?: string; eventBody?: { id?: string } }>(
      (resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error('no notification within 5 s'));
        }, 5000);
        socket.on('message', (data: Buffer) => {
          const parsed = JSON.parse(data.toString('utf8')) as {
            topicName?: string;
            eventBody?: { id?: string };
          };
          if (parsed.topicName === TOPIC) {
            clearTimeout(timer);
            resolve(parsed);
          }
        });
      },
    );
    const conversation = t.sim.createConversation({ messageType: 'webmessaging' });
    const notification = await received;
    expect(notification.eventBody?.id).toBe(conversation.id);
  });

  it('an unknown channel is GENESYS_NOT_FOUND', async () => {
    await expect(
      client.subscribeNotificationChannel('no-such-channel', [TOPIC]),
    ).rejects.toMatchObject({
      code: 'GENESYS_NOT_FOUND',
      operation: 'subscribeNotificationChannel',
    });
  });
});

describe('rejected topics', () => {
  const rejected = {
    entities: [
      { id: 'v2.users.u1.conversations.messages', state: 'Permitted' },
      {
        id: TOPIC,
        state: 'Rejected',
        rejectionReason: 'Missing permissions',
        missingPermissions: ['routing:queue:view'],
      },
    ],
  };

  it('topicProblems names the topic and the missing permission', () => {
    const problems = topicProblems(rejected);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ topic: TOPIC, missingPermissions: ['routing:queue:view'] });
    expect(problems[0]?.message).toContain('missing permission(s) routing:queue:view');
    expect(problems[0]?.message).toContain('add a role holding routing:queue:view');
    expect(topicProblems({ entities: [{ id: 'x', state: 'Rejected' }] })[0]?.message).toContain(
      'state Rejected',
    );
  });

  it('subscribeNotificationChannel logs a warning per rejected topic and still returns the listing', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      stream: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(chunk.toString());
          callback();
        },
      }),
    });
    const requests: GenesysRequest[] = [];
    // A sender answering like Genesys does when a topic is refused (a 200 with per-topic states).
    const sender: GenesysSender = {
      send<T>(request: GenesysRequest<T>): Promise<GenesysResponse<T>> {
        requests.push(request);
        const body = request.responseSchema?.parse(rejected) as T;
        return Promise.resolve({
          status: 200,
          headers: {},
          requestId: 'r1',
          correlationId: undefined,
          attempts: 1,
          body,
          reconciled: false,
        });
      },
    };
    const listing = await subscribeNotificationChannel(sender, 'c1', [TOPIC], logger);
    expect(listing.entities).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      method: 'PUT',
      path: '/api/v2/notifications/channels/c1/subscriptions',
      body: [{ id: TOPIC }],
    });
    const warnings = lines
      .map((line) => JSON.parse(line) as { level: string; message: string; topic?: string })
      .filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.topic).toBe(TOPIC);
    expect(warnings[0]?.message).toContain('routing:queue:view');
  });
});

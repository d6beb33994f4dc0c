/**
 * Test helper: a Genesys simulator on 127.0.0.1:0 with one OAuth client holding every permission
 * closer uses. Close it in afterAll/afterEach (`await sim.close()`).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALL_KNOWN_PERMISSIONS, startSimulator } from '../../src/simulator';
import type { EventBridgeEnvelope, RunningSimulator, SimulatorOptions } from '../../src/simulator';

export interface TestSimulator {
  sim: RunningSimulator;
  /** The default client's credentials (all permissions). */
  clientId: string;
  clientSecret: string;
  /** Every permission the default client holds. */
  permissions: readonly string[];
}

/** Starts a simulator (options as `startSimulator`, port forced to 0) with a default client. */
export async function startTestSimulator(
  options: Omit<SimulatorOptions, 'port'> & { permissions?: readonly string[] } = {},
): Promise<TestSimulator> {
  const { permissions = ALL_KNOWN_PERMISSIONS, ...rest } = options;
  const sim = await startSimulator({ ...rest, port: 0 });
  const clientId = `test-client-${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(16).toString('hex');
  sim.registerClient({
    clientId,
    clientSecret,
    name: 'closer test client',
    permissions: [...permissions],
  });
  return { sim, clientId, clientSecret, permissions };
}

/** Gets a bearer token from the simulator with plain fetch. */
export async function simToken(t: TestSimulator): Promise<string> {
  const response = await fetch(`${t.sim.url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${t.clientId}:${t.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

/** The ErrorBody fields the simulator always sends. */
export interface SimErrorBody {
  message: string;
  code: string;
  status: number;
  messageWithParams: string;
  messageParams: Record<string, string>;
  contextId: string;
  details: unknown[];
  errors: unknown[];
}

/** `Basic base64(id:secret)`. */
export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/**
 * fetch against the simulator with `Bearer token` (pass `bearer: null` for none) and a JSON
 * content type when there is a body.
 */
export function simFetch(
  t: TestSimulator,
  token: string,
  path: string,
  init: RequestInit & { bearer?: string | null } = {},
): Promise<Response> {
  const { bearer = token, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (bearer !== null) {
    headers.set('authorization', `Bearer ${bearer}`);
  }
  if (rest.body !== undefined) {
    headers.set('content-type', 'application/json');
  }
  return fetch(`${t.sim.url}${path}`, { ...rest, headers });
}

/** What `startEventReceiver` recorded: each EventBridge envelope's topic and event body. */
export interface ReceivedEvent {
  topicName: string;
  detailType: string;
  eventBody: Record<string, unknown>;
}

/**
 * A local HTTP receiver for the simulator's EventBridge deliveries (answers 200). Set it with
 * `sim.setEventTarget({ url })`, call `sim.flushEvents()` before reading `events`.
 */
export async function startEventReceiver(): Promise<{
  url: string;
  events: ReceivedEvent[];
  close: () => Promise<void>;
}> {
  const events: ReceivedEvent[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const envelope = JSON.parse(Buffer.concat(chunks).toString('utf8')) as EventBridgeEnvelope;
      events.push({
        topicName: envelope.detail.topicName,
        detailType: envelope['detail-type'],
        eventBody: envelope.detail.eventBody as Record<string, unknown>,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    events,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/**
 * Targeted fault injection over real HTTP: each fault kind on a disconnect, what the client sees,
 * whether the disconnect took effect, and how the request log tells "reached Genesys" from
 * "took effect".
 */
import platformClient from 'purecloud-platform-client-v2';
import { simFetch, simToken, startTestSimulator } from '../../helpers/simulator';
import type { SimErrorBody, TestSimulator } from '../../helpers/simulator';

let t: TestSimulator;
let token: string;

beforeEach(async () => {
  t = await startTestSimulator();
  token = await simToken(t);
});
afterEach(async () => {
  await t.sim.close();
});

const DISCONNECT = { state: 'disconnected' };
const disconnect = (id: string, init: RequestInit = {}) =>
  simFetch(t, token, `/api/v2/conversations/messages/${id}`, {
    method: 'PATCH',
    body: JSON.stringify(DISCONNECT),
    ...init,
  });
const patches = () => t.sim.apiRequests().filter((r) => r.method === 'PATCH');

test('error-after applies the disconnect, then answers 500', async () => {
  const c = t.sim.createConversation();
  t.sim.injectFaults([
    { method: 'PATCH', path: '/api/v2/conversations/messages/', fault: 'error-after', times: 1 },
  ]);
  const response = await disconnect(c.id);
  expect(response.status).toBe(500);
  expect(((await response.json()) as SimErrorBody).code).toBe('internal.server.error');
  expect(t.sim.conversation(c.id)).toMatchObject({ state: 'disconnected', disconnectCount: 1 });
  expect(patches()).toEqual([
    expect.objectContaining({ status: 500, applied: true, fault: 'error-after' }),
  ]);
  // The retry meets the already-ended conversation.
  expect((await disconnect(c.id)).status).toBe(400);
});

test('error-before answers its status without applying; the rule is then spent', async () => {
  const c = t.sim.createConversation();
  t.sim.injectFaults([
    { method: 'patch', path: /\/messages\/[^/]+$/, fault: 'error-before', status: 503, times: 1 },
  ]);
  const response = await disconnect(c.id);
  expect(response.status).toBe(503);
  expect(((await response.json()) as SimErrorBody).code).toBe('service.unavailable');
  expect(t.sim.conversation(c.id)).toMatchObject({ state: 'connected', disconnectCount: 0 });
  expect((await disconnect(c.id)).status).toBe(200);
  expect(patches().map((r) => [r.status, r.applied, r.fault])).toEqual([
    [503, false, 'error-before'],
    [200, true, undefined],
  ]);
});

test('rate-limit answers 429 too.many.requests with Retry-After, twice, then passes', async () => {
  const c = t.sim.createConversation();
  t.sim.injectFaults([
    { method: '*', path: '/api/v2/', fault: 'rate-limit', retryAfterSeconds: 7, times: 2 },
  ]);
  for (let i = 0; i < 2; i += 1) {
    const response = await disconnect(c.id);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toMatchObject({ code: 'too.many.requests', status: 429 });
  }
  expect(t.sim.conversation(c.id)?.state).toBe('connected');
  expect((await disconnect(c.id)).status).toBe(200);
});

test('the SDK sees the injected 429 as Genesys would send it', async () => {
  const apiClient = platformClient.ApiClient.instance;
  apiClient.setGateway({
    host: '127.0.0.1',
    protocol: 'http',
    port: Number(new URL(t.sim.url).port),
    path_params_login: '',
    path_params_api: '',
  });
  await apiClient.loginClientCredentialsGrant(t.clientId, t.clientSecret);
  const c = t.sim.createConversation();
  t.sim.injectFaults([{ method: 'PATCH', path: '/api/v2/', fault: 'rate-limit', times: 1 }]);
  const conversations = new platformClient.ConversationsApi();
  // The SDK rejects with the ErrorBody itself (as sdk-conformance.test.ts shows for 403).
  await expect(
    conversations.patchConversationsMessage(c.id, {
      state: 'disconnected',
      startTime: '',
      participants: [],
    }),
  ).rejects.toMatchObject({ status: 429, code: 'too.many.requests' });
  apiClient.clearAccessToken();
});

test('drop destroys the socket before applying; drop-after after applying', async () => {
  const before = t.sim.createConversation();
  const after = t.sim.createConversation();
  t.sim.injectFaults([
    {
      method: 'PATCH',
      path: `/api/v2/conversations/messages/${before.id}`,
      fault: 'drop',
      times: 1,
    },
    {
      method: 'PATCH',
      path: `/api/v2/conversations/messages/${after.id}`,
      fault: 'drop-after',
      times: 1,
    },
  ]);
  await expect(disconnect(before.id)).rejects.toThrow();
  await expect(disconnect(after.id)).rejects.toThrow();
  expect(t.sim.conversation(before.id)?.state).toBe('connected');
  expect(t.sim.conversation(after.id)?.state).toBe('disconnected');
  expect(patches().map((r) => [r.status, r.applied, r.fault])).toEqual([
    [0, false, 'drop'],
    [0, true, 'drop-after'],
  ]);
});

test('hold delays the answer; a client that times out still disconnected it', async () => {
  const c = t.sim.createConversation();
  t.sim.injectFaults([{ method: 'PATCH', path: '/api/v2/', fault: 'hold', holdMs: 150, times: 2 }]);
  const started = Date.now();
  await expect(disconnect(c.id, { signal: AbortSignal.timeout(30) })).rejects.toThrow();
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(t.sim.conversation(c.id)?.state).toBe('disconnected');
  const second = t.sim.createConversation();
  const response = await disconnect(second.id);
  expect(response.status).toBe(200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  expect(patches().map((r) => [r.status, r.applied, r.fault])).toEqual([
    [200, true, 'hold'],
    [200, true, 'hold'],
  ]);
});

test('faults only hit matching requests; clearFaults removes the rest; control route', async () => {
  const c = t.sim.createConversation();
  t.sim.injectFaults([{ method: 'DELETE', path: '/api/v2/', fault: 'error-before', times: 5 }]);
  expect((await simFetch(t, token, `/api/v2/conversations/messages/${c.id}`)).status).toBe(200);
  t.sim.clearFaults();
  const added = await fetch(`${t.sim.url}/__simulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      rules: [
        {
          method: 'PATCH',
          pathPattern: '^/api/v2/conversations/messages/[^/]+$',
          fault: 'error-after',
          status: 502,
          times: 1,
        },
      ],
    }),
  });
  expect(added.status).toBe(204);
  expect((await disconnect(c.id)).status).toBe(502);
  expect(t.sim.conversation(c.id)?.state).toBe('disconnected');
  const bad = await fetch(`${t.sim.url}/__simulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules: [{ method: 'GET', fault: 'drop', times: 1 }] }),
  });
  expect(bad.status).toBe(400);
  expect((await fetch(`${t.sim.url}/__simulator/faults`, { method: 'DELETE' })).status).toBe(204);
});

test('skip lets the first matching requests through, then the rule fires (control route too)', async () => {
  const c = t.sim.createConversation();
  const read = () => simFetch(t, token, `/api/v2/conversations/messages/${c.id}`);
  t.sim.injectFaults([
    {
      method: 'GET',
      path: '/api/v2/conversations/messages/',
      fault: 'error-before',
      status: 503,
      times: 1,
      skip: 2,
    },
  ]);
  expect([(await read()).status, (await read()).status, (await read()).status]).toEqual([
    200, 200, 503,
  ]);
  expect((await read()).status).toBe(200);
  const reads = t.sim.apiRequests().filter((r) => r.method === 'GET');
  expect(reads.map((r) => r.fault)).toEqual([undefined, undefined, 'error-before', undefined]);
  const bad = await fetch(`${t.sim.url}/__simulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      rules: [{ method: 'GET', path: '/api/v2/', fault: 'drop', times: 1, skip: -1 }],
    }),
  });
  expect(bad.status).toBe(400);
  const added = await fetch(`${t.sim.url}/__simulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      rules: [{ method: 'GET', path: '/api/v2/', fault: 'error-before', times: 1, skip: 1 }],
    }),
  });
  expect(added.status).toBe(204);
  expect([(await read()).status, (await read()).status]).toEqual([200, 500]);
});

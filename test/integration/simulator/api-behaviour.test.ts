/**
 * The simulator's Genesys behaviour over real HTTP with plain fetch: OAuth, 401/403/404/429/503
 * ErrorBodies, conversation reads, disconnects and message sending.
 */
import { ManualClock } from '../../../src/timers/clock';
import { simToken, startTestSimulator } from '../../helpers/simulator';
import type { TestSimulator } from '../../helpers/simulator';

interface ErrorBodyShape {
  message: string;
  code: string;
  status: number;
  messageWithParams: string;
  messageParams: Record<string, string>;
  contextId: string;
  details: unknown[];
  errors: unknown[];
}

let t: TestSimulator;
let token: string;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
  t = await startTestSimulator({ clock });
  token = await simToken(t);
});
afterEach(async () => {
  await t.sim.close();
});

function api(path: string, init: RequestInit & { bearer?: string | null } = {}) {
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

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('OAuth client credentials', () => {
  test('issues a bearer token with the configured lifetime', async () => {
    const response = await fetch(`${t.sim.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: basic(t.clientId, t.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=conversations',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 86400 });
    expect(typeof body.access_token).toBe('string');
  });

  test('wrong secret is 401 invalid_client, wrong grant is 400 unsupported_grant_type', async () => {
    const post = (auth: string, form: string) =>
      fetch(`${t.sim.url}/oauth/token`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
    const wrong = await post(basic(t.clientId, 'nope'), 'grant_type=client_credentials');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const grant = await post(basic(t.clientId, t.clientSecret), 'grant_type=password');
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  test('token expiry follows the injected clock; expireTokens invalidates at once', async () => {
    const shortLived = await startTestSimulator({ clock, tokenTtlSeconds: 60 });
    try {
      const shortToken = await simToken(shortLived);
      const me = () =>
        fetch(`${shortLived.sim.url}/api/v2/tokens/me`, {
          headers: { authorization: `Bearer ${shortToken}` },
        });
      expect((await me()).status).toBe(200);
      clock.advance(61_000);
      const expired = await me();
      expect(expired.status).toBe(401);
      expect(((await expired.json()) as ErrorBodyShape).code).toBe('bad.credentials');
    } finally {
      await shortLived.sim.close();
    }
    expect((await api('/api/v2/tokens/me')).status).toBe(200);
    t.sim.expireTokens();
    expect((await api('/api/v2/tokens/me')).status).toBe(401);
  });
});

describe('errors', () => {
  test('401 authentication.required without a token, with ININ-Correlation-Id = contextId', async () => {
    const c = t.sim.createConversation();
    const response = await api(`/api/v2/conversations/messages/${c.id}`, { bearer: null });
    expect(response.status).toBe(401);
    const body = (await response.json()) as ErrorBodyShape;
    expect(body).toMatchObject({ code: 'authentication.required', status: 401, details: [] });
    expect(response.headers.get('inin-correlation-id')).toBe(body.contextId);
  });

  test('403 missing.any.permissions names the permissions the role lacks', async () => {
    const c = t.sim.createConversation();
    t.sim.registerClient({ clientId: 'ro', clientSecret: 'ro-secret', permissions: [] });
    const login = await fetch(`${t.sim.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic('ro', 'ro-secret') },
      body: 'grant_type=client_credentials',
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const response = await api(`/api/v2/conversations/messages/${c.id}`, {
      method: 'PATCH',
      bearer: access_token,
      body: JSON.stringify({ state: 'disconnected' }),
    });
    expect(response.status).toBe(403);
    const body = (await response.json()) as ErrorBodyShape;
    expect(body.code).toBe('missing.any.permissions');
    expect(body.message).toContain('conversation:communication:disconnect');
    expect(body.messageParams.permissions).toContain('conversation:message:park');
    expect(t.sim.conversation(c.id)?.state).toBe('connected');
    expect(t.sim.conversation(c.id)?.disconnectCount).toBe(0);
  });

  test('DELETE /api/v2/conversations/webmessaging/{id} does not exist: 404 not.found', async () => {
    const c = t.sim.createConversation();
    const response = await api(`/api/v2/conversations/webmessaging/${c.id}`, { method: 'DELETE' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBodyShape).code).toBe('not.found');
    expect(t.sim.conversation(c.id)?.state).toBe('connected');
  });

  test('429 with Retry-After and inin-ratelimit-* headers; window resets with the clock', async () => {
    t.sim.setRateLimit({ requests: 2, windowSeconds: 60 });
    const first = await api('/api/v2/tokens/me');
    expect(first.headers.get('inin-ratelimit-allowed')).toBe('2');
    expect(first.headers.get('inin-ratelimit-count')).toBe('1');
    expect((await api('/api/v2/tokens/me')).status).toBe(200);
    const limited = await api('/api/v2/tokens/me');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.headers.get('inin-ratelimit-reset')).toBe('60');
    const body = (await limited.json()) as ErrorBodyShape;
    expect(body.code).toBe('too.many.requests');
    expect(body.message).toBe('Rate limit exceeded the maximum [2] requests within [60] seconds');
    clock.advance(60_000);
    expect((await api('/api/v2/tokens/me')).status).toBe(200);
  });

  test('failure rate 1 answers 503 service.unavailable; 0 restores service', async () => {
    t.sim.setFailureRate(1);
    const failed = await api('/api/v2/tokens/me');
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as ErrorBodyShape).code).toBe('service.unavailable');
    t.sim.setFailureRate(0);
    expect((await api('/api/v2/tokens/me')).status).toBe(200);
  });

  test('a seeded failure rate fails some but not all calls, reproducibly', async () => {
    const statuses = async (seed: number) => {
      const s = await startTestSimulator({ failureRate: 0.5, seed });
      try {
        const tok = await simToken(s);
        const out: number[] = [];
        for (let i = 0; i < 20; i += 1) {
          const r = await fetch(`${s.sim.url}/api/v2/tokens/me`, {
            headers: { authorization: `Bearer ${tok}` },
          });
          out.push(r.status);
        }
        return out;
      } finally {
        await s.sim.close();
      }
    };
    const a = await statuses(7);
    expect(a).toContain(503);
    expect(a).toContain(200);
    expect(await statuses(7)).toEqual(a);
  });
});

describe('conversations', () => {
  test('GET message conversation lists participants and messages with clock times', async () => {
    const c = t.sim.createConversation({ queueId: 'q-1', agentUserId: 'u-1' });
    t.sim.postMessage(c.id, 'customer', 'hello');
    clock.advance(5_000);
    t.sim.postMessage(c.id, 'agent', 'hi there');
    const response = await api(`/api/v2/conversations/messages/${c.id}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      participants: {
        purpose: string;
        state: string;
        user?: { id: string };
        queue?: { id: string };
        messages: { messageTime: string }[];
      }[];
    };
    const agent = body.participants.find((p) => p.purpose === 'agent');
    const customer = body.participants.find((p) => p.purpose === 'customer');
    expect(agent).toMatchObject({ state: 'connected', user: { id: 'u-1' }, queue: { id: 'q-1' } });
    expect(customer?.messages[0]?.messageTime).toBe('2026-03-01T09:00:00.000Z');
    expect(agent?.messages[0]?.messageTime).toBe('2026-03-01T09:00:05.000Z');
    expect(body.participants.map((p) => p.purpose).sort()).toEqual(['acd', 'agent', 'customer']);
  });

  test('GET conversation exposes each communication id under participants[].messages', async () => {
    const c = t.sim.createConversation();
    const body = (await (await api(`/api/v2/conversations/${c.id}`)).json()) as {
      participants: { id: string; messages: { id: string }[] }[];
    };
    for (const leg of c.participants) {
      const p = body.participants.find((x) => x.id === leg.id);
      expect(p?.messages[0]?.id).toBe(leg.communicationId);
    }
  });

  test('send message: 202 MessageData; >2000 chars is 400; unknown communication 404', async () => {
    const c = t.sim.createConversation();
    const agent = c.participants.find((p) => p.purpose === 'agent')!;
    const path = `/api/v2/conversations/messages/${c.id}/communications/${agent.communicationId}/messages`;
    const ok = await api(path, { method: 'POST', body: JSON.stringify({ textBody: 'Bye!' }) });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({
      direction: 'outbound',
      normalizedMessage: { text: 'Bye!' },
    });
    const long = await api(path, {
      method: 'POST',
      body: JSON.stringify({ textBody: 'x'.repeat(2001) }),
    });
    expect(long.status).toBe(400);
    expect(((await long.json()) as ErrorBodyShape).code).toBe('bad.request');
    const unknown = await api(
      `/api/v2/conversations/messages/${c.id}/communications/nope/messages`,
      {
        method: 'POST',
        body: JSON.stringify({ textBody: 'x' }),
      },
    );
    expect(unknown.status).toBe(404);
    expect(t.sim.conversation(c.id)?.messages).toEqual([
      { side: 'agent', text: 'Bye!', messageTime: '2026-03-01T09:00:00.000Z' },
    ]);
  });

  test('disconnecting the agent leg ends the conversation; a second disconnect is 400 and counted', async () => {
    const c = t.sim.createConversation();
    const agent = c.participants.find((p) => p.purpose === 'agent')!;
    const leg = `/api/v2/conversations/messages/${c.id}/participants/${agent.id}`;
    const first = await api(leg, {
      method: 'PATCH',
      body: JSON.stringify({ state: 'disconnected' }),
    });
    expect(first.status).toBe(202);
    expect(await first.text()).toBe('');
    expect(t.sim.conversation(c.id)?.state).toBe('disconnected');
    const again = await api(`/api/v2/conversations/messages/${c.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ state: 'disconnected' }),
    });
    expect(again.status).toBe(400);
    expect(t.sim.conversation(c.id)?.disconnectCount).toBe(2);
  });

  test('PATCH whole conversation answers 200 Conversation, all legs disconnected', async () => {
    const c = t.sim.createConversation();
    const response = await api(`/api/v2/conversations/messages/${c.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ state: 'disconnected' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      state: string;
      participants: { messages: { state: string }[] }[];
    };
    expect(body.state).toBe('disconnected');
    expect(body.participants.every((p) => p.messages[0]?.state === 'disconnected')).toBe(true);
  });

  test('customer leaving keeps the agent connected; wrap-up then disconnect', async () => {
    const c = t.sim.createConversation();
    t.sim.customerLeaves(c.id);
    const agent = c.participants.find((p) => p.purpose === 'agent')!;
    expect(t.sim.conversation(c.id)?.state).toBe('connected');
    const codes = (await (
      await api(`/api/v2/conversations/messages/${c.id}/participants/${agent.id}/wrapupcodes`)
    ).json()) as { id: string }[];
    const wrap = await api(
      `/api/v2/conversations/messages/${c.id}/participants/${agent.id}/communications/${agent.communicationId}/wrapup`,
      { method: 'POST', body: JSON.stringify({ code: codes[1]!.id }) },
    );
    expect(wrap.status).toBe(202);
    await api(`/api/v2/conversations/${c.id}`, { method: 'DELETE' });
    const summary = t.sim.conversation(c.id)!;
    expect(summary.state).toBe('disconnected');
    expect(summary.participants.find((p) => p.purpose === 'agent')?.wrapup).toEqual({
      code: codes[1]!.id,
    });
  });
});

describe('control API', () => {
  test('drives conversations and settings over HTTP', async () => {
    const created = await fetch(`${t.sim.url}/__simulator/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ withAgent: false }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const msg = await fetch(`${t.sim.url}/__simulator/conversations/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ side: 'customer', text: 'anyone?' }),
    });
    expect(msg.status).toBe(201);
    await fetch(`${t.sim.url}/__simulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failureRate: 1 }),
    });
    expect((await api('/api/v2/tokens/me')).status).toBe(503);
    const leave = await fetch(`${t.sim.url}/__simulator/conversations/${id}/leave`, {
      method: 'POST',
    });
    expect(leave.status).toBe(204);
    const summary = (await (
      await fetch(`${t.sim.url}/__simulator/conversations/${id}`)
    ).json()) as {
      state: string;
      messages: unknown[];
    };
    expect(summary).toMatchObject({
      state: 'disconnected',
      messages: [{ side: 'customer', text: 'anyone?' }],
    });
    const bad = await fetch(`${t.sim.url}/__simulator/settings`, {
      method: 'POST',
      body: JSON.stringify({ failureRate: 2 }),
    });
    expect(bad.status).toBe(400);
    expect(t.sim.apiRequests().every((r) => !r.path.startsWith('/__simulator'))).toBe(true);
  });
});

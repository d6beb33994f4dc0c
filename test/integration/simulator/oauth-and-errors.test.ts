/**
 * The simulator's OAuth and Genesys error behaviour over real HTTP with plain fetch: tokens,
 * 401/403/404/429/503 ErrorBodies, correlation ids.
 */
import { ManualClock } from '../../../src/timers/clock';
import { basicAuth, simFetch, simToken, startTestSimulator } from '../../helpers/simulator';
import type { SimErrorBody, TestSimulator } from '../../helpers/simulator';

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

const api = (path: string, init: RequestInit & { bearer?: string | null } = {}) =>
  simFetch(t, token, path, init);

describe('OAuth client credentials', () => {
  test('issues a bearer token with the configured lifetime', async () => {
    const response = await fetch(`${t.sim.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(t.clientId, t.clientSecret),
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
    const wrong = await post(basicAuth(t.clientId, 'nope'), 'grant_type=client_credentials');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const grant = await post(basicAuth(t.clientId, t.clientSecret), 'grant_type=password');
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
      expect(((await expired.json()) as SimErrorBody).code).toBe('bad.credentials');
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
    const body = (await response.json()) as SimErrorBody;
    expect(body).toMatchObject({ code: 'authentication.required', status: 401, details: [] });
    expect(response.headers.get('inin-correlation-id')).toBe(body.contextId);
  });

  test('403 missing.any.permissions names the permissions the role lacks', async () => {
    const c = t.sim.createConversation();
    t.sim.registerClient({ clientId: 'ro', clientSecret: 'ro-secret', permissions: [] });
    const login = await fetch(`${t.sim.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basicAuth('ro', 'ro-secret') },
      body: 'grant_type=client_credentials',
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const response = await api(`/api/v2/conversations/messages/${c.id}`, {
      method: 'PATCH',
      bearer: access_token,
      body: JSON.stringify({ state: 'disconnected' }),
    });
    expect(response.status).toBe(403);
    const body = (await response.json()) as SimErrorBody;
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
    expect(((await response.json()) as SimErrorBody).code).toBe('not.found');
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
    const body = (await limited.json()) as SimErrorBody;
    expect(body.code).toBe('too.many.requests');
    expect(body.message).toBe('Rate limit exceeded the maximum [2] requests within [60] seconds');
    clock.advance(60_000);
    expect((await api('/api/v2/tokens/me')).status).toBe(200);
  });

  test('failure rate 1 answers 503 service.unavailable; 0 restores service', async () => {
    t.sim.setFailureRate(1);
    const failed = await api('/api/v2/tokens/me');
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as SimErrorBody).code).toBe('service.unavailable');
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

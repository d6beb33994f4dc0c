import { GenesysApiError, GenesysClient, GenesysConfigError } from '../../../src/genesys';
import {
  startLoopbackServer,
  tokenReply,
  type LoopbackServer,
  type StubReply,
  type StubRequest,
} from './support/loopback-server';
import { RecordingClock, runWithClock } from './support/test-clock';

const CONVERSATION = '11111111-2222-4333-8444-555555555555';

describe('GenesysClient.send (loopback stub)', () => {
  let server: LoopbackServer | undefined;
  let client: GenesysClient | undefined;

  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  async function setup(
    api: (request: StubRequest, apiIndex: number) => StubReply,
    options: { timeoutMs?: number; maxRetries?: number } = {},
  ): Promise<{ clock: RecordingClock; api: () => StubRequest[] }> {
    let apiIndex = 0;
    let tokenIndex = 0;
    server = await startLoopbackServer((request) => {
      if (request.path === '/oauth/token') {
        tokenIndex += 1;
        return tokenReply(`token-${tokenIndex}`);
      }
      const reply = api(request, apiIndex);
      apiIndex += 1;
      return reply;
    });
    const clock = new RecordingClock();
    client = new GenesysClient({
      apiUrl: server.url,
      loginUrl: server.url,
      clientId: 'cid',
      clientSecret: 'csecret',
      clock,
      baseBackoffMs: 100,
      random: () => 0,
      ...options,
    });
    const stub = server;
    return { clock, api: () => stub.requests.filter((r) => r.path !== '/oauth/token') };
  }

  it('retries a 502 on a GET with backoff, keeping one request id across attempts', async () => {
    const { clock, api } = await setup((_r, i) =>
      i < 2 ? { status: 502 } : { status: 200, body: { id: CONVERSATION, participants: [] } },
    );
    const conversation = await runWithClock(clock, client!.getMessageConversation(CONVERSATION));
    expect(conversation.id).toBe(CONVERSATION);
    expect(api()).toHaveLength(3);
    const ids = new Set(api().map((r) => r.headers['x-request-id']));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(clock.slept).toEqual([50, 100]);
  });

  it('maps a 404 to GENESYS_NOT_FOUND with the correlation id and no retry', async () => {
    const { api } = await setup(() => ({
      status: 404,
      headers: { 'inin-correlation-id': 'corr-1' },
      body: { status: 404, code: 'not.found', message: 'The requested resource was not found.' },
    }));
    const error = (await client!
      .getConversation(CONVERSATION)
      .catch((e: unknown) => e)) as GenesysApiError;
    expect(error).toBeInstanceOf(GenesysApiError);
    expect(error.code).toBe('GENESYS_NOT_FOUND');
    expect(error.correlationId).toBe('corr-1');
    expect(error.genesysCode).toBe('not.found');
    expect(error.retryable).toBe(false);
    expect(api()).toHaveLength(1);
  });

  it('re-authenticates transparently once on 401', async () => {
    const { api } = await setup((request) =>
      request.headers.authorization === 'Bearer token-1'
        ? { status: 401, body: { code: 'bad.credentials' } }
        : { status: 200, body: { organization: { id: 'org' } } },
    );
    await expect(client!.getTokenInfo()).resolves.toMatchObject({ organization: { id: 'org' } });
    expect(api().map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(client!.tokenRequestCount).toBe(2);
  });

  it('gives up on a second 401 with GENESYS_AUTH_FAILED', async () => {
    await setup(() => ({ status: 401, body: { code: 'bad.credentials' } }));
    const error = (await client!.getTokenInfo().catch((e: unknown) => e)) as GenesysApiError;
    expect(error.code).toBe('GENESYS_AUTH_FAILED');
    expect(client!.tokenRequestCount).toBe(2);
  });

  it('does not re-send a POST message after an ambiguous 500', async () => {
    const { api } = await setup(() => ({ status: 500, body: { code: 'internal.server.error' } }));
    const error = (await client!
      .sendMessage(CONVERSATION, 'comm-1', 'bye')
      .catch((e: unknown) => e)) as GenesysApiError;
    expect(error.code).toBe('GENESYS_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('not re-sent');
    expect(api()).toHaveLength(1);
  });

  it('does re-send a POST after a 429 (rejected at the door)', async () => {
    const { clock, api } = await setup((_r, i) =>
      i === 0
        ? { status: 429, headers: { 'retry-after': '1' }, body: { code: 'too.many.requests' } }
        : { status: 200, body: { id: 'm1', textBody: 'bye', status: 'sent', timestamp: 't' } },
    );
    const sent = await runWithClock(clock, client!.sendMessage(CONVERSATION, 'comm-1', 'bye'));
    expect(sent.id).toBe('m1');
    expect(api()).toHaveLength(2);
    expect(clock.slept).toEqual([1000]);
  });

  it('reconciles an ambiguous disconnect failure by re-reading instead of re-sending', async () => {
    const { clock, api } = await setup((request) =>
      request.method === 'PATCH'
        ? { status: 504, body: { code: 'request.timeout' } }
        : {
            status: 200,
            body: {
              id: CONVERSATION,
              participants: [
                { id: 'c', purpose: 'customer', state: 'disconnected' },
                { id: 'a', purpose: 'agent', state: 'disconnected' },
              ],
            },
          },
    );
    await runWithClock(clock, client!.disconnectMessageConversation(CONVERSATION));
    expect(api().map((r) => r.method)).toEqual(['PATCH', 'GET']);
  });

  it('re-sends the disconnect when the re-read shows someone still connected', async () => {
    let patches = 0;
    const { clock, api } = await setup((request) => {
      if (request.method === 'PATCH') {
        patches += 1;
        return patches === 1
          ? { status: 500 }
          : { status: 200, body: { id: CONVERSATION, participants: [] } };
      }
      return {
        status: 200,
        body: {
          id: CONVERSATION,
          participants: [{ id: 'c', purpose: 'customer', state: 'connected' }],
        },
      };
    });
    await runWithClock(clock, client!.disconnectMessageConversation(CONVERSATION));
    expect(api().map((r) => r.method)).toEqual(['PATCH', 'GET', 'PATCH']);
    expect(JSON.parse(api()[2]?.body ?? '')).toEqual({ state: 'disconnected' });
  });

  it('times out a slow attempt with GENESYS_TIMEOUT after retries', async () => {
    const { clock, api } = await setup(() => ({ status: 200, body: {}, delayMs: 400 }), {
      timeoutMs: 50,
      maxRetries: 1,
    });
    const error = (await runWithClock(clock, client!.getTokenInfo()).catch(
      (e: unknown) => e,
    )) as GenesysApiError;
    expect(error.code).toBe('GENESYS_TIMEOUT');
    expect(error.attempts).toBe(2);
    expect(api()).toHaveLength(2);
  });

  it('reports a dropped connection as GENESYS_NETWORK after retries', async () => {
    const { clock } = await setup(() => ({ status: 200, destroy: true }), { maxRetries: 1 });
    const error = (await runWithClock(clock, client!.getTokenInfo()).catch(
      (e: unknown) => e,
    )) as GenesysApiError;
    expect(error.code).toBe('GENESYS_NETWORK');
  });

  it('rejects a 2xx body without the fields closer depends on', async () => {
    await setup(() => ({ status: 200, body: { participants: 'nope' } }));
    const error = (await client!
      .getMessageConversation(CONVERSATION)
      .catch((e: unknown) => e)) as GenesysApiError;
    expect(error.code).toBe('GENESYS_INVALID_RESPONSE');
  });

  it('keeps unknown fields (lenient models)', async () => {
    await setup(() => ({
      status: 200,
      body: {
        id: CONVERSATION,
        participants: [{ id: 'p', state: 'connected', brandNew: 1 }],
        extra: true,
      },
    }));
    const conversation = await client!.getMessageConversation(CONVERSATION);
    expect(conversation.extra).toBe(true);
    expect(conversation.participants[0]?.brandNew).toBe(1);
  });

  it('rejects bad options at construction with GENESYS_CONFIG', () => {
    expect(() => new GenesysClient({ clientId: 'a', clientSecret: 'b', region: 'moon_1' })).toThrow(
      GenesysConfigError,
    );
    expect(() => new GenesysClient({ clientId: '', clientSecret: 'b' })).toThrow(
      /clientId is required/,
    );
    expect(
      () => new GenesysClient({ clientId: 'a', clientSecret: 'b', maxConcurrency: 0 }),
    ).toThrow(GenesysConfigError);
  });

  it('derives api/login URLs from the region', async () => {
    const eu = new GenesysClient({ clientId: 'a', clientSecret: 'b', region: 'mypurecloud.ie' });
    expect([eu.region, eu.apiUrl, eu.loginUrl]).toEqual([
      'eu_west_1',
      'https://api.mypurecloud.ie',
      'https://login.mypurecloud.ie',
    ]);
    await eu.close();
  });
});

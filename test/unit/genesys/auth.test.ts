import { Agent } from 'undici';
import { TokenProvider } from '../../../src/genesys/auth';
import { GenesysApiError } from '../../../src/genesys';
import { silentLogger } from '../../../src/observability/logger';
import { startLoopbackServer, tokenReply, type LoopbackServer } from './support/loopback-server';
import { RecordingClock, runWithClock } from './support/test-clock';

describe('TokenProvider', () => {
  let server: LoopbackServer | undefined;
  const agent = new Agent();

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  afterAll(async () => {
    await agent.close();
  });

  function provider(
    url: string,
    clock: RecordingClock,
    overrides: { maxRetries?: number } = {},
  ): TokenProvider {
    return new TokenProvider({
      loginUrl: url,
      clientId: 'client-1',
      clientSecret: 'secret-1',
      region: 'eu_west_1',
      dispatcher: agent,
      clock,
      logger: silentLogger,
      timeoutMs: 2000,
      userAgent: 'test',
      policy: { maxRetries: overrides.maxRetries ?? 2, baseBackoffMs: 10, maxRetryAfterMs: 1000 },
    });
  }

  it('sends the client-credentials request exactly as the SDK does (Basic auth, form body, no scope)', async () => {
    server = await startLoopbackServer(() => tokenReply('tok-1'));
    const clock = new RecordingClock();
    await expect(provider(server.url, clock).getToken()).resolves.toBe('tok-1');
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/oauth/token');
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from('client-1:secret-1').toString('base64')}`,
    );
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.body).toBe('grant_type=client_credentials');
  });

  it('shares one token request among concurrent callers (single flight) and caches it', async () => {
    let served = 0;
    server = await startLoopbackServer(() => {
      served += 1;
      return { ...tokenReply(`tok-${served}`), delayMs: 30 };
    });
    const tokens = provider(server.url, new RecordingClock());
    const results = await Promise.all(Array.from({ length: 20 }, () => tokens.getToken()));
    expect(new Set(results)).toEqual(new Set(['tok-1']));
    expect(await tokens.getToken()).toBe('tok-1');
    expect(server.requests).toHaveLength(1);
    expect(tokens.requestCount).toBe(1);
  });

  it('refreshes before expiry: 60 s margin for long tokens, 10 % for short ones', async () => {
    let served = 0;
    server = await startLoopbackServer(() => {
      served += 1;
      return tokenReply(`tok-${served}`, served === 1 ? 3600 : 300);
    });
    const clock = new RecordingClock();
    const tokens = provider(server.url, clock);
    expect(await tokens.getToken()).toBe('tok-1');
    clock.advance(3600_000 - 60_001);
    expect(await tokens.getToken()).toBe('tok-1');
    clock.advance(1);
    expect(await tokens.getToken()).toBe('tok-2'); // 300 s token: refresh 30 s early
    clock.advance(270_000 - 1);
    expect(await tokens.getToken()).toBe('tok-2');
    clock.advance(1);
    expect(await tokens.getToken()).toBe('tok-3');
  });

  it('invalidate() drops only the token that was rejected', async () => {
    let served = 0;
    server = await startLoopbackServer(() => {
      served += 1;
      return tokenReply(`tok-${served}`);
    });
    const tokens = provider(server.url, new RecordingClock());
    expect(await tokens.getToken()).toBe('tok-1');
    tokens.invalidate('some-older-token');
    expect(await tokens.getToken()).toBe('tok-1');
    tokens.invalidate('tok-1');
    expect(await tokens.getToken()).toBe('tok-2');
  });

  it('explains invalid_client as wrong id/secret or wrong region, without retrying', async () => {
    server = await startLoopbackServer(() => ({
      status: 400,
      body: { error: 'invalid_client', description: 'client not found' },
    }));
    const error = await provider(server.url, new RecordingClock())
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysApiError);
    const apiError = error as GenesysApiError;
    expect(apiError.code).toBe('GENESYS_AUTH_FAILED');
    expect(apiError.genesysCode).toBe('invalid_client');
    expect(apiError.message).toContain('wrong client id/secret or wrong region eu_west_1');
    expect(apiError.message).not.toContain('secret-1');
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 503 from the login host with backoff on the clock', async () => {
    server = await startLoopbackServer((_request, index) =>
      index === 0 ? { status: 503, body: { message: 'down' } } : tokenReply('tok-after-503'),
    );
    const clock = new RecordingClock();
    const token = await runWithClock(clock, provider(server.url, clock).getToken());
    expect(token).toBe('tok-after-503');
    expect(server.requests).toHaveLength(2);
    expect(clock.slept).toHaveLength(1);
  });

  it('gives up with GENESYS_UNAVAILABLE after maxRetries', async () => {
    server = await startLoopbackServer(() => ({ status: 500 }));
    const clock = new RecordingClock();
    const error = await runWithClock(
      clock,
      provider(server.url, clock, { maxRetries: 2 }).getToken(),
    ).catch((e: unknown) => e);
    expect((error as GenesysApiError).code).toBe('GENESYS_UNAVAILABLE');
    expect(server.requests).toHaveLength(3);
  });
});

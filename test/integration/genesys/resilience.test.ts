import { PassThrough } from 'node:stream';
import { endConversation, type GenesysClient } from '../../../src/genesys';
import { createLogger } from '../../../src/observability/logger';
import { startTestSimulator, type TestSimulator } from '../../helpers/simulator';
import { RecordingClock, runWithClock } from '../../unit/genesys/support/test-clock';
import { clientFor } from './support';

describe('retries, rate limits and tokens (simulator)', () => {
  let t: TestSimulator | undefined;
  let client: GenesysClient | undefined;

  afterEach(async () => {
    await client?.close();
    await t?.sim.close();
    client = undefined;
    t = undefined;
  });

  it('retries a 429 only after the Retry-After wait (measured on the shared clock)', async () => {
    const clock = new RecordingClock();
    const sim = await startTestSimulator({ clock, rateLimit: { requests: 2, windowSeconds: 5 } });
    t = sim;
    client = clientFor(sim, { clock, maxConcurrency: 4 });
    const c = client;
    await c.getToken();
    const conversation = sim.sim.createConversation();
    sim.sim.clearRequests();

    // Three at once: the third lands in a used-up window before closer has seen any header.
    const reads = await runWithClock(
      clock,
      Promise.all([1, 2, 3].map(() => c.getMessageConversation(conversation.id))),
    );

    expect(reads.map((r) => r.id)).toEqual([conversation.id, conversation.id, conversation.id]);
    const seen = sim.sim.apiRequests();
    const limited = seen.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    const retry = seen.find((r) => r.seq > (limited[0]?.seq ?? 0) && r.status === 200);
    expect(retry?.headers['x-request-id']).toBe(limited[0]?.headers['x-request-id']);
    expect((retry?.at ?? 0) - (limited[0]?.at ?? 0)).toBeGreaterThanOrEqual(5000);
    expect(clock.slept).toContain(5000);
  });

  it('paces itself when inin-ratelimit says the window is used up (no 429 at all)', async () => {
    const clock = new RecordingClock();
    const sim = await startTestSimulator({ clock, rateLimit: { requests: 3, windowSeconds: 10 } });
    t = sim;
    client = clientFor(sim, { clock });
    const c = client;
    const conversation = sim.sim.createConversation();
    sim.sim.clearRequests();

    await runWithClock(
      clock,
      (async () => {
        for (let i = 0; i < 5; i += 1) {
          await c.getMessageConversation(conversation.id);
        }
      })(),
    );

    const seen = sim.sim.apiRequests().filter((r) => r.path.startsWith('/api/v2/'));
    expect(seen.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect((seen[3]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(10_000);
  });

  it('retries 503s (injected failures) and still ends the conversation exactly once', async () => {
    const sim = await startTestSimulator({ failureRate: 0.4, seed: 7 });
    t = sim;
    client = clientFor(sim, { maxRetries: 10, baseBackoffMs: 1 });
    const conversation = sim.sim.createConversation();

    const outcome = await endConversation(client, conversation.id, { message: 'bye' });

    expect(outcome.outcome).toBe('terminated');
    const statuses = sim.sim.apiRequests().map((r) => r.status);
    expect(statuses).toContain(503);
    expect(sim.sim.conversation(conversation.id)?.state).toBe('disconnected');
    const patches = sim.sim.apiRequests().filter((r) => r.method === 'PATCH' && r.status < 300);
    expect(patches).toHaveLength(1);
  });

  it('refreshes the token when it nears expiry on the injected clock', async () => {
    const clock = new RecordingClock();
    const sim = await startTestSimulator({ clock, tokenTtlSeconds: 3600 });
    t = sim;
    client = clientFor(sim, { clock });
    const conversation = sim.sim.createConversation();

    await client.getMessageConversation(conversation.id);
    clock.advance(3600_000 - 60_000 + 1);
    await client.getMessageConversation(conversation.id);

    const tokenCalls = sim.sim.apiRequests().filter((r) => r.path === '/oauth/token');
    expect(tokenCalls).toHaveLength(2);
    expect(sim.sim.apiRequests().every((r) => r.status !== 401)).toBe(true);
  });

  it('fetches a new token once on 401 (tokens revoked) and carries on', async () => {
    const sim = await startTestSimulator();
    t = sim;
    client = clientFor(sim);
    const conversation = sim.sim.createConversation();
    await client.getMessageConversation(conversation.id);
    sim.sim.expireTokens();
    sim.sim.clearRequests();

    await client.getMessageConversation(conversation.id);

    expect(sim.sim.apiRequests().map((r) => `${r.status} ${r.method} ${r.path}`)).toEqual([
      `401 GET /api/v2/conversations/messages/${conversation.id}`,
      '200 POST /oauth/token',
      `200 GET /api/v2/conversations/messages/${conversation.id}`,
    ]);
  });

  it('N concurrent callers cause exactly one token request', async () => {
    const sim = await startTestSimulator({ latencyMs: 20 });
    t = sim;
    client = clientFor(sim, { maxConcurrency: 16, requestsPerSecond: 1000 });
    const c = client;
    const conversation = sim.sim.createConversation();

    await Promise.all(Array.from({ length: 12 }, () => c.getMessageConversation(conversation.id)));

    expect(sim.sim.apiRequests().filter((r) => r.path === '/oauth/token')).toHaveLength(1);
    expect(c.tokenRequestCount).toBe(1);
  });

  it('keeps the client secret and access tokens out of the logs, and logs retries', async () => {
    const sim = await startTestSimulator({ failureRate: 0.5, seed: 3 });
    t = sim;
    const stream = new PassThrough();
    let logged = '';
    stream.on('data', (chunk: Buffer) => {
      logged += chunk.toString('utf8');
    });
    client = clientFor(sim, {
      maxRetries: 10,
      baseBackoffMs: 1,
      logger: createLogger({ stream, level: 'debug' }),
    });
    const conversation = sim.sim.createConversation();
    await endConversation(client, conversation.id, { message: 'bye', wrapupCode: 'w1' });
    sim.sim.expireTokens();
    await client.getTokenInfo();

    const tokens = sim.sim
      .apiRequests()
      .map((r) => r.headers.authorization?.replace(/^Bearer /, ''))
      .filter((v): v is string => v !== undefined && !v.startsWith('Basic '));
    expect(tokens.length).toBeGreaterThan(0);
    expect(logged).toContain('retrying Genesys request');
    expect(logged).not.toContain(sim.clientSecret);
    expect(logged).not.toContain(
      Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64'),
    );
    for (const token of new Set(tokens)) {
      expect(logged).not.toContain(token);
    }
  });
});

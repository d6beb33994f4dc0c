import request from 'supertest';
import { openStore } from '../../../src/store';
import { startTestCloser, TEST_ENV, type TestCloser } from '../../helpers/closer';
import { eventBridgeEnvelope, genesysNotification, signedWebhook } from '../../helpers/payloads';
import { API_AUTH, EB_HEADERS, secretsInLogs, Verdicts } from './verdicts';

/**
 * Faults around bad input: the store failing under intake (503 + Retry-After, retryable, never a
 * 500 or a crash, and nothing acknowledged is lost), duplicate deliveries (acknowledged, stored
 * once), and input Genesys itself would refuse (a 400 naming it, not a 500).
 */

let t: TestCloser | undefined;

afterEach(async () => {
  await t?.close();
  t = undefined;
});

function webhookRequest(closer: TestCloser, body: unknown, id: string): request.Test {
  const signed = signedWebhook('standard-webhooks', TEST_ENV.CRM_WEBHOOK_SECRET, body, {
    nowMs: closer.clock.now(),
    id,
  });
  return request(closer.closer.app).post('/webhooks/crm').set(signed.headers).send(signed.body);
}

describe('a store failure during intake', () => {
  it('answers 503 with Retry-After (retryable), loses nothing acknowledged, and stays alive', async () => {
    const closer = await startTestCloser();
    t = closer;
    const verdicts = new Verdicts();
    const ids = Array.from({ length: 20 }, (_, i) => `inflight-${i}`);
    const send = (id: string): request.Test =>
      request(closer.closer.app)
        .post('/events/eventbridge')
        .set(EB_HEADERS)
        .send(eventBridgeEnvelope({ id, correlationId: `${id}-c` }));
    // Five deliveries are stored; then the store fails while fifteen more are in flight.
    // (Deterministic on purpose: with group commit, concurrent deliveries share a transaction,
    // so "the store dies after the fifth insert" has no fixed meaning for concurrent requests.)
    const acknowledged: string[] = [];
    for (const id of ids.slice(0, 5)) {
      const res = await send(id);
      expect(res.status).toBe(202);
      acknowledged.push(id);
    }
    await closer.store.close();
    const responses = await Promise.all(ids.slice(5).map(send));
    for (const res of responses) {
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('INTAKE_STORE_UNAVAILABLE');
      expect(res.headers['retry-after']).toBe('5');
    }

    // With the store down: valid input is a retryable 503, bad input still its 4xx.
    const app = closer.closer.app;
    const down = eventBridgeEnvelope({ id: 'while-down' });
    const cases: { name: string; build: () => request.Test; status: number; shape?: 'none' }[] = [
      {
        name: 'valid envelope',
        build: () => request(app).post('/events/eventbridge').set(EB_HEADERS).send(down),
        status: 503,
      },
      {
        name: 'signed webhook',
        build: () => webhookRequest(closer, { type: 'ticket.closed' }, 'wh-down'),
        status: 503,
      },
      {
        name: 'malformed envelope',
        build: () => request(app).post('/events/eventbridge').set(EB_HEADERS).send('{"id":'),
        status: 400,
      },
      {
        name: 'unauthenticated',
        build: () => request(app).post('/events/eventbridge').send(down),
        status: 401,
      },
      {
        name: 'GET conversation',
        build: () => request(app).get('/v1/conversations/some-id').set(API_AUTH),
        status: 503,
      },
      {
        name: 'GET outcomes',
        build: () => request(app).get('/v1/outcomes').set(API_AUTH),
        status: 503,
      },
      {
        name: 'bad outcomes query',
        build: () => request(app).get('/v1/outcomes?limit=0').set(API_AUTH),
        status: 400,
      },
      { name: 'readyz', build: () => request(app).get('/readyz'), status: 503, shape: 'none' },
    ];
    for (const c of cases) {
      await verdicts.check(c.name, c.build, c.status, c.shape ?? 'error');
    }
    expect(verdicts.take()).toEqual([]);
    expect((await request(app).get('/healthz')).status).toBe(200);
    const ready = await request(app).get('/readyz');
    expect(ready.body.checks.store).toBe('failed');

    // Every acknowledged delivery is durably stored; none of the refused ones is.
    const reopened = await openStore(closer.databaseUrl);
    try {
      const stored = (await reopened.pendingEvents(1000)).map((e) => e.eventId).sort();
      expect(stored).toEqual([...acknowledged].sort());
    } finally {
      await reopened.close();
    }
    expect(secretsInLogs(closer)).toEqual([]);
  });
});

describe('duplicate deliveries', () => {
  it('are acknowledged with 200 and stored once, before and after processing', async () => {
    const closer = await startTestCloser();
    t = closer;
    const app = closer.closer.app;
    const envelope = eventBridgeEnvelope({ id: 'dup-1', correlationId: 'dup-1-c' });
    const post = (body: unknown): request.Test =>
      request(app).post('/events/eventbridge').set(EB_HEADERS).send(JSON.stringify(body));

    expect((await post(envelope)).body).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
    const again = await post(envelope);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
    // Re-serialised differently (key order), same id: still a duplicate.
    const reordered = Object.fromEntries(Object.entries(envelope).reverse());
    expect((await post(reordered)).body).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
    // In a batch with a new one: only the new one is stored.
    const fresh = eventBridgeEnvelope({ id: 'dup-2', correlationId: 'dup-2-c' });
    const batch = await post([envelope, fresh]);
    expect(batch.status).toBe(202);
    expect(batch.body).toEqual({ accepted: 1, duplicates: 1, ignored: 0 });
    // A bare notification has no id: the content hash dedupes it.
    const bare = genesysNotification({ correlationId: 'dup-bare' });
    expect((await post(bare)).status).toBe(202);
    expect((await post(bare)).body).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });

    const ticket = { type: 'ticket.closed', data: { conversationId: 'no-such-conv' } };
    expect((await webhookRequest(closer, ticket, 'msg_dup')).status).toBe(202);
    closer.clock.advance(60_000); // a later retry, freshly signed, same webhook-id
    const replay = await webhookRequest(closer, ticket, 'msg_dup');
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ accepted: 0, duplicate: true });

    const pending = await closer.store.pendingEvents(100);
    expect(pending.map((e) => `${e.source}:${e.eventId}`)).toEqual([
      'eventbridge:dup-1',
      'eventbridge:dup-2',
      expect.stringMatching(/^eventbridge:sha256:/),
      'crm:msg_dup',
    ]);

    await closer.settle();
    // Redelivered after processing: acknowledged, not stored or processed again.
    expect((await post(envelope)).body).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
    expect((await webhookRequest(closer, ticket, 'msg_dup')).status).toBe(200);
    expect(await closer.store.pendingEvents(100)).toEqual([]);
    const outcomes = await closer.store.listOutcomes({ conversationId: 'no-such-conv' });
    expect(outcomes).toHaveLength(1);
  });
});

describe('input Genesys would refuse', () => {
  it('answers a closing message too long for SMS with 400, and sends nothing', async () => {
    const closer = await startTestCloser();
    t = closer;
    const conv = closer.sim.createConversation({ messageType: 'sms' });
    const res = await request(closer.closer.app)
      .post(`/v1/conversations/${conv.id}/terminate`)
      .set(API_AUTH)
      .send({ message: 'x'.repeat(1000) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'GENESYS_INVALID_INPUT', max: 765 });
    expect(res.body.error.message).toMatch(/765/);
    expect(closer.sim.conversation(conv.id)?.state).toBe('connected');
  });

  it('never turns a `..` conversation id from a webhook into another Genesys path', async () => {
    const closer = await startTestCloser();
    t = closer;
    for (const [i, conversationId] of ['..', '.', '%2e%2e'].entries()) {
      const res = await webhookRequest(
        closer,
        { type: 'ticket.closed', data: { conversationId } },
        `dot-${i}`,
      );
      expect(res.status).toBe(202);
    }
    await closer.settle();
    const paths = closer.sim.apiRequests().map((r) => r.path);
    expect(paths.filter((p) => p.endsWith('/') || p === '/api/v2/conversations/messages')).toEqual(
      [],
    );
    expect(paths.some((p) => p.startsWith('/api/v2/conversations/'))).toBe(true); // `%2e%2e` is a real id
  });
});

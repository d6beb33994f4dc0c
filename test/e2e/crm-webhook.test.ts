import request from 'supertest';
import { signedWebhook } from '../helpers/payloads';
import { startTestCloser, TEST_ENV, type TestCloser } from '../helpers/closer';

function ticketClosed(conversationId: string): Record<string, unknown> {
  return { type: 'ticket.closed', data: { ticketId: 'T-1', conversationId } };
}

describe('event rule: a signed CRM webhook ends its conversation', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('ends the conversation named in the webhook, with the closing message, once — replays end nothing more', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Is my ticket fixed?');
    await t.settle();

    const delivery = signedWebhook(
      'standard-webhooks',
      TEST_ENV.CRM_WEBHOOK_SECRET,
      ticketClosed(conv.id),
      {
        nowMs: t.clock.now(),
        id: 'msg_ticket_1',
      },
    );
    const first = await request(t.closer.app)
      .post('/webhooks/crm')
      .set(delivery.headers)
      .send(delivery.body);
    expect(first.status).toBe(202);
    await t.settle();

    const ended = t.sim.conversation(conv.id);
    expect(ended?.state).toBe('disconnected');
    expect(ended?.disconnectCount).toBe(1);
    expect(ended?.messages.at(-1)?.text).toBe('Your ticket is resolved, so this chat is closing.');
    expect(t.outcomes.filter((o) => o.kind === 'terminated').map((o) => o.ruleId)).toEqual([
      'crm-ticket-closed',
    ]);

    // The same delivery again: acknowledged as a duplicate, no second action.
    const replay = await request(t.closer.app)
      .post('/webhooks/crm')
      .set(delivery.headers)
      .send(delivery.body);
    expect(replay.status).toBeLessThan(300);
    expect(replay.body).toMatchObject({ duplicate: true });
    // A new delivery id for the same ticket: the rule already ended this conversation.
    const again = signedWebhook(
      'standard-webhooks',
      TEST_ENV.CRM_WEBHOOK_SECRET,
      ticketClosed(conv.id),
      {
        nowMs: t.clock.now(),
        id: 'msg_ticket_2',
      },
    );
    expect(
      (await request(t.closer.app).post('/webhooks/crm').set(again.headers).send(again.body))
        .status,
    ).toBe(202);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.disconnectCount).toBe(1);
    expect(t.outcomes.filter((o) => o.kind === 'terminated')).toHaveLength(1);
    // The inactivity timer of the ended conversation is gone too.
    expect(await t.store.listTimers(conv.id)).toEqual([]);
  });

  it('ignores webhooks whose body does not match the pattern', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    const delivery = signedWebhook(
      'standard-webhooks',
      TEST_ENV.CRM_WEBHOOK_SECRET,
      { type: 'ticket.updated', data: { conversationId: conv.id } },
      { nowMs: t.clock.now() },
    );
    expect(
      (await request(t.closer.app).post('/webhooks/crm').set(delivery.headers).send(delivery.body))
        .status,
    ).toBe(202);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    expect(t.outcomes).toEqual([]);
  });

  describe('bad input gets a 4xx naming the problem and ends nothing', () => {
    it.each([
      [
        'bad signature',
        () => {
          const d = signedWebhook(
            'standard-webhooks',
            `whsec_${Buffer.from('another secret entirely').toString('base64')}`,
            ticketClosed('c1'),
            { nowMs: Date.UTC(2026, 10, 25, 9) },
          );
          return { headers: d.headers, body: d.body, status: 401, code: 'INTAKE_BAD_SIGNATURE' };
        },
      ],
      [
        'stale timestamp',
        () => {
          const d = signedWebhook(
            'standard-webhooks',
            TEST_ENV.CRM_WEBHOOK_SECRET,
            ticketClosed('c1'),
            { nowMs: Date.UTC(2026, 10, 25, 9) - 10 * 60_000 },
          );
          return { headers: d.headers, body: d.body, status: 401, code: 'INTAKE_STALE_TIMESTAMP' };
        },
      ],
      [
        'malformed JSON',
        () => {
          const d = signedWebhook(
            'standard-webhooks',
            TEST_ENV.CRM_WEBHOOK_SECRET,
            '{"type": "ticket.closed",',
            { nowMs: Date.UTC(2026, 10, 25, 9) },
          );
          return { headers: d.headers, body: d.body, status: 400, code: 'INTAKE_MALFORMED_JSON' };
        },
      ],
      [
        'missing signature headers',
        () => ({
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(ticketClosed('c1')),
          status: 401,
          code: undefined,
        }),
      ],
    ])('%s', async (_name, build) => {
      t ??= await startTestCloser();
      const { headers, body, status, code } = build();
      const response = await request(t.closer.app).post('/webhooks/crm').set(headers).send(body);
      expect(response.status).toBe(status);
      expect(response.body.error.message).toEqual(expect.any(String));
      if (code !== undefined) {
        expect(response.body.error.code).toBe(code);
      }
      expect(JSON.stringify(response.body)).not.toContain(TEST_ENV.CRM_WEBHOOK_SECRET);
      await t.settle();
      expect(t.outcomes).toEqual([]);
    });

    it('an unknown webhook source is a 404', async () => {
      t = await startTestCloser();
      const response = await request(t.closer.app)
        .post('/webhooks/nope')
        .set('content-type', 'application/json')
        .send('{}');
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('INTAKE_UNKNOWN_SOURCE');
    });

    it('EventBridge intake: wrong API key 401, malformed body 400, wrong types 4xx with the field named', async () => {
      t = await startTestCloser();
      const wrongKey = await request(t.closer.app)
        .post('/events/eventbridge')
        .set('x-api-key', 'nope')
        .set('content-type', 'application/json')
        .send('{}');
      expect(wrongKey.status).toBe(401);
      const malformed = await request(t.closer.app)
        .post('/events/eventbridge')
        .set('x-api-key', TEST_ENV.CLOSER_EVENTBRIDGE_KEY)
        .set('content-type', 'application/json')
        .send('{"detail": ');
      expect(malformed.status).toBe(400);
      const wrongTypes = await request(t.closer.app)
        .post('/events/eventbridge')
        .set('x-api-key', TEST_ENV.CLOSER_EVENTBRIDGE_KEY)
        .set('content-type', 'application/json')
        .send(
          JSON.stringify({
            version: '0',
            id: 'x',
            'detail-type': 'v2.x',
            source: 'aws.partner/genesys.com/cloud/o/s',
            detail: { topicName: 42, eventBody: {} },
          }),
        );
      expect(wrongTypes.status).toBeGreaterThanOrEqual(400);
      expect(wrongTypes.status).toBeLessThan(500);
      expect(JSON.stringify(wrongTypes.body)).toContain('topicName');
    });
  });
});

import request from 'supertest';
import { eventBridgeEnvelope, signedWebhook } from '../helpers/payloads';
import {
  startTestCloser,
  testRulesYaml,
  TEST_API_TOKEN,
  TEST_ENV,
  type TestCloser,
} from '../helpers/closer';

const auth = { Authorization: `Bearer ${TEST_API_TOKEN}` };

interface Verdict {
  ruleId: string;
  verdict: string;
  reason: string;
  action?: { phase: string; at: string };
}

const verdictOf = (verdicts: Verdict[], ruleId: string): Verdict | undefined =>
  verdicts.find((v) => v.ruleId === ruleId);

/** "Why didn't it fire?" (issue 7 item 3): every rule's verdict, and unmatched deliveries kept. */
describe('why did a rule not fire', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a correctly signed webhook that matches no rule: 202, then visible with each verdict, counted and logged', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    const delivery = signedWebhook(
      'standard-webhooks',
      TEST_ENV.CRM_WEBHOOK_SECRET,
      { type: 'ticket.updated', data: { conversationId: conv.id } },
      { nowMs: t.clock.now(), id: 'msg_unmatched_1' },
    );
    const answer = await request(t.closer.app)
      .post('/webhooks/crm')
      .set(delivery.headers)
      .send(delivery.body);
    expect(answer.status).toBe(202);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');

    const listed = await request(t.closer.app).get('/v1/deliveries/unmatched').set(auth);
    expect(listed.status).toBe(200);
    const deliveries = listed.body.deliveries as {
      source: string;
      eventId: string;
      receivedAt: string;
      verdicts: Verdict[];
    }[];
    const mine = deliveries.find((d) => d.eventId === 'msg_unmatched_1');
    expect(mine?.source).toBe('crm');
    expect(mine?.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(verdictOf(mine?.verdicts ?? [], 'crm-ticket-closed')).toMatchObject({
      verdict: 'pattern-failed',
    });
    expect(verdictOf(mine?.verdicts ?? [], 'idle-web-customer')?.verdict).toBe('not-applicable');

    const metrics = await request(t.closer.app).get('/metrics');
    expect(metrics.text).toMatch(/^closer_unmatched_deliveries_total\{source="crm"\} 1$/m);
    const logged = t.logs
      .join('')
      .split('\n')
      .find((line) => line.includes('"message":"delivery matched no rule"'));
    expect(logged).toContain('msg_unmatched_1');
    expect(logged).toContain('crm-ticket-closed: pattern:');
  });

  it('POST /v1/rules/test explains a webhook body: the failing rule and the matching one', async () => {
    t = await startTestCloser();
    const miss = await request(t.closer.app)
      .post('/v1/rules/test')
      .set(auth)
      .send({ webhook: { source: 'crm', body: { type: 'ticket.updated', data: {} } } });
    expect(miss.status).toBe(200);
    expect(miss.body.matched).toBe(false);
    expect(verdictOf(miss.body.verdicts as Verdict[], 'crm-ticket-closed')).toMatchObject({
      verdict: 'pattern-failed',
      reason: 'pattern: type: found "ticket.updated", wanted "ticket.closed"',
    });
    const failures = verdictOf(miss.body.verdicts as Verdict[], 'crm-ticket-closed') as unknown as {
      failures: { kind: string; path: string; found: unknown[] }[];
    };
    expect(failures.failures[0]).toMatchObject({
      kind: 'field',
      path: 'type',
      found: ['ticket.updated'],
    });

    const hit = await request(t.closer.app)
      .post('/v1/rules/test')
      .set(auth)
      .send({
        webhook: {
          source: 'crm',
          body: { type: 'ticket.closed', data: { conversationId: 'c-42' } },
        },
      });
    expect(hit.body.matched).toBe(true);
    expect(verdictOf(hit.body.verdicts as Verdict[], 'crm-ticket-closed')).toMatchObject({
      verdict: 'matched',
      reason: 'matched: ends conversation c-42',
    });

    const noId = await request(t.closer.app)
      .post('/v1/rules/test')
      .set(auth)
      .send({ webhook: { source: 'crm', body: { type: 'ticket.closed', data: {} } } });
    expect(verdictOf(noId.body.verdicts as Verdict[], 'crm-ticket-closed')).toMatchObject({
      verdict: 'condition-failed',
      reason: expect.stringContaining('$.data.conversationId found nothing') as unknown,
    });

    const otherSource = await request(t.closer.app)
      .post('/v1/rules/test')
      .set(auth)
      .send({ webhook: { source: 'billing', body: { type: 'ticket.closed' } } });
    expect(verdictOf(otherSource.body.verdicts as Verdict[], 'crm-ticket-closed')).toMatchObject({
      verdict: 'not-applicable',
      reason: 'listens to source crm, not billing',
    });
  });

  it('explains a tracked conversation: the phase condition that stops the idle rule', async () => {
    t = await startTestCloser({ rulesYaml: testRulesYaml({ idleWhile: ['agent'] }) });
    const queued = t.sim.createConversation({ messageType: 'webmessaging', phase: 'queue' });
    t.sim.postMessage(queued.id, 'customer', 'hello?');
    await t.settle();
    const report = await request(t.closer.app)
      .post('/v1/rules/test')
      .set(auth)
      .send({ conversationId: queued.id });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      input: 'conversation',
      conversationId: queued.id,
      stateFrom: 'store',
      phase: { phase: 'queue' },
      matched: true,
    });
    const idle = verdictOf(report.body.verdicts as Verdict[], 'idle-web-customer');
    expect(idle?.verdict).toBe('condition-failed');
    expect(idle?.reason).toMatch(/queue/);

    const agent = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(agent.id, 'customer', 'hi');
    await t.settle();
    const counting = await request(t.closer.app)
      .post('/v1/rules/test')
      .set(auth)
      .send({ conversationId: agent.id });
    expect(verdictOf(counting.body.verdicts as Verdict[], 'idle-web-customer')).toMatchObject({
      verdict: 'matched',
      action: { phase: 'warn' },
    });

    const unknown = await request(t.closer.app)
      .post('/v1/rules/test')
      .set(auth)
      .send({ conversationId: 'no-such-conversation' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('RULES_TEST_UNKNOWN_CONVERSATION');
  });

  it('a malformed snapshot among the events does not decide where the state came from', async () => {
    t = await startTestCloser();
    const stored = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(stored.id, 'customer', 'hello?');
    await t.settle();
    const malformed = eventBridgeEnvelope({
      topicName: 'v2.routing.queues.7a1c0b2e-5d4f-4e3a-9b8c-1d2e3f4a5b6c.conversations.messages',
      eventBody: { id: 'c0nv-not-stored', participants: 'not a list' },
    });
    const report = await request(t.closer.app)
      .post('/v1/rules/test')
      .set(auth)
      .send({
        event: [
          malformed,
          eventBridgeEnvelope({ conversationId: stored.id, event: 'customer.start' }),
        ],
      });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ conversationId: stored.id, stateFrom: 'store' });
  });

  it('explains an EventBridge event against a candidate rules file, and refuses what is not one', async () => {
    t = await startTestCloser();
    const candidate = testRulesYaml().replace('messageType: [webmessaging]', 'messageType: [sms]');
    const report = await request(t.closer.app)
      .post('/v1/rules/test')
      .set(auth)
      .send({ event: eventBridgeEnvelope(), rules: candidate });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      rules: 'from the request',
      input: 'genesys-event',
      stateFrom: 'event',
    });
    expect(verdictOf(report.body.verdicts as Verdict[], 'idle-web-customer')?.verdict).toBe(
      'pattern-failed',
    );

    const bad = await request(t.closer.app)
      .post('/v1/rules/test')
      .set(auth)
      .send({ event: { hello: 'world' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('RULES_TEST_INVALID_EVENT');

    const badRules = await request(t.closer.app)
      .post('/v1/rules/test')
      .set(auth)
      .send({ event: eventBridgeEnvelope(), rules: 'rules: [ {' });
    expect(badRules.status).toBe(422);
    expect(badRules.body.error.code).toBe('RULES_INVALID');

    const neither = await request(t.closer.app).post('/v1/rules/test').set(auth).send({});
    expect(neither.status).toBe(400);
  });

  it('a Genesys conversation no rule selects is recorded once per episode', async () => {
    t = await startTestCloser();
    const sms = t.sim.createConversation({ messageType: 'sms' });
    t.sim.postMessage(sms.id, 'customer', 'one');
    t.sim.postMessage(sms.id, 'customer', 'two');
    await t.settle();
    const listed = await request(t.closer.app).get('/v1/deliveries/unmatched').set(auth);
    const rows = (
      listed.body.deliveries as { conversationId?: string; verdicts: Verdict[] }[]
    ).filter((d) => d.conversationId === sms.id);
    expect(rows).toHaveLength(1);
    expect(verdictOf(rows[0]?.verdicts ?? [], 'idle-web-customer')?.verdict).toBe('pattern-failed');
  });
});

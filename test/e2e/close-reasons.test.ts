import request from 'supertest';
import { startTestCloser, TEST_API_TOKEN, TEST_ENV, type TestCloser } from '../helpers/closer';
import { startFakeEventBridge, type FakeEventBridge } from '../helpers/fake-eventbridge';
import { signedWebhook } from '../helpers/payloads';

const MINUTE = 60_000;
const auth = { authorization: `Bearer ${TEST_API_TOKEN}` };

const RULES = `
sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
  crm: { verify: { scheme: standard-webhooks, secretEnv: CRM_WEBHOOK_SECRET } }
rules:
  - id: idle-web-customer
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 20m }
    close: { message: "Closed after 20 minutes without a reply." }
  - id: long-chats
    kind: max-duration
    match: { messageType: [webmessaging] }
    maxDuration: { after: 1h }
    close: { message: "This chat has lasted an hour." }
  - id: crm-ticket-closed
    kind: event
    source: crm
    pattern: { type: [ticket.closed] }
    conversationId: $.data.conversationId
    eventTime: $.data.closedAt
    reasonFrom: $.data.status
    close: { message: "Your ticket is resolved." }
`;

interface AuditDetail {
  type: string;
  conversationId?: string;
  ruleId?: string;
  reasonCode?: string;
  eventReason?: string;
  details?: Record<string, unknown>;
}

describe('close reasons in outcomes, audit events and the endings metric', () => {
  let t: TestCloser | undefined;
  let fake: FakeEventBridge | undefined;

  afterEach(async () => {
    await t?.close();
    await fake?.close();
    t = undefined;
    fake = undefined;
  });

  it('idle, max-duration, a CRM event with reasonFrom, and on-demand each carry their code', async () => {
    fake = await startFakeEventBridge();
    t = await startTestCloser({ rulesYaml: RULES, auditEndpoint: fake.endpoint });
    const idle = t.sim.createConversation({ messageType: 'webmessaging' });
    const lively = t.sim.createConversation({ messageType: 'webmessaging' });
    const ticket = t.sim.createConversation({ messageType: 'webmessaging' });
    const onDemand = t.sim.createConversation({ messageType: 'webmessaging' });
    for (const conv of [idle, lively, ticket, onDemand]) {
      t.sim.postMessage(conv.id, 'customer', 'Hello?');
    }
    await t.settle();

    // The CRM's status carries control characters, a newline and far too much text.
    const status = `resolved\u0000 by\n\u202Ebot ${'x'.repeat(300)}`;
    const delivery = signedWebhook(
      'standard-webhooks',
      TEST_ENV.CRM_WEBHOOK_SECRET,
      {
        type: 'ticket.closed',
        data: {
          conversationId: ticket.id,
          closedAt: new Date(t.clock.now()).toISOString(),
          status,
        },
      },
      { nowMs: t.clock.now(), id: 'msg_reason_1' },
    );
    const hook = await request(t.closer.app)
      .post('/webhooks/crm')
      .set(delivery.headers)
      .send(delivery.body);
    expect(hook.status).toBe(202);
    const ended = await request(t.closer.app)
      .post(`/v1/conversations/${onDemand.id}/terminate`)
      .set(auth)
      .send({});
    expect(ended.body).toMatchObject({ outcome: 'terminated' });
    await t.settle();

    // The lively chat's customer writes every 5 minutes: only the maximum duration ends it.
    for (let minute = 1; minute <= 61; minute += 1) {
      t.clock.advance(MINUTE);
      if (minute % 5 === 0 && t.sim.conversation(lively.id)?.state !== 'disconnected') {
        t.sim.postMessage(lively.id, 'customer', `still here (${minute})`);
      }
      await t.settle();
    }

    const terminated = t.outcomes.filter((o) => o.kind === 'terminated');
    const byConversation = (id: string) => terminated.find((o) => o.conversationId === id);
    expect(byConversation(idle.id)).toMatchObject({
      ruleId: 'idle-web-customer',
      details: { reasonCode: 'idle-customer' },
    });
    expect(byConversation(lively.id)).toMatchObject({
      ruleId: 'long-chats',
      details: { reasonCode: 'max-duration' },
    });
    const expectedReason = `resolved by bot ${'x'.repeat(84)}`;
    expect(expectedReason).toHaveLength(100);
    expect(byConversation(ticket.id)).toMatchObject({
      ruleId: 'crm-ticket-closed',
      details: { reasonCode: 'crm-event', eventReason: expectedReason },
    });
    expect(byConversation(onDemand.id)).toMatchObject({
      ruleId: 'on-demand',
      details: { reasonCode: 'on-demand' },
    });
    expect(terminated).toHaveLength(4);
    // Every outcome carries a code, skipped ones too (e.g. the idle rule on the ended chats).
    expect(t.outcomes.filter((o) => typeof o.details?.reasonCode !== 'string')).toEqual([]);

    // GET /v1/outcomes shows them as recorded.
    const listed = await request(t.closer.app)
      .get(`/v1/outcomes?conversationId=${ticket.id}`)
      .set(auth);
    expect(listed.body.outcomes).toEqual([
      expect.objectContaining({
        kind: 'terminated',
        details: expect.objectContaining({ reasonCode: 'crm-event', eventReason: expectedReason }),
      }),
    ]);

    // Audit events carry the code (and the event's reason) at the top level.
    await t.closer.audit?.publishDue();
    const events = fake.received.flatMap((r) =>
      r.entries.map((e) => JSON.parse(e.Detail) as AuditDetail),
    );
    const terminatedEvents = events.filter((e) => e.type === 'conversation.terminated');
    expect(
      Object.fromEntries(terminatedEvents.map((e) => [e.ruleId, [e.reasonCode, e.eventReason]])),
    ).toEqual({
      'idle-web-customer': ['idle-customer', undefined],
      'long-chats': ['max-duration', undefined],
      'crm-ticket-closed': ['crm-event', expectedReason],
      'on-demand': ['on-demand', undefined],
    });

    // The endings metric is labelled by the code only, never by the event's free text.
    const metrics = (await request(t.closer.app).get('/metrics')).text;
    expect(metrics).toContain(
      'closer_endings_total{rule="idle-web-customer",reason="idle-customer"} 1',
    );
    expect(metrics).toContain('closer_endings_total{rule="long-chats",reason="max-duration"} 1');
    expect(metrics).toContain(
      'closer_endings_total{rule="crm-ticket-closed",reason="crm-event"} 1',
    );
    expect(metrics).toContain('closer_endings_total{rule="on-demand",reason="on-demand"} 1');
    expect(metrics).not.toContain('resolved by bot');
  });

  it('an outcome about a chat someone else ended is ended-elsewhere', async () => {
    t = await startTestCloser({ rulesYaml: RULES });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Hello?');
    await t.settle();
    // The agent ends it before the CRM event comes.
    t.sim.agentEnds(conv.id);
    await t.settle();
    const delivery = signedWebhook(
      'standard-webhooks',
      TEST_ENV.CRM_WEBHOOK_SECRET,
      {
        type: 'ticket.closed',
        data: { conversationId: conv.id, closedAt: new Date(t.clock.now()).toISOString() },
      },
      { nowMs: t.clock.now(), id: 'msg_reason_2' },
    );
    await request(t.closer.app).post('/webhooks/crm').set(delivery.headers).send(delivery.body);
    await t.settle();
    expect(t.outcomes.filter((o) => o.ruleId === 'crm-ticket-closed')).toEqual([
      expect.objectContaining({
        kind: 'already-ended',
        details: expect.objectContaining({ reasonCode: 'ended-elsewhere' }),
      }),
    ]);
  });
});

import request from 'supertest';
import { TEST_API_TOKEN, TEST_ENV } from '../helpers/closer';
import { useTestClosers } from '../helpers/test-closers';
import { signedWebhook } from '../helpers/payloads';
import { assertBuilt, runCli } from '../helpers/cli';

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

/** An outcome as `GET /v1/outcomes` and `closer outcomes --json` show it. */
interface ListedOutcome {
  conversationId: string;
  kind: string;
  reasonCode?: string;
  eventReason?: string;
}

interface AuditDetail {
  type: string;
  conversationId?: string;
  ruleId?: string;
  reasonCode?: string;
  eventReason?: string;
  details?: Record<string, unknown>;
}

describe('close reasons in outcomes, audit events and the endings metric', () => {
  const closers = useTestClosers();

  it('idle, max-duration, a CRM event with reasonFrom, and on-demand each carry their code', async () => {
    assertBuilt();
    const { t, fake } = await closers.startAudited({ rulesYaml: RULES });
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
    const expectedReason = `resolved by bot ${'x'.repeat(84)}`;
    expect(expectedReason).toHaveLength(100);
    const expected = [
      { conversationId: idle.id, ruleId: 'idle-web-customer', reasonCode: 'idle-customer' },
      { conversationId: lively.id, ruleId: 'long-chats', reasonCode: 'max-duration' },
      {
        conversationId: ticket.id,
        ruleId: 'crm-ticket-closed',
        reasonCode: 'crm-event',
        eventReason: expectedReason,
      },
      { conversationId: onDemand.id, ruleId: 'on-demand', reasonCode: 'on-demand' },
    ];
    for (const { conversationId, ruleId, reasonCode, eventReason } of expected) {
      const recorded = byConversation(conversationId);
      // Top-level, and (deprecated, for older readers) still in details.
      expect(recorded).toMatchObject({ ruleId, reasonCode, details: { reasonCode } });
      expect(recorded?.eventReason).toBe(eventReason);
    }
    expect(terminated).toHaveLength(4);
    // Every outcome carries a code, skipped ones too (e.g. the idle rule on the ended chats).
    expect(t.outcomes.filter((o) => o.reasonCode === undefined)).toEqual([]);

    // GET /v1/outcomes shows them top-level, as recorded, and filters by code.
    const listed = await request(t.closer.app)
      .get(`/v1/outcomes?conversationId=${ticket.id}`)
      .set(auth);
    expect(listed.body.outcomes).toEqual([
      expect.objectContaining({
        kind: 'terminated',
        reasonCode: 'crm-event',
        eventReason: expectedReason,
      }),
    ]);
    const maxDuration = await request(t.closer.app)
      .get('/v1/outcomes?reasonCode=max-duration&limit=1000')
      .set(auth);
    expect(maxDuration.status).toBe(200);
    const maxDurationOutcomes = maxDuration.body.outcomes as ListedOutcome[];
    expect(maxDurationOutcomes.map((o) => [o.conversationId, o.kind])).toEqual([
      [lively.id, 'terminated'],
    ]);
    const unknownCode = await request(t.closer.app)
      .get('/v1/outcomes?reasonCode=ticket-closed')
      .set(auth);
    expect(unknownCode.status).toBe(400);
    expect(unknownCode.body.error.code).toBe('API_INVALID_REQUEST');
    // GET /v1/conversations/{id} too.
    const conversation = await request(t.closer.app)
      .get(`/v1/conversations/${onDemand.id}`)
      .set(auth);
    expect(conversation.body.outcomes).toEqual([
      expect.objectContaining({ kind: 'terminated', reasonCode: 'on-demand' }),
    ]);
    expect(conversation.body.outcomes[0]).not.toHaveProperty('eventReason');

    // closer outcomes (the CLI) prints them with their code and the event's reason.
    const env = { CLOSER_API_TOKEN: TEST_API_TOKEN, CLOSER_URL: t.url };
    const human = await runCli(['outcomes', '--conversation', ticket.id], env);
    expect(human).toMatchObject({ code: 0, stderr: '' });
    expect(human.stdout).toContain(
      `terminated     ${ticket.id}  crm-ticket-closed  reason crm-event (${JSON.stringify(expectedReason)})`,
    );
    const json = await runCli(['outcomes', '--reason', 'crm-event', '--json'], env);
    expect(json.code).toBe(0);
    const printed = (JSON.parse(json.stdout) as { outcomes: ListedOutcome[] }).outcomes;
    expect(printed.map((o) => [o.conversationId, o.kind, o.reasonCode, o.eventReason])).toEqual([
      [ticket.id, 'terminated', 'crm-event', expectedReason],
    ]);
    const refused = await runCli(['outcomes', '--reason', 'ticket-closed', '--json'], env);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'USAGE' } });

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
    const t = await closers.start({ rulesYaml: RULES });
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
      expect.objectContaining({ kind: 'already-ended', reasonCode: 'ended-elsewhere' }),
    ]);
  });
});

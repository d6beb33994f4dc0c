import request from 'supertest';
import { CLOSER_PERMISSIONS } from '../../src/genesys';
import { TEST_GENESYS_CLIENT, type TestCloser } from '../helpers/closer';
import { useTestClosers } from '../helpers/test-closers';

const MINUTE = 60_000;
const HOME_QUEUE = '6e4b3c1a-0f2d-4c7e-9a51-2b8d7f3e9c10';
const OTHER_QUEUE = '0c8a1f5e-2b3d-4e6f-8a9b-1c2d3e4f5a6b';

const SOURCES = `
sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
`;

/**
 * Rules with one customer-idle rule (`idle-to-queue`) that transfers to OTHER_QUEUE after
 * `after`, announcing it first unless `withMessage` is false.
 */
function idleToQueue(after: string, { withMessage = true } = {}): string {
  const message = withMessage ? ', message: "Passing you to our follow-up team."' : '';
  return `${SOURCES}rules:
  - id: idle-to-queue
    kind: inactivity
    idle: { side: customer, after: ${after} }
    action: transfer
    transfer: { queueId: ${OTHER_QUEUE}${message} }
`;
}

/** A web-messaging chat (in `queueId`, if given) whose customer wrote `text`, processed. */
async function customerWrote(t: TestCloser, text: string, queueId?: string) {
  const conv = t.sim.createConversation({
    messageType: 'webmessaging',
    ...(queueId === undefined ? {} : { queueId }),
  });
  t.sim.postMessage(conv.id, 'customer', text);
  await t.settle();
  return conv;
}

/** Advances the clock one minute at a time, settling after each. */
async function minutes(t: TestCloser, count: number) {
  for (let i = 0; i < count; i += 1) {
    t.clock.advance(MINUTE);
    await t.settle();
  }
}

/** The simulator's API requests of `method` whose path matches `path`. */
function requestsTo(t: TestCloser, method: string, path: RegExp) {
  return t.sim.apiRequests().filter((r) => r.method === method && path.test(r.path));
}

const TRANSFERS = /\/participants\/[^/]+\/replace$/;
const BLIND_TRANSFER = 'conversation:communication:blindTransfer';
const WITHOUT_TRANSFER = CLOSER_PERMISSIONS.filter((p) => p !== BLIND_TRANSFER);
const DISCONNECTS = /^\/api\/v2\/conversations\/messages\/[^/]+(\/participants\/[^/]+)?$/;

describe('inactivity rules that message or transfer instead of closing (simulator, injected clock)', () => {
  const closers = useTestClosers();

  it('transfers an idle customer to another queue instead of closing: one transfer, no disconnect', async () => {
    const t = await closers.start({
      rulesYaml: idleToQueue('20m'),
    });
    const conv = await customerWrote(t, 'Hello?', HOME_QUEUE);
    t.sim.clearRequests();
    await minutes(t, 21);

    // Before the message announcing it: the transfer's permission probe on random ids (404:
    // allowed), then the transfer itself.
    const transfers = requestsTo(t, 'POST', TRANSFERS);
    expect(transfers).toEqual([
      expect.objectContaining({ status: 404 }),
      expect.objectContaining({ body: { queueId: OTHER_QUEUE }, status: 202 }),
    ]);
    expect(transfers[0]?.path).not.toContain(conv.id);
    expect(transfers[1]?.path).toContain(conv.id);
    expect(requestsTo(t, 'PATCH', DISCONNECTS)).toEqual([]);
    const after = t.sim.conversation(conv.id);
    expect(after).toMatchObject({ state: 'connected', phase: 'queue', disconnectCount: 0 });
    expect(after?.participants.filter((p) => p.purpose === 'agent')).toEqual([
      expect.objectContaining({ state: 'disconnected', disconnectType: 'transfer' }),
    ]);
    expect(
      after?.participants.filter((p) => p.purpose === 'acd' && p.state === 'connected'),
    ).toEqual([expect.objectContaining({ queueId: OTHER_QUEUE })]);
    expect(after?.messages.map((m) => `${m.side}: ${m.text}`)).toEqual([
      'customer: Hello?',
      'agent: Passing you to our follow-up team.',
    ]);
    expect(t.outcomes.map((o) => o.kind)).toEqual(['transferred']);
    expect(t.outcomes[0]?.details).toMatchObject({
      queueId: OTHER_QUEUE,
      messageSent: true,
      reasonCode: 'idle-customer',
    });
  });

  it('an idle agent: the customer gets one holding message, nothing ends, and supervisors get an audit event and a metric', async () => {
    const { t, fake } = await closers.startAudited({
      rulesYaml: `${SOURCES}rules:
  - id: agent-slow
    kind: inactivity
    idle: { side: agent, after: 5m }
    action: message
    message: "Thanks for waiting: an agent will be with you shortly."
`,
    });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'agent', 'Hi, how can I help?');
    await t.settle();
    t.sim.postMessage(conv.id, 'customer', 'My order is late.');
    await t.settle();
    await minutes(t, 15);

    const after = t.sim.conversation(conv.id);
    expect(after?.messages.map((m) => `${m.side}: ${m.text}`)).toEqual([
      'agent: Hi, how can I help?',
      'customer: My order is late.',
      'agent: Thanks for waiting: an agent will be with you shortly.',
    ]);
    expect(after).toMatchObject({ state: 'connected', phase: 'agent', disconnectCount: 0 });
    expect(t.outcomes.map((o) => o.kind)).toEqual(['messaged']);
    expect(t.outcomes[0]?.details).toMatchObject({ reasonCode: 'idle-agent', action: 'message' });

    await t.closer.audit?.publishDue();
    const events = fake.received.flatMap((r) =>
      r.entries.map(
        (e) => JSON.parse(e.Detail) as { type: string; ruleId?: string; reasonCode?: string },
      ),
    );
    expect(events.filter((e) => e.type.startsWith('conversation.'))).toEqual([
      expect.objectContaining({
        type: 'conversation.messaged',
        ruleId: 'agent-slow',
        reasonCode: 'idle-agent',
      }),
    ]);
    const metrics = (await request(t.closer.app).get('/metrics')).text;
    expect(metrics).toContain('closer_agent_idle_total{rule="agent-slow",action="message"} 1');
  });

  it('an idle agent: transfer: { queue: current } sends the chat back to its own queue', async () => {
    const t = await closers.start({
      rulesYaml: `${SOURCES}rules:
  - id: agent-gone
    kind: inactivity
    idle: { side: agent, after: 5m }
    action: transfer
    transfer: { queue: current }
`,
    });
    const conv = await customerWrote(t, 'Anyone there?', HOME_QUEUE);
    await minutes(t, 6);
    expect(requestsTo(t, 'POST', TRANSFERS)).toEqual([
      expect.objectContaining({ body: { queueId: HOME_QUEUE } }),
    ]);
    expect(t.sim.conversation(conv.id)).toMatchObject({ phase: 'queue', disconnectCount: 0 });
    const metrics = (await request(t.closer.app).get('/metrics')).text;
    expect(metrics).toContain('closer_agent_idle_total{rule="agent-gone",action="transfer"} 1');
  });

  it('a transfer whose answer is lost (applied, then 500) is confirmed by a read, not repeated', async () => {
    const t = await closers.start({
      rulesYaml: idleToQueue('20m', { withMessage: false }),
    });
    const conv = await customerWrote(t, 'Hello?');
    t.sim.injectFaults([
      { method: 'POST', path: TRANSFERS, fault: 'error-after', status: 500, times: 1 },
    ]);
    t.sim.clearRequests();
    await minutes(t, 30);

    expect(requestsTo(t, 'POST', TRANSFERS)).toEqual([expect.objectContaining({ status: 500 })]);
    expect(requestsTo(t, 'PATCH', DISCONNECTS)).toEqual([]);
    expect(t.sim.conversation(conv.id)).toMatchObject({ phase: 'queue', disconnectCount: 0 });
    expect(t.outcomes.map((o) => o.kind)).toEqual(['transferred']);
  });

  it('a message-only rule sends once per silence, and again only after the customer speaks', async () => {
    const t = await closers.start({
      rulesYaml: `${SOURCES}rules:
  - id: nudge
    kind: inactivity
    idle: { side: customer, after: 10m }
    action: message
    message: "Are you still there?"
`,
    });
    const conv = await customerWrote(t, 'Hello?');
    await minutes(t, 40);
    expect(t.sim.conversation(conv.id)?.messages.map((m) => m.text)).toEqual([
      'Hello?',
      'Are you still there?',
    ]);
    t.sim.postMessage(conv.id, 'customer', 'Yes, sorry!');
    await t.settle();
    await minutes(t, 25);

    const after = t.sim.conversation(conv.id);
    expect(after?.messages.map((m) => m.text)).toEqual([
      'Hello?',
      'Are you still there?',
      'Yes, sorry!',
      'Are you still there?',
    ]);
    expect(after).toMatchObject({ state: 'connected', disconnectCount: 0 });
    expect(t.outcomes.map((o) => o.kind)).toEqual(['messaged', 'messaged']);
  });

  it('without conversation:communication:blindTransfer: the customer gets no pre-transfer message, the outcome is failed naming the permission, and nothing is repeated', async () => {
    const { t, fake } = await closers.startAudited({
      permissions: WITHOUT_TRANSFER,
      rulesYaml: idleToQueue('20m'),
    });
    const conv = await customerWrote(t, 'Hello?', HOME_QUEUE);
    t.sim.clearRequests();
    await minutes(t, 21);

    const after = t.sim.conversation(conv.id);
    expect(after?.messages.map((m) => `${m.side}: ${m.text}`)).toEqual(['customer: Hello?']);
    expect(after).toMatchObject({ state: 'connected', phase: 'agent', disconnectCount: 0 });
    // One probe on random ids, refused; the real conversation was never asked to transfer.
    const transfers = requestsTo(t, 'POST', TRANSFERS);
    expect(transfers).toEqual([expect.objectContaining({ status: 403 })]);
    expect(transfers[0]?.path).not.toContain(conv.id);
    expect(t.outcomes.map((o) => o.kind)).toEqual(['failed']);
    expect(t.outcomes[0]?.reason).toMatch(/^transfer not allowed, so its message was not sent: /);
    expect(t.outcomes[0]?.details).toMatchObject({
      code: 'GENESYS_FORBIDDEN',
      missingPermissions: [BLIND_TRANSFER],
      messageSent: false,
      queueId: OTHER_QUEUE,
    });
    expect(String(t.outcomes[0]?.details?.fix)).toContain(BLIND_TRANSFER);

    // Not repeated: the silence goes on, nothing more is sent or asked.
    await minutes(t, 30);
    expect(t.outcomes.map((o) => o.kind)).toEqual(['failed']);
    expect(requestsTo(t, 'POST', TRANSFERS)).toHaveLength(1);
    expect(t.sim.conversation(conv.id)?.messages).toHaveLength(1);

    // The failure path's audit event and metric.
    await t.closer.audit?.publishDue();
    const events = fake.received.flatMap((r) =>
      r.entries.map((e) => JSON.parse(e.Detail) as { type: string; ruleId?: string }),
    );
    expect(events.filter((e) => e.type.startsWith('conversation.'))).toEqual([
      expect.objectContaining({ type: 'conversation.failed', ruleId: 'idle-to-queue' }),
    ]);
    const metrics = (await request(t.closer.app).get('/metrics')).text;
    expect(metrics).toContain('closer_outcomes_total{rule="idle-to-queue",kind="failed"} 1');
  });

  it('a real transfer refused with 403 teaches: the next chat gets no pre-transfer message and no second attempt', async () => {
    const t = await closers.start({
      rulesYaml: idleToQueue('5m'),
    });
    // The service's access check probes the transfer because a rule transfers: allowed.
    const health = await t.closer.genesysHealth.check();
    expect(health.permissions).toContainEqual(
      expect.objectContaining({
        name: 'transfer conversations',
        operation: 'transferMessageParticipant',
        status: 'held',
      }),
    );
    // Then the role loses the permission (as a role scoped to other divisions would refuse).
    t.sim.registerClient({ ...TEST_GENESYS_CLIENT, permissions: WITHOUT_TRANSFER });
    const first = await customerWrote(t, 'Hello?');
    await minutes(t, 2);
    const second = await customerWrote(t, 'Hi?');
    t.sim.clearRequests();
    await minutes(t, 10);

    // The first: the fresh probe said allowed, so its message went out before Genesys refused.
    expect(t.sim.conversation(first.id)?.messages.map((m) => m.text)).toEqual([
      'Hello?',
      'Passing you to our follow-up team.',
    ]);
    // The second: the refusal taught closer; no message, no probe, no transfer request.
    expect(t.sim.conversation(second.id)?.messages.map((m) => m.text)).toEqual(['Hi?']);
    const transfers = requestsTo(t, 'POST', TRANSFERS);
    expect(transfers).toEqual([expect.objectContaining({ status: 403 })]);
    expect(transfers[0]?.path).toContain(first.id);
    const failed = (id: string) => t.outcomes.find((o) => o.conversationId === id);
    expect(failed(first.id)).toMatchObject({
      kind: 'failed',
      details: { code: 'GENESYS_FORBIDDEN', messageSent: true },
    });
    expect(failed(second.id)).toMatchObject({
      kind: 'failed',
      details: {
        code: 'GENESYS_FORBIDDEN',
        missingPermissions: [BLIND_TRANSFER],
        messageSent: false,
      },
    });
    expect(t.outcomes).toHaveLength(2);
  });

  it('the access check probes the transfer only while a rule transfers', async () => {
    const t = await closers.start({
      permissions: WITHOUT_TRANSFER,
      rulesYaml: `${SOURCES}rules:
  - id: nudge
    kind: inactivity
    idle: { side: customer, after: 10m }
    action: message
    message: "Are you still there?"
`,
    });
    t.sim.clearRequests();
    const health = await t.closer.genesysHealth.check();
    expect(health.status).toBe('up');
    expect(health.permissions.map((p) => p.operation)).not.toContain('transferMessageParticipant');
    expect(requestsTo(t, 'POST', TRANSFERS)).toEqual([]);
  });
});

import type { TestCloser } from '../helpers/closer';
import { useTestClosers } from '../helpers/test-closers';

const MINUTE = 60_000;

const SOURCES = `
sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
  crm: { verify: { scheme: standard-webhooks, secretEnv: CRM_WEBHOOK_SECRET } }
`;

/** A customer-idle rule of 20 minutes with three staged warnings: 10, 5 and 1 minute before. */
const STAGED_RULE = `
  - id: idle-staged
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 20m }
    warn:
      - { before: 10m, message: "10 minutes left" }
      - { before: 5m, message: "5 minutes left" }
      - { before: 1m, message: "1 minute left" }
    close: { message: "Closed after 20 minutes without a reply." }
`;

/** What closer wrote into the chat after the customer's first message, with minutes since `t0`. */
function closerMessages(t: TestCloser, conversationId: string, t0: number): string[] {
  const conversation = t.sim.conversation(conversationId);
  return (conversation?.messages ?? []).map(
    (m) => `${(Date.parse(m.messageTime) - t0) / MINUTE}m ${m.side}: ${m.text}`,
  );
}

/** Advances the clock one minute at a time, settling after each, `minutes` times. */
async function minutes(t: TestCloser, count: number, each?: (minute: number) => void) {
  for (let i = 1; i <= count; i += 1) {
    t.clock.advance(MINUTE);
    each?.(i);
    await t.settle();
  }
}

/** A web-messaging chat whose customer said "Hello?" now (`t0`), processed. */
async function customerSaidHello(t: TestCloser) {
  const conv = t.sim.createConversation({ messageType: 'webmessaging' });
  const t0 = t.clock.now();
  t.sim.postMessage(conv.id, 'customer', 'Hello?');
  await t.settle();
  return { conv, t0 };
}

describe('staged warnings, end to end (simulator, injected clock)', () => {
  const closers = useTestClosers();

  it('sends three warnings in order at their times, then closes at the deadline', async () => {
    const t = await closers.start({ rulesYaml: `${SOURCES}rules:${STAGED_RULE}` });
    const { conv, t0 } = await customerSaidHello(t);
    expect(await t.store.listTimers(conv.id)).toEqual([
      expect.objectContaining({ phase: 'warn', dueAt: t0 + 10 * MINUTE, data: { warning: 0 } }),
    ]);

    await minutes(t, 21);

    expect(closerMessages(t, conv.id, t0)).toEqual([
      '0m customer: Hello?',
      '10m agent: 10 minutes left',
      '15m agent: 5 minutes left',
      '19m agent: 1 minute left',
      '20m agent: Closed after 20 minutes without a reply.',
    ]);
    expect(t.sim.conversation(conv.id)).toMatchObject({
      state: 'disconnected',
      disconnectCount: 1,
    });
    // Each warning is recorded once, naming which one it was; the close comes last.
    expect(
      t.outcomes.map((o) =>
        typeof o.details?.warning === 'number' ? `${o.kind} ${o.details.warning}` : o.kind,
      ),
    ).toEqual(['warned 0', 'warned 1', 'warned 2', 'terminated']);
    expect(t.outcomes[1]?.details).toMatchObject({ warning: 1, warnings: 3 });
    expect(t.outcomes.at(-1)?.details).toMatchObject({ reasonCode: 'idle-customer' });
    // No warning counted as the customer's activity: the close came 20 minutes after "Hello?".
    expect(t.outcomes.at(-1)?.details?.idleSince).toBe(new Date(t0).toISOString());
  });

  it('a customer reply after warning 2 starts the whole sequence again', async () => {
    const t = await closers.start({ rulesYaml: `${SOURCES}rules:${STAGED_RULE}` });
    const { conv, t0 } = await customerSaidHello(t);

    await minutes(t, 16, (minute) => {
      if (minute === 16) {
        t.sim.postMessage(conv.id, 'customer', 'Still here!');
      }
    });
    expect(await t.store.listTimers(conv.id)).toEqual([
      expect.objectContaining({ phase: 'warn', dueAt: t0 + 26 * MINUTE, data: { warning: 0 } }),
    ]);
    await minutes(t, 21);

    expect(closerMessages(t, conv.id, t0)).toEqual([
      '0m customer: Hello?',
      '10m agent: 10 minutes left',
      '15m agent: 5 minutes left',
      '16m customer: Still here!',
      '26m agent: 10 minutes left',
      '31m agent: 5 minutes left',
      '35m agent: 1 minute left',
      '36m agent: Closed after 20 minutes without a reply.',
    ]);
    expect(t.outcomes.map((o) => o.kind)).toEqual([
      'warned',
      'warned',
      'warned',
      'warned',
      'warned',
      'terminated',
    ]);
    expect(t.outcomes.filter((o) => o.kind === 'warned').map((o) => o.details?.warning)).toEqual([
      0, 1, 0, 1, 2,
    ]);
  });

  it('a staged warning whose answer was lost is not sent again; the next one and the close still come on time', async () => {
    const t = await closers.start({ rulesYaml: `${SOURCES}rules:${STAGED_RULE}` });
    const { conv, t0 } = await customerSaidHello(t);
    await minutes(t, 10);
    // Warning 2's send is applied by Genesys, but closer gets a 502: a send is never repeated.
    t.sim.injectFaults([
      {
        method: 'POST',
        path: new RegExp(`^/api/v2/conversations/messages/${conv.id}/communications/`),
        fault: 'error-after',
        status: 502,
        times: 1,
      },
    ]);
    await minutes(t, 11);
    expect(closerMessages(t, conv.id, t0)).toEqual([
      '0m customer: Hello?',
      '10m agent: 10 minutes left',
      '15m agent: 5 minutes left',
      '19m agent: 1 minute left',
      '20m agent: Closed after 20 minutes without a reply.',
    ]);
    expect(t.outcomes.map((o) => o.kind)).toEqual(['warned', 'failed', 'warned', 'terminated']);
    expect(t.outcomes[1]).toMatchObject({ details: { warning: 1 } });
    expect(t.outcomes[1]?.reason).toMatch(/not sent again/);
  });
});

describe('max-duration rule, end to end', () => {
  const closers = useTestClosers();

  it('closes a lively episode at its maximum duration, while the idle rule would not yet', async () => {
    const t = await closers.start({
      rulesYaml: `${SOURCES}rules:${STAGED_RULE}
  - id: long-chats
    kind: max-duration
    match: { messageType: [webmessaging] }
    maxDuration: { after: 1h }
    warn: { before: 5m, message: "This chat closes in 5 minutes." }
    close: { message: "This chat has lasted an hour and is closing." }
`,
    });
    const { conv, t0 } = await customerSaidHello(t);

    // The customer writes every 4 minutes: the idle rule never gets to warn.
    await minutes(t, 61, (minute) => {
      if (minute % 4 === 0 && t.sim.conversation(conv.id)?.state !== 'disconnected') {
        t.sim.postMessage(conv.id, 'customer', `still chatting (${minute})`);
      }
    });

    const fromCloser = closerMessages(t, conv.id, t0).filter((m) => m.includes(' agent: '));
    expect(fromCloser).toEqual([
      '55m agent: This chat closes in 5 minutes.',
      '60m agent: This chat has lasted an hour and is closing.',
    ]);
    expect(t.sim.conversation(conv.id)).toMatchObject({
      state: 'disconnected',
      disconnectCount: 1,
    });
    expect(t.outcomes.map((o) => `${o.ruleId} ${o.kind}`)).toEqual([
      'long-chats warned',
      'long-chats terminated',
    ]);
    expect(t.outcomes.at(-1)).toMatchObject({
      reason: `ended by rule long-chats: the episode has lasted longer than 1h (since ${new Date(t0).toISOString()})`,
      details: { reasonCode: 'max-duration' },
    });
  });
});

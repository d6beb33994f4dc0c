import request from 'supertest';
import {
  startTestCloser,
  testRulesYaml,
  TEST_API_TOKEN,
  type TestCloser,
} from '../../helpers/closer';
import {
  MINUTE,
  conversationView,
  disconnectRequests,
  messagesSentByCloser,
  outcomeLines,
  passTime,
  ticketClosed,
} from './support';

const WARNING = 'Are you still there?';
const CLOSING = 'We closed this chat after 20 minutes without a reply.';
const RESOLVED = 'Your ticket is resolved, so this chat is closing.';

describe('a conversation id lives several episodes (Genesys re-threads a returning customer)', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('re-threaded after closer ended it: ended again after the idle time, one ending request per episode', async () => {
    t = await startTestCloser({ rulesYaml: testRulesYaml({ idleWhile: ['agent'] }) });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Hello?');
    await t.settle();
    await passTime(t, 21 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    expect(disconnectRequests(t, conv.id)).toBe(1);

    // The customer writes again: Genesys threads it into the same id with new legs.
    t.sim.postMessage(conv.id, 'customer', 'Sorry, I am back');
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    expect(await conversationView(t, conv.id)).toMatchObject({
      episode: 2,
      phase: { phase: 'agent' },
      endedBy: null,
    });

    await passTime(t, 19 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    await passTime(t, 2 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    expect(disconnectRequests(t, conv.id)).toBe(2);
    expect(messagesSentByCloser(t, conv.id)).toEqual([WARNING, CLOSING, WARNING, CLOSING]);
    expect(outcomeLines(t, conv.id)).toEqual([
      'idle-web-customer:warned@1',
      'idle-web-customer:terminated@1',
      'idle-web-customer:warned@2',
      'idle-web-customer:terminated@2',
    ]);
    // Nothing more happens in the ended second episode.
    await passTime(t, 60 * MINUTE, 20 * MINUTE);
    expect(disconnectRequests(t, conv.id)).toBe(2);
  });

  it('re-threaded after a CRM close: a stale retry of the old close does nothing, a new "ticket closed" ends it again', async () => {
    t = await startTestCloser({ rulesYaml: testRulesYaml({ idleWhile: ['agent'] }) });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Is my ticket fixed?');
    await t.settle();
    const firstClose = t.clock.now();
    expect(await ticketClosed(t, conv.id, firstClose)).toBe(202);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');

    await passTime(t, 2 * MINUTE);
    t.sim.postMessage(conv.id, 'customer', 'It broke again');
    await t.settle();
    expect((await conversationView(t, conv.id)).episode).toBe(2);

    // The CRM retries the first delivery (new delivery id, the old close time): stale.
    expect(await ticketClosed(t, conv.id, firstClose)).toBe(202);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    expect(t.outcomes.at(-1)).toMatchObject({ kind: 'skipped', episode: 2 });
    expect(t.outcomes.at(-1)?.reason).toMatch(/predates the conversation's current episode 2/);

    expect(await ticketClosed(t, conv.id, t.clock.now())).toBe(202);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    expect(disconnectRequests(t, conv.id)).toBe(2);
    expect(messagesSentByCloser(t, conv.id)).toEqual([RESOLVED, RESOLVED]);
    expect(outcomeLines(t, conv.id)).toEqual([
      'crm-ticket-closed:terminated@1',
      'crm-ticket-closed:skipped@2',
      'crm-ticket-closed:terminated@2',
    ]);
  });

  it('re-threaded after the agent ended it: who ended it is recorded, and the rules apply to the new episode', async () => {
    t = await startTestCloser({ rulesYaml: testRulesYaml({ idleWhile: ['agent'] }) });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Thanks, bye');
    await t.settle();
    t.sim.agentEnds(conv.id);
    await t.settle();
    expect(await conversationView(t, conv.id)).toMatchObject({
      episode: 1,
      phase: { phase: 'ended' },
      endedBy: { side: 'agent', disconnectType: 'client' },
    });
    expect(await t.store.listTimers(conv.id)).toHaveLength(0);

    t.sim.postMessage(conv.id, 'customer', 'One more question');
    await t.settle();
    await passTime(t, 21 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    // closer sent one disconnect: the agent ended episode 1, closer episode 2.
    expect(disconnectRequests(t, conv.id)).toBe(1);
    expect(outcomeLines(t, conv.id)).toEqual([
      'idle-web-customer:warned@2',
      'idle-web-customer:terminated@2',
    ]);
  });

  it('two rules due at the same instant: one ending and one closing message; the other records who ended it', async () => {
    t = await startTestCloser({
      rulesYaml: testRulesYaml({
        extraRules: `  - id: idle-any
    kind: inactivity
    idle: { side: any, after: 20m }
    close: { message: "Closing (any side idle)." }
`,
      }),
    });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    await t.settle();
    // Nobody writes: both rules count from the start; the warning is sent by the first rule.
    await passTime(t, 25 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    expect(disconnectRequests(t, conv.id)).toBe(1);
    const closing = messagesSentByCloser(t, conv.id).filter((m) => m !== WARNING);
    expect(closing).toHaveLength(1);
    const ended = t.outcomes.filter((o) => o.conversationId === conv.id && o.kind !== 'warned');
    expect(ended.map((o) => o.kind).sort()).toEqual(['already-ended', 'terminated']);
    const winner = ended.find((o) => o.kind === 'terminated')?.ruleId;
    expect(ended.find((o) => o.kind === 'already-ended')?.reason).toBe(
      `already ended in this episode by rule ${winner ?? '?'}`,
    );
  });

  it('records disconnectType for ends closer did not cause, and an on-demand request says who ended it', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Hi');
    await t.settle();
    t.sim.genesysTimeout(conv.id);
    await t.settle();
    expect(await conversationView(t, conv.id)).toMatchObject({
      endedBy: { disconnectType: 'inactivity' },
    });
    const res = await request(t.closer.app)
      .post(`/v1/conversations/${conv.id}/terminate`)
      .set('authorization', `Bearer ${TEST_API_TOKEN}`)
      .send({ message: 'bye' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      outcome: 'already-ended',
      reason: 'ended by Genesys (disconnectType inactivity)',
    });
    expect(t.outcomes.at(-1)).toMatchObject({
      ruleId: 'on-demand',
      kind: 'already-ended',
      details: { endedBy: { disconnectType: 'inactivity' } },
    });
    expect(disconnectRequests(t, conv.id)).toBe(0);
    expect(messagesSentByCloser(t, conv.id)).toEqual([]);
  });
});

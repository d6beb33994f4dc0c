import { startTestCloser, testRulesYaml, type TestCloser } from '../../helpers/closer';
import {
  HOUR,
  MINUTE,
  conversationView,
  disconnectRequests,
  messagesSentByCloser,
  outcomeLines,
  passTime,
} from './support';

describe('phases of a chat: customer gone, queue wait, parked, bot flow', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('customer gone with the agent still connected: open by the one definition, ended by the rule as "customer already gone", no closing message', async () => {
    t = await startTestCloser({ rulesYaml: testRulesYaml({ idleWhile: ['agent'] }) });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Thanks!');
    await t.settle();
    t.sim.customerLeaves(conv.id, 'client');
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    expect(await conversationView(t, conv.id)).toMatchObject({
      phase: { phase: 'agent' },
      endedBy: null,
    });
    await passTime(t, 21 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    expect(disconnectRequests(t, conv.id)).toBe(1);
    const terminated = t.outcomes.find((o) => o.kind === 'terminated');
    expect(terminated?.reason).toBe('customer already gone; ended by rule idle-web-customer');
    expect(terminated?.details).toMatchObject({
      customerGone: true,
      messageSent: false,
      messageSkippedReason: 'the customer already left',
    });
  });

  it('queue wait is not silence under while: [agent]; the clock starts when an agent answers', async () => {
    t = await startTestCloser({ rulesYaml: testRulesYaml({ idleWhile: ['agent'] }) });
    const conv = t.sim.createConversation({ messageType: 'webmessaging', phase: 'queue' });
    t.sim.postMessage(conv.id, 'customer', 'Anyone there?');
    await t.settle();
    expect(await t.store.listTimers(conv.id)).toHaveLength(0);
    await passTime(t, 45 * MINUTE, 5 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    expect(messagesSentByCloser(t, conv.id)).toEqual([]);

    const answeredAt = t.clock.now();
    t.sim.answer(conv.id);
    await t.settle();
    expect(await t.store.listTimers(conv.id)).toMatchObject([
      { phase: 'warn', dueAt: answeredAt + 18 * MINUTE },
    ]);
    await passTime(t, 21 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    const terminated = t.outcomes.find((o) => o.kind === 'terminated');
    expect((terminated?.at ?? 0) - answeredAt).toBeGreaterThanOrEqual(20 * MINUTE);
  });

  it('without while, a rules file keeps counting queue wait (no silent change for existing users)', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging', phase: 'queue' });
    t.sim.postMessage(conv.id, 'customer', 'Anyone there?');
    await t.settle();
    await passTime(t, 21 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    // No agent or bot to send from while queued: the warning is skipped (and says why); the
    // chat is still ended, as before the phases existed.
    expect(outcomeLines(t, conv.id)).toEqual([
      'idle-web-customer:skipped@1',
      'idle-web-customer:terminated@1',
    ]);
    expect(t.outcomes[0]?.reason).toBe(
      'warning not sent: no connected agent or bot/flow communication to send from',
    );
  });

  it('parked chats: excluded by while: [agent], closed by a rule that targets them after 24 h', async () => {
    t = await startTestCloser({
      rulesYaml: testRulesYaml({
        idleWhile: ['agent'],
        extraRules: `  - id: parked-24h
    kind: inactivity
    idle: { side: any, after: 24h, while: [parked] }
    close: {}
`,
      }),
    });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'I will look for my order number');
    await t.settle();
    const parkedAt = t.clock.now();
    t.sim.park(conv.id);
    await t.settle();
    expect(await conversationView(t, conv.id)).toMatchObject({ phase: { phase: 'parked' } });
    expect((await t.store.listTimers(conv.id)).map((x) => [x.ruleId, x.dueAt])).toEqual([
      ['parked-24h', parkedAt + 24 * HOUR],
    ]);
    await passTime(t, 23 * HOUR, HOUR);
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    expect(messagesSentByCloser(t, conv.id)).toEqual([]);
    await passTime(t, 2 * HOUR, HOUR);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    expect(outcomeLines(t, conv.id)).toEqual(['parked-24h:terminated@1']);
  });

  it('a customer reply unparks the chat and the agent-phase rule counts again', async () => {
    t = await startTestCloser({ rulesYaml: testRulesYaml({ idleWhile: ['agent'] }) });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    await t.settle();
    t.sim.park(conv.id);
    await t.settle();
    expect(await t.store.listTimers(conv.id)).toHaveLength(0);
    await passTime(t, 2 * HOUR, 30 * MINUTE);
    t.sim.postMessage(conv.id, 'customer', 'Found it: 12345');
    await t.settle();
    expect(await conversationView(t, conv.id)).toMatchObject({ phase: { phase: 'agent' } });
    await passTime(t, 21 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
  });

  it('bot phase: not counted by agent-phase rules; a flow rule ends a bot session left hanging', async () => {
    t = await startTestCloser({
      rulesYaml: testRulesYaml({
        idleWhile: ['agent'],
        extraRules: `  - id: bot-hanging
    kind: inactivity
    idle: { side: customer, after: 10m, while: [flow] }
    close: { message: "This chat has closed. Write again to start over." }
`,
      }),
    });
    const conv = t.sim.createConversation({ messageType: 'webmessaging', phase: 'flow' });
    t.sim.postMessage(conv.id, 'customer', 'menu');
    await t.settle();
    expect(await conversationView(t, conv.id)).toMatchObject({ phase: { phase: 'flow' } });
    expect((await t.store.listTimers(conv.id)).map((x) => x.ruleId)).toEqual(['bot-hanging']);
    await passTime(t, 11 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    expect(outcomeLines(t, conv.id)).toEqual(['bot-hanging:terminated@1']);
    // The closing message goes out on the flow's communication (no agent yet).
    expect(messagesSentByCloser(t, conv.id)).toEqual([
      'This chat has closed. Write again to start over.',
    ]);
    expect(disconnectRequests(t, conv.id)).toBe(1);
  });
});

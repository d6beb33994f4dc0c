import { startTestCloser, testRulesYaml, type TestCloser } from '../helpers/closer';

const MINUTE = 60_000;

describe('inactivity rule, end to end (simulator → EventBridge intake → timers → Genesys)', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('warns the silent customer, then ends the chat with the closing message sent first', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Hello?');
    t.sim.postMessage(conv.id, 'agent', 'Hi! How can I help?');
    await t.settle();

    const armed = await t.store.listTimers(conv.id);
    expect(armed).toHaveLength(1);
    expect(armed[0]).toMatchObject({ ruleId: 'idle-web-customer', phase: 'warn' });

    t.clock.advance(17 * MINUTE);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    expect(t.sim.conversation(conv.id)?.messages.map((m) => m.text)).not.toContain(
      'Are you still there?',
    );

    t.clock.advance(1 * MINUTE + 1000);
    await t.settle();
    const afterWarn = t.sim.conversation(conv.id);
    expect(afterWarn?.state).toBe('connected');
    expect(afterWarn?.messages.at(-1)).toMatchObject({
      side: 'agent',
      text: 'Are you still there?',
    });
    expect(t.outcomes.map((o) => o.kind)).toEqual(['warned']);

    t.clock.advance(2 * MINUTE);
    await t.settle();
    const ended = t.sim.conversation(conv.id);
    expect(ended?.state).toBe('disconnected');
    expect(ended?.disconnectCount).toBe(1);
    expect(ended?.messages.at(-1)?.text).toBe(
      'We closed this chat after 20 minutes without a reply.',
    );
    expect(t.outcomes.map((o) => o.kind)).toEqual(['warned', 'terminated']);

    // The closing message went out before the disconnect.
    const calls = t.sim.apiRequests().map((r) => `${r.method} ${r.path}`);
    const closingIndex = calls.findLastIndex(
      (c) => c.startsWith('POST') && c.endsWith('/messages'),
    );
    const disconnectIndex = calls.findIndex(
      (c) => c === `PATCH /api/v2/conversations/messages/${conv.id}`,
    );
    expect(closingIndex).toBeGreaterThan(-1);
    expect(disconnectIndex).toBeGreaterThan(closingIndex);

    // Once ended, nothing more fires and no timer is left.
    t.clock.advance(60 * MINUTE);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.disconnectCount).toBe(1);
    expect(await t.store.listTimers(conv.id)).toHaveLength(0);
  });

  it('leaves an active chat alone', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    for (let i = 0; i < 6; i += 1) {
      t.sim.postMessage(conv.id, 'customer', `question ${i}`);
      t.sim.postMessage(conv.id, 'agent', `answer ${i}`);
      await t.settle();
      t.clock.advance(10 * MINUTE);
      await t.settle();
    }
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    expect(t.sim.conversation(conv.id)?.disconnectCount).toBe(0);
    expect(t.outcomes.filter((o) => o.kind === 'terminated' || o.kind === 'warned')).toEqual([]);
  });

  it('does not let agent messages reset a side: customer rule', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'I need help');
    await t.settle();
    for (let i = 0; i < 4; i += 1) {
      t.clock.advance(4 * MINUTE);
      t.sim.postMessage(conv.id, 'agent', `Are you there? (${i})`);
      await t.settle();
    }
    // 18 minutes after the customer's last message: warned, agent chatter or not.
    t.clock.advance(2 * MINUTE + 1000);
    await t.settle();
    expect(t.outcomes.map((o) => o.kind)).toEqual(['warned']);
    // 20 minutes after it: ended.
    t.clock.advance(2 * MINUTE);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    expect(t.outcomes.map((o) => o.kind)).toEqual(['warned', 'terminated']);
  });

  it('is reset by a customer message: the deadline moves', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'first');
    await t.settle();
    t.clock.advance(15 * MINUTE);
    t.sim.postMessage(conv.id, 'customer', 'still here');
    await t.settle();
    t.clock.advance(10 * MINUTE);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    const [timer] = await t.store.listTimers(conv.id);
    expect(timer?.dueAt).toBe(t.clock.now() - 10 * MINUTE + 18 * MINUTE);
  });

  it('in dry-run mode records what it would do and ends nothing', async () => {
    t = await startTestCloser({ rulesYaml: testRulesYaml({ dryRun: true }) });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'hello');
    await t.settle();
    t.clock.advance(18 * MINUTE + 1);
    await t.settle();
    t.clock.advance(2 * MINUTE + 1);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    expect(t.sim.conversation(conv.id)?.disconnectCount).toBe(0);
    expect(t.sim.conversation(conv.id)?.messages.map((m) => m.text)).toEqual(['hello']);
    const kinds = t.outcomes.map((o) => o.kind);
    expect(kinds).toEqual(['dry-run', 'dry-run']);
    expect(t.outcomes[1]?.reason).toMatch(/would end/);
    const writes = t.sim
      .apiRequests()
      .filter((r) => r.method !== 'GET' && r.path.startsWith('/api/'));
    expect(writes).toEqual([]);
  });
});

describe('inactivity rule: input Genesys can never accept', () => {
  it('records a failed outcome at once instead of retrying (closing message too long for SMS)', async () => {
    const longMessage = 'x'.repeat(1000);
    // A rule that reaches every channel: 1000 characters fit web messaging, so `rules check` only
    // warns (an SMS-only rule with it is refused at load); on an SMS chat it can never be sent.
    const t = await startTestCloser({
      rulesYaml: testRulesYaml()
        .replace('messageType: [webmessaging]', 'mediaType: [message]')
        .replace('"We closed this chat after 20 minutes without a reply."', longMessage),
    });
    try {
      const conv = t.sim.createConversation({ messageType: 'sms' });
      t.sim.postMessage(conv.id, 'customer', 'hi');
      await t.settle();
      t.clock.advance(18 * MINUTE + 1);
      await t.settle();
      t.clock.advance(2 * MINUTE + 1);
      await t.settle();
      const failed = t.outcomes.filter((o) => o.kind === 'failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]?.reason).toMatch(/765/);
      expect(await t.store.listTimers(conv.id)).toEqual([]);
      expect(t.sim.conversation(conv.id)?.disconnectCount).toBe(0);
    } finally {
      await t.close();
    }
  });
});

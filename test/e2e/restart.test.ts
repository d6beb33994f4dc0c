import { startTestCloser, type TestCloser } from '../helpers/closer';

const MINUTE = 60_000;

describe('durable timers across a restart', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a restart between arming and firing still ends the conversation, once', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'hi');
    await t.settle();
    expect(await t.store.listTimers(conv.id)).toHaveLength(1);

    await t.restart();
    // closer was "down" past both the warning and the deadline: the late timer fires on start.
    t.clock.advance(30 * MINUTE);
    await t.settle();
    // A late warning still gives the customer the promised 2 minutes.
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    t.clock.advance(2 * MINUTE);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');

    await t.restart();
    t.clock.advance(60 * MINUTE);
    await t.settle();
    expect(t.sim.conversation(conv.id)?.disconnectCount).toBe(1);
    expect(t.outcomes.filter((o) => o.kind === 'terminated')).toHaveLength(1);
  });
});

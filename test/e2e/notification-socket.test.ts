/**
 * The Genesys notification WebSocket as closer's only Genesys intake (no EventBridge): the
 * simulator's channel socket → inbox (source `notifications`) → tracking → inactivity timers →
 * warning and end, with a ManualClock for domain time. Waits are bounded polls on real time,
 * because notifications travel over a real socket.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_QUEUE_ID } from '../../src/simulator';
import { startTestCloser, type TestCloser } from '../helpers/closer';

const MINUTE = 60_000;

/** Polls `condition` every 20 ms for at most 5 s; fails naming `what`. */
async function waitUntil(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 250; i += 1) {
    if (await condition()) {
      return;
    }
    await delay(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Events accepted by closer's HTTP intake (EventBridge and webhooks). */
async function httpIntakeCount(t: TestCloser): Promise<number> {
  const metric = await t.closer.metrics.intakeEvents.get();
  return metric.values.reduce((sum, v) => sum + v.value, 0);
}

describe('notification WebSocket intake, end to end (no EventBridge)', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function start(): Promise<TestCloser> {
    const started = await startTestCloser({ notificationQueues: [DEFAULT_QUEUE_ID] });
    // The WebSocket must be the only path: the simulator stops posting EventBridge envelopes.
    started.sim.setEventTarget(undefined);
    await waitUntil(
      'the socket to subscribe',
      () => started.notifications?.socket.subscribed === true,
    );
    return started;
  }

  it('subscribes to the queue topic and ends an idle customer chat after the warning', async () => {
    t = await start();
    const current = t;
    const subscriptions = current.sim
      .apiRequests()
      .filter((r) => r.method === 'PUT' && r.path.endsWith('/subscriptions'));
    expect(subscriptions.at(-1)?.body).toEqual([
      { id: `v2.routing.queues.${DEFAULT_QUEUE_ID}.conversations.messages` },
    ]);

    const conv = current.sim.createConversation({ messageType: 'webmessaging' });
    current.sim.postMessage(conv.id, 'customer', 'Hello?');
    current.sim.postMessage(conv.id, 'agent', 'Hi! How can I help?');
    // One queue snapshot per change: created, customer message, agent message.
    await waitUntil('3 notifications', () => current.notificationsAccepted >= 3);
    await current.settle();

    const state = await current.store.getConversation(conv.id);
    expect(state?.conversationId).toBe(conv.id);
    const armed = await current.store.listTimers(conv.id);
    expect(armed).toHaveLength(1);
    expect(armed[0]).toMatchObject({ ruleId: 'idle-web-customer', phase: 'warn' });
    expect(await httpIntakeCount(current)).toBe(0);

    current.clock.advance(18 * MINUTE + 1000);
    await current.settle();
    expect(current.sim.conversation(conv.id)?.state).toBe('connected');
    expect(current.sim.conversation(conv.id)?.messages.at(-1)).toMatchObject({
      side: 'agent',
      text: 'Are you still there?',
    });
    expect(current.outcomes.map((o) => o.kind)).toEqual(['warned']);
    // closer's own warning comes back as a notification; it must not count as activity.
    await waitUntil('the warning notification', () => current.notificationsAccepted >= 4);
    await current.settle();

    current.clock.advance(2 * MINUTE);
    await current.settle();
    const ended = current.sim.conversation(conv.id);
    expect(ended?.state).toBe('disconnected');
    expect(ended?.disconnectCount).toBe(1);
    expect(ended?.messages.at(-1)?.text).toBe(
      'We closed this chat after 20 minutes without a reply.',
    );
    expect(current.outcomes.map((o) => o.kind)).toEqual(['warned', 'terminated']);
    expect(await httpIntakeCount(current)).toBe(0);
  });

  it('a customer reply arriving over the socket pushes the deadline back', async () => {
    t = await start();
    const current = t;
    const conv = current.sim.createConversation({ messageType: 'webmessaging' });
    current.sim.postMessage(conv.id, 'customer', 'first');
    await waitUntil('2 notifications', () => current.notificationsAccepted >= 2);
    await current.settle();
    const [first] = await current.store.listTimers(conv.id);
    expect(first?.dueAt).toBe(current.clock.now() + 18 * MINUTE);

    current.clock.advance(15 * MINUTE);
    current.sim.postMessage(conv.id, 'customer', 'still here');
    await waitUntil('3 notifications', () => current.notificationsAccepted >= 3);
    await current.settle();
    current.clock.advance(10 * MINUTE);
    await current.settle();
    expect(current.sim.conversation(conv.id)?.state).toBe('connected');
    expect(current.outcomes).toEqual([]);
    const [timer] = await current.store.listTimers(conv.id);
    expect(timer?.dueAt).toBe(current.clock.now() - 10 * MINUTE + 18 * MINUTE);
  });

  it('stops cleanly: close() leaves no subscribed socket', async () => {
    t = await start();
    const socket = t.notifications;
    expect(socket?.socket.subscribed).toBe(true);
    await t.close();
    t = undefined;
    expect(socket?.socket.subscribed).toBe(false);
  });
});

/**
 * The notification WebSocket has no redelivery: what happens during a gap is lost. closer
 * reconciles after every gap (and at its own start) with the analytics activity query, so chats
 * that started or changed during the gap are still ended at the right time, once each.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_QUEUE_ID } from '../../src/simulator';
import { startTestCloser, testRulesYaml, type TestCloser } from '../helpers/closer';

const MINUTE = 60_000;

async function waitUntil(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if (await condition()) {
      return;
    }
    await delay(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Advances the domain clock in steps, settling closer after each. */
async function passTime(t: TestCloser, ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= MINUTE) {
    t.clock.advance(Math.min(MINUTE, left));
    await t.settle();
  }
}

const disconnects = (t: TestCloser, id: string): number =>
  t.sim
    .apiRequests()
    .filter((r) => r.method === 'PATCH' && r.path === `/api/v2/conversations/messages/${id}`)
    .length;

describe('notification WebSocket gaps are reconciled', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function start(): Promise<TestCloser> {
    const started = await startTestCloser({
      notificationQueues: [DEFAULT_QUEUE_ID],
      rulesYaml: testRulesYaml({ idleWhile: ['agent'] }),
    });
    // The WebSocket is the only Genesys intake here.
    started.sim.setEventTarget(undefined);
    await waitUntil('the first reconciliation', () => started.reconciliations.length >= 1);
    return started;
  }

  it('a chat started during a gap and a message written during it: both ended at the right time, once each', async () => {
    t = await start();
    const current = t;
    const before = current.sim.createConversation({ messageType: 'webmessaging' });
    current.sim.postMessage(before.id, 'customer', 'Hello?');
    await waitUntil(
      'the chat to be tracked',
      async () =>
        (await current.store.listTimers(before.id)).length > 0 || (await current.settle(), false),
    );
    await current.settle();
    expect(await current.store.listTimers(before.id)).toHaveLength(1);

    current.sim.dropNotifications();
    await waitUntil('the socket to drop', () => current.notifications?.socket.subscribed === false);
    current.clock.advance(5 * MINUTE);
    const during = current.sim.createConversation({ messageType: 'webmessaging' });
    current.sim.postMessage(during.id, 'customer', 'Anyone there?');
    // The first chat's customer writes during the gap: its deadline moves 5 minutes later.
    current.sim.postMessage(before.id, 'customer', 'Still waiting');
    const gapWrite = current.clock.now();
    expect(await current.store.getConversation(during.id)).toBeUndefined();

    current.sim.restoreNotifications();
    await waitUntil('the reconciliation after the gap', () => current.reconciliations.length >= 2);
    await current.settle();
    expect(current.reconciliations.at(-1)).toMatchObject({ read: 2, truncated: false });
    expect((await current.store.getConversation(during.id))?.lastCustomerMessageAt).toBe(gapWrite);
    expect((await current.store.getConversation(before.id))?.lastCustomerMessageAt).toBe(gapWrite);

    // 19 minutes after the gap's messages: nothing ended early.
    await passTime(current, 19 * MINUTE);
    expect(current.sim.conversation(before.id)?.state).toBe('connected');
    expect(current.sim.conversation(during.id)?.state).toBe('connected');
    await passTime(current, 2 * MINUTE);
    expect(current.sim.conversation(before.id)?.state).toBe('disconnected');
    expect(current.sim.conversation(during.id)?.state).toBe('disconnected');
    expect(disconnects(current, before.id)).toBe(1);
    expect(disconnects(current, during.id)).toBe(1);
    const metrics = await current.closer.metrics.registry.metrics();
    expect(metrics).toMatch(/closer_notification_reconnects_total 1/);
    expect(metrics).toMatch(/closer_reconciled_conversations_total 2/);
    expect(metrics).toMatch(/closer_notification_gap_seconds_count 1/);
  });

  it("closer itself down: a chat started meanwhile is found at its start, and a message written meanwhile defers the other chat's end", async () => {
    t = await start();
    const current = t;
    const known = current.sim.createConversation({ messageType: 'webmessaging' });
    current.sim.postMessage(known.id, 'customer', 'Hello?');
    await waitUntil('the known chat to be tracked', async () => {
      await current.settle();
      return (await current.store.listTimers(known.id)).length > 0;
    });
    await current.notifications?.stop();
    current.notifications = undefined;
    current.clock.advance(10 * MINUTE);
    const missed = current.sim.createConversation({ messageType: 'webmessaging' });
    current.sim.postMessage(missed.id, 'customer', 'Hello?');
    current.sim.postMessage(known.id, 'customer', 'Still there, sorry');
    const wroteAt = current.clock.now();
    await current.restart();
    await waitUntil('the start reconciliation', () => current.reconciliations.length >= 2);
    await current.settle();
    expect(current.reconciliations.at(-1)).toMatchObject({ listed: 2, read: 2 });
    expect((await current.store.getConversation(missed.id))?.lastCustomerMessageAt).toBe(wroteAt);
    expect((await current.store.getConversation(known.id))?.lastCustomerMessageAt).toBe(wroteAt);
    // The known chat's first deadline (20 minutes after its first message) passes: not ended.
    await passTime(current, 19 * MINUTE);
    expect(current.sim.conversation(known.id)?.state).toBe('connected');
    expect(current.sim.conversation(missed.id)?.state).toBe('connected');
    await passTime(current, 2 * MINUTE);
    expect(current.sim.conversation(missed.id)?.state).toBe('disconnected');
    expect(current.sim.conversation(known.id)?.state).toBe('disconnected');
    expect(disconnects(current, missed.id)).toBe(1);
    expect(disconnects(current, known.id)).toBe(1);
  });
});

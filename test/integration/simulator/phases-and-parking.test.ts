/**
 * A simulated message conversation's phases over real HTTP: Architect flow → queue → agent with
 * their detail events and `transfer` ends, and parking (park/unpark, a customer reply unparks).
 */
import { detailKinds, useLifecycleHarness } from './lifecycle-harness';

const h = useLifecycleHarness();

describe('flow → queue → agent', () => {
  test('moves through the phases with detail events and transfer ends', async () => {
    const c = h.sim.createConversation({ phase: 'flow', queueId: 'q-1' });
    expect(c.participants.map((p) => `${p.purpose}:${p.state}`)).toEqual([
      'customer:connected',
      'workflow:connected',
    ]);
    expect(c.phase).toBe('flow');
    h.sim.postMessage(c.id, 'agent', 'Hi, I am the bot.');
    const bot = (await h.restLegs(c.id)).find((p) => p.purpose === 'workflow');
    expect(bot?.messages).toHaveLength(1);

    expect(h.sim.routeToQueue(c.id).phase).toBe('queue');
    const answered = h.sim.answer(c.id, { agentUserId: 'u-9' });
    expect(answered.phase).toBe('agent');
    expect(
      answered.participants.map((p) => `${p.purpose}:${p.state}:${p.disconnectType ?? ''}`),
    ).toEqual([
      'customer:connected:',
      'workflow:disconnected:transfer',
      'acd:disconnected:transfer',
      'agent:connected:',
    ]);
    const all = await h.events();
    expect(detailKinds(all, c.id)).toEqual([
      'customer.start:',
      'flow.start:',
      'flow.end:transfer',
      'acd.start:',
      'acd.end:transfer',
      'user.start:',
    ]);
    const userStart = all.find((e) => e.topicName.endsWith('.user.start'));
    expect(userStart?.eventBody).toMatchObject({ userId: 'u-9', queueId: 'q-1' });
    // While only the flow held it, the conversation was on no queue topic.
    const queueSnapshots = all.filter(
      (e) => e.topicName === 'v2.routing.queues.q-1.conversations.messages',
    );
    expect(queueSnapshots.length).toBeGreaterThan(0);
    const firstQueueIndex = all.indexOf(queueSnapshots[0]!);
    expect(all.findIndex((e) => e.topicName.endsWith('.acd.start'))).toBeLessThan(firstQueueIndex);
  });

  test('phase "queue" (and withAgent false) waits on a connected ACD leg; leaving ends it', () => {
    const c = h.sim.createConversation({ withAgent: false });
    expect(c.phase).toBe('queue');
    const left = h.sim.customerLeaves(c.id);
    expect(left.state).toBe('disconnected');
    expect(left.participants.map((p) => `${p.purpose}:${p.disconnectType ?? ''}`)).toEqual([
      'customer:endpoint',
      'acd:peer',
    ]);
  });

  test('the control API drives the same transitions', async () => {
    const created = await h.control('/conversations', { phase: 'flow' });
    const { id } = (await created.json()) as { id: string };
    expect((await h.control(`/conversations/${id}/route-to-queue`)).status).toBe(200);
    const answered = await h.control(`/conversations/${id}/answer`, { agentUserId: 'u-2' });
    expect(await answered.json()).toMatchObject({ phase: 'agent' });
    expect((await h.control(`/conversations/${id}/answer`)).status).toBe(400);
  });
});

describe('parking', () => {
  test('park/unpark change the agent leg; a customer reply unparks it', async () => {
    const c = h.sim.createConversation();
    h.clock.advance(1_000);
    const parked = h.sim.park(c.id);
    expect(parked).toMatchObject({ state: 'connected', phase: 'parked' });
    const agentId = c.participants.find((p) => p.purpose === 'agent')!.id;
    expect(parked.participants.find((p) => p.id === agentId)).toMatchObject({
      state: 'parked',
      parkTime: '2026-03-01T09:00:01.000Z',
    });
    expect((await h.restLegs(c.id)).find((p) => p.id === agentId)).toMatchObject({
      state: 'parked',
      parkTime: '2026-03-01T09:00:01.000Z',
    });
    expect((await h.genericLegs(c.id)).find((p) => p.id === agentId)?.messages[0]).toMatchObject({
      state: 'parked',
      parkTime: '2026-03-01T09:00:01.000Z',
    });
    // closer may still send on a parked agent's communication; it stays parked.
    const agent = c.participants.find((p) => p.purpose === 'agent')!;
    const sent = await h.api(
      `/api/v2/conversations/messages/${c.id}/communications/${agent.communicationId}/messages`,
      { method: 'POST', body: JSON.stringify({ textBody: 'Still there?' }) },
    );
    expect(sent.status).toBe(202);
    expect(h.sim.conversation(c.id)).toMatchObject({ phase: 'parked', messagesSentByApi: 1 });

    h.sim.postMessage(c.id, 'customer', 'Yes, back now');
    expect(h.sim.conversation(c.id)?.participants.find((p) => p.id === agentId)?.state).toBe(
      'connected',
    );
    h.sim.park(c.id);
    expect(h.sim.unpark(c.id).phase).toBe('agent');
    expect(() => h.sim.unpark(c.id)).toThrow(/No parked agent/);
    expect((await h.control(`/conversations/${c.id}/park`)).status).toBe(200);
    const snapshot = (await h.events())
      .filter((e) => e.detailType === 'v2.routing.queues.{id}.conversations.messages')
      .at(-1);
    expect(JSON.stringify(snapshot?.eventBody)).toContain('"state":"parked"');
  });

  test('a parked agent keeps the conversation open when the customer leaves', () => {
    const c = h.sim.createConversation();
    h.sim.park(c.id);
    expect(h.sim.customerLeaves(c.id)).toMatchObject({ state: 'connected', phase: 'parked' });
    expect(h.sim.agentEnds(c.id).state).toBe('disconnected');
  });
});

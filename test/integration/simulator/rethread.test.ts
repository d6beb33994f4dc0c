/**
 * Re-threading over real HTTP: a customer's new message into an ended conversation adds new legs
 * on the same id within the threading timeline, and is refused after it.
 */
import { useLifecycleHarness } from './lifecycle-harness';

const h = useLifecycleHarness();

describe('re-threading', () => {
  test('a customer message into an ended conversation adds new legs on the same id', async () => {
    const c = h.sim.createConversation({ customerName: 'Ada' });
    h.sim.postMessage(c.id, 'customer', 'first visit');
    const endedAt = Date.UTC(2026, 2, 1, 9, 0, 10);
    h.clock.set(endedAt);
    h.sim.agentEnds(c.id);
    h.clock.advance(30 * 60 * 1000);

    const { messageId } = h.sim.postMessage(c.id, 'customer', 'I am back');
    const after = h.sim.conversation(c.id)!;
    expect(after).toMatchObject({ id: c.id, state: 'connected', episodes: 2, phase: 'agent' });
    const old = after.participants.filter((p) => p.episode === 1);
    const fresh = after.participants.filter((p) => p.episode === 2);
    expect(old.map((p) => p.id)).toEqual(c.participants.map((p) => p.id));
    expect(old.every((p) => p.state === 'disconnected' && p.endTime !== undefined)).toBe(true);
    expect(old.map((p) => p.disconnectType)).toEqual(['peer', 'transfer', 'client']);
    expect(fresh.map((p) => `${p.purpose}:${p.state}`)).toEqual([
      'customer:connected',
      'acd:disconnected',
      'agent:connected',
    ]);
    const oldIds = new Set(old.flatMap((p) => [p.id, p.communicationId]));
    expect(fresh.some((p) => oldIds.has(p.id) || oldIds.has(p.communicationId))).toBe(false);

    const rest = await h.restLegs(c.id);
    const newCustomer = rest.find((p) => p.id === fresh[0]?.id);
    expect(newCustomer?.messages.map((m) => m.messageId)).toEqual([messageId]);
    expect(rest.filter((p) => p.purpose === 'customer')).toHaveLength(2);

    const started = (await h.events()).filter(
      (e) => e.topicName === `v2.detail.events.conversation.${c.id}.customer.start`,
    );
    expect(started.map((e) => e.eventBody.participantId)).toEqual([
      c.participants[0]?.id,
      fresh[0]?.id,
    ]);
  });

  test('rethread options pick the phase; outside the threading timeline it is refused', async () => {
    const c = h.sim.createConversation();
    expect(() => h.sim.rethread(c.id)).toThrow(/still open/);
    h.sim.genesysTimeout(c.id);
    const flow = await h.control(`/conversations/${c.id}/rethread`, { phase: 'flow' });
    expect(await flow.json()).toMatchObject({ phase: 'flow', episodes: 2 });
    h.sim.customerLeaves(c.id);
    expect(h.sim.conversation(c.id)?.state).toBe('disconnected');
    expect(h.sim.rethread(c.id, { withAgent: false })).toMatchObject({
      phase: 'queue',
      episodes: 3,
    });
    h.sim.customerLeaves(c.id);

    h.clock.advance(60 * 60 * 1000);
    expect(() => h.sim.postMessage(c.id, 'customer', 'too late')).toThrow(/threading timeline/);
    const refused = await h.control(`/conversations/${c.id}/messages`, {
      side: 'customer',
      text: 'too late',
    });
    expect(refused.status).toBe(400);
    expect(h.sim.conversation(c.id)?.episodes).toBe(3);
  });
});

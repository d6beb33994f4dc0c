/**
 * The ways a simulated leg ends (agent ends, customer leaves, Genesys's inactivity timer, session
 * expiry, API PATCH) and their disconnectType in REST reads, snapshots and detail events.
 */
import { detailKinds, useLifecycleHarness } from './lifecycle-harness';

const h = useLifecycleHarness();

describe('disconnectType', () => {
  test('each way a leg ends shows in REST reads, snapshots and detail events', async () => {
    const agentEnded = h.sim.createConversation();
    const customerLeft = h.sim.createConversation();
    const timedOut = h.sim.createConversation();
    const expired = h.sim.createConversation();
    const patched = h.sim.createConversation();
    h.sim.agentEnds(agentEnded.id);
    h.sim.customerLeaves(customerLeft.id);
    h.sim.genesysTimeout(timedOut.id);
    h.sim.expireSession(expired.id);
    const agentLeg = patched.participants.find((p) => p.purpose === 'agent')!;
    const patch = await h.api(
      `/api/v2/conversations/messages/${patched.id}/participants/${agentLeg.id}`,
      { method: 'PATCH', body: JSON.stringify({ state: 'disconnected' }) },
    );
    expect(patch.status).toBe(202);

    const types = async (id: string) =>
      Object.fromEntries(
        (await h.restLegs(id)).map((p) => [p.purpose, `${p.state}:${p.disconnectType ?? ''}`]),
      );
    expect(await types(agentEnded.id)).toEqual({
      customer: 'disconnected:peer',
      acd: 'disconnected:transfer',
      agent: 'disconnected:client',
    });
    expect(await types(customerLeft.id)).toMatchObject({
      customer: 'disconnected:endpoint',
      agent: 'connected:',
    });
    expect(h.sim.conversation(customerLeft.id)?.state).toBe('connected');
    expect(await types(timedOut.id)).toMatchObject({
      customer: 'disconnected:inactivity',
      agent: 'disconnected:inactivity',
    });
    expect(await types(expired.id)).toMatchObject({
      customer: 'disconnected:session.expired',
      agent: 'connected:',
    });
    expect(await types(patched.id)).toMatchObject({
      customer: 'disconnected:peer',
      agent: 'disconnected:client',
    });
    const generic = await h.genericLegs(timedOut.id);
    expect(generic.map((p) => p.messages[0]?.disconnectType)).toEqual([
      'inactivity',
      'transfer',
      'inactivity',
    ]);

    const all = await h.events();
    expect(detailKinds(all, agentEnded.id)).toEqual([
      'customer.start:',
      'user.start:',
      'user.end:client',
      'customer.end:peer',
    ]);
    expect(detailKinds(all, expired.id)).toContain('customer.end:session.expired');
    const lastSnapshot = all
      .filter((e) => e.detailType === 'v2.routing.queues.{id}.conversations.messages')
      .filter((e) => e.eventBody.id === timedOut.id)
      .at(-1);
    const legs = lastSnapshot?.eventBody.participants as { disconnectType?: string }[];
    expect(legs.map((p) => p.disconnectType)).toEqual(['inactivity', 'transfer', 'inactivity']);
  });

  test('the control API ends legs too; leave takes an optional disconnectType', async () => {
    const c = h.sim.createConversation();
    expect(
      (await h.control(`/conversations/${c.id}/leave`, { disconnectType: 'client' })).status,
    ).toBe(204);
    expect(h.sim.conversation(c.id)?.participants[0]?.disconnectType).toBe('client');
    const ended = await h.control(`/conversations/${c.id}/agent-ends`);
    expect(await ended.json()).toMatchObject({ state: 'disconnected' });
    const d = h.sim.createConversation();
    expect(await (await h.control(`/conversations/${d.id}/genesys-timeout`)).json()).toMatchObject({
      state: 'disconnected',
    });
    const e = h.sim.createConversation();
    expect((await h.control(`/conversations/${e.id}/expire-session`)).status).toBe(200);
  });
});

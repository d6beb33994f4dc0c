/**
 * The simulator's conversation endpoints and control API over real HTTP with plain fetch: reads,
 * disconnects, message sending, wrap-up.
 */
import { ManualClock } from '../../../src/timers/clock';
import { simFetch, simToken, startTestSimulator } from '../../helpers/simulator';
import type { SimErrorBody, TestSimulator } from '../../helpers/simulator';

let t: TestSimulator;
let token: string;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
  t = await startTestSimulator({ clock });
  token = await simToken(t);
});
afterEach(async () => {
  await t.sim.close();
});

const api = (path: string, init: RequestInit & { bearer?: string | null } = {}) =>
  simFetch(t, token, path, init);

describe('conversations', () => {
  test('GET message conversation lists participants and messages with clock times', async () => {
    const c = t.sim.createConversation({ queueId: 'q-1', agentUserId: 'u-1' });
    t.sim.postMessage(c.id, 'customer', 'hello');
    clock.advance(5_000);
    t.sim.postMessage(c.id, 'agent', 'hi there');
    const response = await api(`/api/v2/conversations/messages/${c.id}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      participants: {
        purpose: string;
        state: string;
        user?: { id: string };
        queue?: { id: string };
        messages: { messageTime: string }[];
      }[];
    };
    const agent = body.participants.find((p) => p.purpose === 'agent');
    const customer = body.participants.find((p) => p.purpose === 'customer');
    expect(agent).toMatchObject({ state: 'connected', user: { id: 'u-1' }, queue: { id: 'q-1' } });
    expect(customer?.messages[0]?.messageTime).toBe('2026-03-01T09:00:00.000Z');
    expect(agent?.messages[0]?.messageTime).toBe('2026-03-01T09:00:05.000Z');
    expect(body.participants.map((p) => p.purpose).sort()).toEqual(['acd', 'agent', 'customer']);
  });

  test('GET conversation exposes each communication id under participants[].messages', async () => {
    const c = t.sim.createConversation();
    const body = (await (await api(`/api/v2/conversations/${c.id}`)).json()) as {
      participants: { id: string; messages: { id: string }[] }[];
    };
    for (const leg of c.participants) {
      const p = body.participants.find((x) => x.id === leg.id);
      expect(p?.messages[0]?.id).toBe(leg.communicationId);
    }
  });

  test('send message: 202 MessageData; >2000 chars is 400; unknown communication 404', async () => {
    const c = t.sim.createConversation();
    const agent = c.participants.find((p) => p.purpose === 'agent')!;
    const path = `/api/v2/conversations/messages/${c.id}/communications/${agent.communicationId}/messages`;
    const ok = await api(path, { method: 'POST', body: JSON.stringify({ textBody: 'Bye!' }) });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({
      direction: 'outbound',
      normalizedMessage: { text: 'Bye!' },
    });
    const long = await api(path, {
      method: 'POST',
      body: JSON.stringify({ textBody: 'x'.repeat(2001) }),
    });
    expect(long.status).toBe(400);
    expect(((await long.json()) as SimErrorBody).code).toBe('bad.request');
    const unknown = await api(
      `/api/v2/conversations/messages/${c.id}/communications/nope/messages`,
      {
        method: 'POST',
        body: JSON.stringify({ textBody: 'x' }),
      },
    );
    expect(unknown.status).toBe(404);
    expect(t.sim.conversation(c.id)?.messages).toEqual([
      { side: 'agent', text: 'Bye!', messageTime: '2026-03-01T09:00:00.000Z' },
    ]);
  });

  test('disconnecting the agent leg ends the conversation; a second disconnect is 400 and counted', async () => {
    const c = t.sim.createConversation();
    const agent = c.participants.find((p) => p.purpose === 'agent')!;
    const leg = `/api/v2/conversations/messages/${c.id}/participants/${agent.id}`;
    const first = await api(leg, {
      method: 'PATCH',
      body: JSON.stringify({ state: 'disconnected' }),
    });
    expect(first.status).toBe(202);
    expect(await first.text()).toBe('');
    expect(t.sim.conversation(c.id)?.state).toBe('disconnected');
    const again = await api(`/api/v2/conversations/messages/${c.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ state: 'disconnected' }),
    });
    expect(again.status).toBe(400);
    expect(t.sim.conversation(c.id)?.disconnectCount).toBe(2);
  });

  test('PATCH whole conversation answers 200 Conversation, all legs disconnected', async () => {
    const c = t.sim.createConversation();
    const response = await api(`/api/v2/conversations/messages/${c.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ state: 'disconnected' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      state: string;
      participants: { messages: { state: string }[] }[];
    };
    expect(body.state).toBe('disconnected');
    expect(body.participants.every((p) => p.messages[0]?.state === 'disconnected')).toBe(true);
  });

  test('customer leaving keeps the agent connected; wrap-up then disconnect', async () => {
    const c = t.sim.createConversation();
    t.sim.customerLeaves(c.id);
    const agent = c.participants.find((p) => p.purpose === 'agent')!;
    expect(t.sim.conversation(c.id)?.state).toBe('connected');
    const codes = (await (
      await api(`/api/v2/conversations/messages/${c.id}/participants/${agent.id}/wrapupcodes`)
    ).json()) as { id: string }[];
    const wrap = await api(
      `/api/v2/conversations/messages/${c.id}/participants/${agent.id}/communications/${agent.communicationId}/wrapup`,
      { method: 'POST', body: JSON.stringify({ code: codes[1]!.id }) },
    );
    expect(wrap.status).toBe(202);
    await api(`/api/v2/conversations/${c.id}`, { method: 'DELETE' });
    const summary = t.sim.conversation(c.id)!;
    expect(summary.state).toBe('disconnected');
    expect(summary.participants.find((p) => p.purpose === 'agent')?.wrapup).toEqual({
      code: codes[1]!.id,
    });
  });
});

describe('control API', () => {
  test('drives conversations and settings over HTTP', async () => {
    const created = await fetch(`${t.sim.url}/__simulator/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ withAgent: false }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const msg = await fetch(`${t.sim.url}/__simulator/conversations/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ side: 'customer', text: 'anyone?' }),
    });
    expect(msg.status).toBe(201);
    await fetch(`${t.sim.url}/__simulator/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failureRate: 1 }),
    });
    expect((await api('/api/v2/tokens/me')).status).toBe(503);
    const leave = await fetch(`${t.sim.url}/__simulator/conversations/${id}/leave`, {
      method: 'POST',
    });
    expect(leave.status).toBe(204);
    const summary = (await (
      await fetch(`${t.sim.url}/__simulator/conversations/${id}`)
    ).json()) as {
      state: string;
      messages: unknown[];
    };
    expect(summary).toMatchObject({
      state: 'disconnected',
      messages: [{ side: 'customer', text: 'anyone?' }],
    });
    const bad = await fetch(`${t.sim.url}/__simulator/settings`, {
      method: 'POST',
      body: JSON.stringify({ failureRate: 2 }),
    });
    expect(bad.status).toBe(400);
    expect(t.sim.apiRequests().every((r) => !r.path.startsWith('/__simulator'))).toBe(true);
  });
});

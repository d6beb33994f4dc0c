import { endConversation, GenesysInputError, type GenesysClient } from '../../../src/genesys';
import { startTestSimulator, type TestSimulator } from '../../helpers/simulator';
import { apiCalls, clientFor } from './support';

describe('endConversation against the simulator', () => {
  let t: TestSimulator;
  let client: GenesysClient;

  beforeAll(async () => {
    t = await startTestSimulator();
    client = clientFor(t);
  });

  afterAll(async () => {
    await client.close();
    await t.sim.close();
  });

  beforeEach(() => {
    t.sim.clearRequests();
  });

  it('sends the closing message on the agent communication, then disconnects the conversation', async () => {
    const conversation = t.sim.createConversation();
    t.sim.postMessage(conversation.id, 'customer', 'hello?');
    t.sim.clearRequests();

    const outcome = await endConversation(client, conversation.id, {
      message: 'Closing this chat, bye!',
    });

    const base = `/api/v2/conversations/messages/${conversation.id}`;
    const agent = conversation.participants.find((p) => p.purpose === 'agent');
    // Before this client's first closing message: one permission probe (a disconnect of a random
    // conversation id: 404 = allowed) so that no message promises an end closer cannot perform.
    const calls = apiCalls(t);
    expect(calls[2]).toMatch(/^PATCH \/api\/v2\/conversations\/messages\/[0-9a-f-]{36}$/);
    expect(calls[2]).not.toBe(`PATCH ${base}`);
    expect(calls.filter((_, i) => i !== 2)).toEqual([
      `GET ${base}`,
      `GET /api/v2/conversations/${conversation.id}`,
      `POST ${base}/communications/${agent?.communicationId ?? '?'}/messages`,
      `PATCH ${base}`,
    ]);
    const patch = t.sim.apiRequests().find((r) => r.method === 'PATCH' && r.path === base);
    expect(patch?.body).toEqual({ state: 'disconnected' });
    expect(outcome).toMatchObject({
      outcome: 'terminated',
      scope: 'conversation',
      messageSent: true,
      wrapupApplied: false,
      requests: 4,
    });
    const after = t.sim.conversation(conversation.id);
    expect(after?.state).toBe('disconnected');
    expect(after?.disconnectCount).toBe(1);
    expect(after?.messages.at(-1)).toMatchObject({
      side: 'agent',
      text: 'Closing this chat, bye!',
    });
    if (outcome.outcome === 'terminated') {
      expect(new Set(outcome.disconnectedParticipantIds)).toEqual(
        new Set(conversation.participants.filter((p) => p.purpose !== 'acd').map((p) => p.id)),
      );
    }
  });

  it('reports an ended conversation as already-ended and sends no PATCH; a second call sends no second disconnect', async () => {
    const conversation = t.sim.createConversation();
    const first = await endConversation(client, conversation.id);
    expect(first.outcome).toBe('terminated');
    t.sim.clearRequests();

    const second = await endConversation(client, conversation.id, { message: 'bye' });

    expect(second).toEqual({ outcome: 'already-ended', conversationId: conversation.id });
    expect(apiCalls(t)).toEqual([`GET /api/v2/conversations/messages/${conversation.id}`]);
    expect(t.sim.conversation(conversation.id)?.disconnectCount).toBe(1);
  });

  it('still ends a conversation the customer left while the agent is connected', async () => {
    const conversation = t.sim.createConversation();
    t.sim.customerLeaves(conversation.id);
    const outcome = await endConversation(client, conversation.id);
    expect(outcome.outcome).toBe('terminated');
    expect(
      t.sim.conversation(conversation.id)?.participants.every((p) => p.state === 'disconnected'),
    ).toBe(true);
  });

  it('returns not-found for an unknown conversation', async () => {
    const outcome = await endConversation(client, '00000000-0000-4000-8000-000000000404');
    expect(outcome).toEqual({
      outcome: 'not-found',
      conversationId: '00000000-0000-4000-8000-000000000404',
    });
  });

  it.each(['customer', 'agent'] as const)('disconnects only the %s leg', async (leg) => {
    const conversation = t.sim.createConversation();
    const target = conversation.participants.find((p) => p.purpose === leg);
    t.sim.clearRequests();

    const outcome = await endConversation(client, conversation.id, { leg });

    expect(outcome).toMatchObject({
      outcome: 'terminated',
      scope: leg,
      disconnectedParticipantIds: [target?.id],
    });
    expect(apiCalls(t)).toEqual([
      `GET /api/v2/conversations/messages/${conversation.id}`,
      `PATCH /api/v2/conversations/messages/${conversation.id}/participants/${target?.id ?? '?'}`,
    ]);
    const after = t.sim.conversation(conversation.id);
    expect(after?.participants.find((p) => p.id === target?.id)?.state).toBe('disconnected');
    if (leg === 'customer') {
      // The agent stays (e.g. to wrap up); what happens to the customer when the agent leaves is
      // Genesys's (here the simulator's) business, not closer's.
      expect(after?.participants.find((p) => p.purpose === 'agent')?.state).toBe('connected');
    }
  });

  it('applies the wrap-up code to the agent communication after the disconnect', async () => {
    const conversation = t.sim.createConversation();
    const agent = conversation.participants.find((p) => p.purpose === 'agent');
    t.sim.clearRequests();

    const outcome = await endConversation(client, conversation.id, { wrapupCode: 'code-resolved' });

    expect(outcome).toMatchObject({ outcome: 'terminated', wrapupApplied: true });
    const paths = apiCalls(t);
    const wrapupCall = `POST /api/v2/conversations/messages/${conversation.id}/participants/${agent?.id ?? '?'}/communications/${agent?.communicationId ?? '?'}/wrapup`;
    expect(paths.indexOf(wrapupCall)).toBeGreaterThan(
      paths.indexOf(`PATCH /api/v2/conversations/messages/${conversation.id}`),
    );
    expect(t.sim.apiRequests().find((r) => r.path.endsWith('/wrapup'))?.body).toEqual({
      code: 'code-resolved',
    });
    expect(
      t.sim.conversation(conversation.id)?.participants.find((p) => p.id === agent?.id)?.wrapup,
    ).toEqual({
      code: 'code-resolved',
    });
  });

  it('without an agent, skips the message with a reason and still disconnects', async () => {
    const conversation = t.sim.createConversation({ withAgent: false });
    const outcome = await endConversation(client, conversation.id, { message: 'bye' });
    expect(outcome).toMatchObject({ outcome: 'terminated', messageSent: false });
    if (outcome.outcome === 'terminated') {
      expect(outcome.messageSkippedReason).toMatch(/no connected agent/);
    }
    expect(t.sim.conversation(conversation.id)?.state).toBe('disconnected');
  });

  it('dry-run reads only and says what it would do', async () => {
    const conversation = t.sim.createConversation();
    t.sim.clearRequests();
    const outcome = await endConversation(client, conversation.id, {
      message: 'bye',
      dryRun: true,
    });
    expect(outcome).toMatchObject({ outcome: 'dry-run', wouldSendMessage: true });
    expect(apiCalls(t).every((call) => call.startsWith('GET '))).toBe(true);
    expect(t.sim.conversation(conversation.id)?.disconnectCount).toBe(0);
  });

  it('rejects a message over 2000 characters before sending anything', async () => {
    const conversation = t.sim.createConversation();
    t.sim.clearRequests();
    await expect(
      endConversation(client, conversation.id, { message: 'x'.repeat(2001) }),
    ).rejects.toThrow(GenesysInputError);
    expect(apiCalls(t)).toEqual([]);
  });

  it('rejects a message over 765 characters on SMS', async () => {
    const conversation = t.sim.createConversation({ messageType: 'sms' });
    await expect(
      endConversation(client, conversation.id, { message: 'x'.repeat(800) }),
    ).rejects.toThrow(/SMS accepts at most 765/);
    expect(t.sim.conversation(conversation.id)?.disconnectCount).toBe(0);
  });

  it('treats a 400 "already disconnected" on a leg as already-ended after re-reading', async () => {
    const conversation = t.sim.createConversation();
    const customer = conversation.participants.find((p) => p.purpose === 'customer');
    // Race: the leg ends between closer's read and its PATCH.
    await client.disconnectMessageParticipant(conversation.id, customer?.id ?? '?');
    const error = await client
      .disconnectMessageParticipant(conversation.id, customer?.id ?? '?')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'GENESYS_BAD_REQUEST', status: 400 });
    const outcome = await endConversation(client, conversation.id, { leg: 'customer' });
    expect(outcome).toEqual({
      outcome: 'already-ended',
      conversationId: conversation.id,
      scope: 'customer',
    });
  });

  it("a conversation that ends between closer's read and its disconnect: already-ended, saying it ended meanwhile", async () => {
    const conversation = t.sim.createConversation();
    const read = await client.getMessageConversation(conversation.id);
    t.sim.agentEnds(conversation.id);
    t.sim.clearRequests();
    const outcome = await endConversation(client, conversation.id, { conversation: read });
    expect(outcome).toEqual({
      outcome: 'already-ended',
      conversationId: conversation.id,
      endedDuringDisconnect: true,
    });
    const base = `/api/v2/conversations/messages/${conversation.id}`;
    expect(apiCalls(t)).toEqual([`PATCH ${base}`, `GET ${base}`]);
  });

  it('never calls the invented DELETE /api/v2/conversations/webmessaging/{id}', () => {
    const invented = t.sim.requests.filter(
      (r) => r.path.includes('/conversations/webmessaging') || r.method === 'DELETE',
    );
    expect(invented).toEqual([]);
  });
});

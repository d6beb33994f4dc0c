import request from 'supertest';
import { endConversation, GenesysClient } from '../../../src/genesys';
import {
  startTestCloser,
  testRulesYaml,
  TEST_API_TOKEN,
  type TestCloser,
} from '../../helpers/closer';
import {
  MINUTE,
  conversationView,
  disconnectRequests,
  messagesSentByCloser,
  passTime,
} from './support';

const auth = { authorization: `Bearer ${TEST_API_TOKEN}` };
const conversationPath = (id: string): RegExp =>
  new RegExp(`^/api/v2/conversations/messages/${id}$`);

/** Cases an independent review of the lifecycle work reproduced; each stays as a test. */
describe('lifecycle: regressions found in review', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('an ending whose answer was lost still counts: the customer coming back is a new episode, ended again', async () => {
    t = await startTestCloser({ rulesYaml: testRulesYaml({ idleWhile: ['agent'] }) });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    await t.settle();
    t.sim.injectFaults([
      { method: 'PATCH', path: conversationPath(conv.id), fault: 'drop-after', times: 1 },
    ]);
    const res = await request(t.closer.app)
      .post(`/v1/conversations/${conv.id}/terminate`)
      .set(auth)
      .send({ message: 'bye' });
    expect(res.body).toMatchObject({ outcome: 'terminated' });
    await t.settle();
    expect(await conversationView(t, conv.id)).toMatchObject({
      episode: 1,
      phase: { phase: 'ended' },
      endedBy: { closerRuleId: 'on-demand' },
    });

    t.sim.postMessage(conv.id, 'customer', 'I am back');
    await t.settle();
    expect((await conversationView(t, conv.id)).episode).toBe(2);
    await passTime(t, 21 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    expect(t.outcomes.map((o) => `${o.ruleId}:${o.kind}@${o.episode ?? 1}`)).toEqual([
      'on-demand:terminated@1',
      'idle-web-customer:warned@2',
      'idle-web-customer:terminated@2',
    ]);
  });

  it('an on-demand ending that fails transiently is recorded, frees the episode, and its closing message is never sent twice', async () => {
    t = await startTestCloser({ rulesYaml: testRulesYaml({ idleWhile: ['agent'] }) });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    await t.settle();
    t.sim.injectFaults([
      {
        method: 'PATCH',
        path: conversationPath(conv.id),
        fault: 'error-before',
        status: 503,
        times: 20,
      },
    ]);
    const res = await request(t.closer.app)
      .post(`/v1/conversations/${conv.id}/terminate`)
      .set(auth)
      .send({ message: 'This chat is now closed.' });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(t.outcomes.at(-1)).toMatchObject({ ruleId: 'on-demand', kind: 'failed' });
    expect(await t.store.getEnding(conv.id, 1)).toMatchObject({ state: 'released' });
    t.sim.clearFaults();

    // The idle rule ends the episode later — without a second closing message.
    await passTime(t, 21 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    const closing = messagesSentByCloser(t, conv.id).filter((m) => m !== 'Are you still there?');
    expect(closing).toEqual(['This chat is now closed.']);
    expect(t.outcomes.at(-1)?.details).toMatchObject({
      messageSent: false,
      messageSkippedReason: expect.stringMatching(/may already have gone out/) as unknown,
    });
  });

  it('two on-demand requests at once: one closing message, one disconnect', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    await t.settle();
    t.sim.setLatency(200);
    const app = t.closer.app;
    const [a, b] = await Promise.all([
      request(app)
        .post(`/v1/conversations/${conv.id}/terminate`)
        .set(auth)
        .send({ message: 'closing A' }),
      request(app)
        .post(`/v1/conversations/${conv.id}/terminate`)
        .set(auth)
        .send({ message: 'closing B' }),
    ]);
    t.sim.setLatency(0);
    expect([a.body.outcome, b.body.outcome].sort()).toEqual(['already-ended', 'terminated']);
    expect(messagesSentByCloser(t, conv.id)).toHaveLength(1);
    expect(disconnectRequests(t, conv.id)).toBe(1);
  });

  it('the permission check asks the operation that will end it: no leg permission → nothing sent', async () => {
    t = await startTestCloser();
    t.sim.registerClient({
      clientId: 'park-only',
      clientSecret: 'park-only-secret-0123',
      permissions: [
        'conversation:communication:view',
        'conversation:message:create',
        'conversation:message:park',
      ],
    });
    const client = new GenesysClient({
      clientId: 'park-only',
      clientSecret: 'park-only-secret-0123',
      apiUrl: t.sim.url,
      loginUrl: t.sim.url,
      baseBackoffMs: 5,
    });
    try {
      const conv = t.sim.createConversation({ messageType: 'webmessaging' });
      await expect(
        endConversation(client, conv.id, { message: 'this chat is closed', leg: 'customer' }),
      ).rejects.toMatchObject({ code: 'GENESYS_FORBIDDEN' });
      expect(messagesSentByCloser(t, conv.id)).toEqual([]);
      // The whole-conversation disconnect is allowed (ANY of disconnect or park): it still works.
      const whole = await endConversation(client, conv.id, { message: 'this chat is closed' });
      expect(whole).toMatchObject({ outcome: 'terminated', messageSent: true });
    } finally {
      await client.close();
    }
  });

  it('time parked does not count as agent-phase silence: the clock restarts when the agent unparks', async () => {
    t = await startTestCloser({ rulesYaml: testRulesYaml({ idleWhile: ['agent'] }) });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'One moment');
    await t.settle();
    t.sim.park(conv.id);
    await t.settle();
    await passTime(t, 30 * MINUTE, 5 * MINUTE);
    const unparkedAt = t.clock.now();
    t.sim.unpark(conv.id);
    await t.settle();
    await passTime(t, 5 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    await passTime(t, 16 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    const ended = t.outcomes.find((o) => o.kind === 'terminated');
    expect((ended?.at ?? 0) - unparkedAt).toBeGreaterThanOrEqual(20 * MINUTE);
  });
});

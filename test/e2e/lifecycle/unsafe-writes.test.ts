import request from 'supertest';
import { CLOSER_PERMISSIONS } from '../../../src/genesys';
import { startTestCloser, TEST_API_TOKEN, type TestCloser } from '../../helpers/closer';
import {
  MINUTE,
  disconnectRequests,
  messagesSentByCloser,
  outcomeLines,
  passTime,
} from './support';

const WARNING = 'Are you still there?';
const CLOSING = 'We closed this chat after 20 minutes without a reply.';

/** The exact path of the whole-conversation disconnect (not the probe's random ids). */
const conversationPath = (id: string): RegExp =>
  new RegExp(`^/api/v2/conversations/messages/${id}$`);

describe('unsafe writes: no promise closer cannot keep, no blind repeat', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('without the disconnect permission: no warning or closing message is sent, and the outcome names the permission and the fix', async () => {
    t = await startTestCloser({
      permissions: CLOSER_PERMISSIONS.filter((p) => p !== 'conversation:communication:disconnect'),
    });
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Hello?');
    await t.settle();
    await passTime(t, 21 * MINUTE);

    expect(messagesSentByCloser(t, conv.id)).toEqual([]);
    expect(disconnectRequests(t, conv.id)).toBe(0);
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    const failed = t.outcomes.find((o) => o.kind === 'failed');
    expect(failed?.details).toMatchObject({
      code: 'GENESYS_FORBIDDEN',
      missingPermissions: expect.arrayContaining([
        'conversation:communication:disconnect',
      ]) as unknown,
    });
    expect(String(failed?.details?.fix)).toMatch(/role/);

    // The HTTP API says the same, and sends nothing either.
    const res = await request(t.closer.app)
      .post(`/v1/conversations/${conv.id}/terminate`)
      .set('authorization', `Bearer ${TEST_API_TOKEN}`)
      .send({ message: 'This chat is now closed.' });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: { code: 'GENESYS_FORBIDDEN' } });
    expect(messagesSentByCloser(t, conv.id)).toEqual([]);
  });

  it('a disconnect refused after the message went out: failed with messageSent, counted, and the rule holds its closing messages until a disconnect succeeds', async () => {
    t = await startTestCloser();
    const first = t.sim.createConversation({ messageType: 'webmessaging' });
    await t.settle();
    await passTime(t, 5 * MINUTE);
    const second = t.sim.createConversation({ messageType: 'webmessaging' });
    await t.settle();
    // The probe (random id) says allowed; the real conversation is in a division the role lacks.
    t.sim.injectFaults([
      {
        method: 'PATCH',
        path: conversationPath(first.id),
        fault: 'error-before',
        status: 403,
        times: 3,
      },
    ]);
    await passTime(t, 16 * MINUTE);

    const failed = t.outcomes.filter((o) => o.conversationId === first.id && o.kind === 'failed');
    expect(failed[0]?.details).toMatchObject({ code: 'GENESYS_FORBIDDEN', messageSent: true });
    // The closing message re-armed the rule; its next attempt sent no second message.
    expect(failed.length).toBeGreaterThan(1);
    expect(failed.slice(1).every((o) => o.details?.messageSent === false)).toBe(true);
    expect(messagesSentByCloser(t, first.id)).toEqual([WARNING, CLOSING]);
    expect(t.sim.conversation(first.id)?.state).toBe('connected');
    expect(t.logs.join('')).toMatch(/closing message sent but the disconnect was refused/);
    const metrics = await request(t.closer.app).get('/metrics');
    expect(metrics.text).toMatch(
      /closer_closing_message_without_end_total\{rule="idle-web-customer"\} 1/,
    );
    // The second conversation comes due 5 minutes later: ended, but with neither a warning nor a
    // closing message (both promise an end the rule could not deliver last time).
    await passTime(t, 5 * MINUTE);
    expect(t.sim.conversation(second.id)?.state).toBe('disconnected');
    expect(messagesSentByCloser(t, second.id)).toEqual([]);
    expect(t.outcomes.find((o) => o.conversationId === second.id)?.reason).toMatch(
      /^warning not sent: the rule's messages are held/,
    );
    expect(
      t.outcomes.find((o) => o.conversationId === second.id && o.kind === 'terminated')?.details,
    ).toMatchObject({
      messageSent: false,
      messageSkippedReason: expect.stringMatching(
        /closing messages of rule idle-web-customer are held/,
      ) as unknown,
    });
    // A disconnect succeeded again: the hold is released, the next chat gets its message.
    expect(await t.store.closingMessageHold('idle-web-customer')).toBeUndefined();
    const third = t.sim.createConversation({ messageType: 'webmessaging' });
    await t.settle();
    await passTime(t, 21 * MINUTE);
    expect(messagesSentByCloser(t, third.id)).toEqual([WARNING, CLOSING]);
  });

  it('a warning whose answer was lost is never sent again, and the chat still closes on time', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Hello?');
    await t.settle();
    t.sim.injectFaults([
      {
        method: 'POST',
        path: new RegExp(`^/api/v2/conversations/messages/${conv.id}/communications/`),
        fault: 'error-after',
        status: 502,
        times: 1,
      },
    ]);
    await passTime(t, 19 * MINUTE);
    // Genesys applied it (the customer saw it) but closer got a 502: recorded, not repeated.
    expect(messagesSentByCloser(t, conv.id)).toEqual([WARNING]);
    expect(t.outcomes.at(-1)).toMatchObject({ kind: 'failed' });
    expect(t.outcomes.at(-1)?.reason).toMatch(/not sent again/);
    await passTime(t, 2 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    expect(messagesSentByCloser(t, conv.id)).toEqual([WARNING, CLOSING]);
  });

  it('an ambiguous disconnect (applied, answer lost) with reads failing: no second disconnect, one closing message', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Hello?');
    await t.settle();
    await passTime(t, 19 * MINUTE);
    expect(messagesSentByCloser(t, conv.id)).toEqual([WARNING]);

    t.sim.injectFaults([
      // The firing's own live read passes; every read after the disconnect is rate limited.
      { method: 'GET', path: conversationPath(conv.id), fault: 'hold', holdMs: 0, times: 1 },
      {
        method: 'PATCH',
        path: conversationPath(conv.id),
        fault: 'error-after',
        status: 502,
        times: 1,
      },
      {
        method: 'GET',
        path: conversationPath(conv.id),
        fault: 'rate-limit',
        retryAfterSeconds: 0,
        times: 50,
      },
    ]);
    await passTime(t, 2 * MINUTE);
    expect(disconnectRequests(t, conv.id)).toBe(1);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    const reconcile = t.logs.join('');
    expect(reconcile).toMatch(/GENESYS_OUTCOME_UNKNOWN|no read could confirm/);

    t.sim.clearFaults();
    await passTime(t, 10 * MINUTE);
    // The retry read first, saw the conversation over, and sent nothing more.
    expect(disconnectRequests(t, conv.id)).toBe(1);
    expect(messagesSentByCloser(t, conv.id)).toEqual([WARNING, CLOSING]);
    expect(outcomeLines(t, conv.id)).toEqual([
      'idle-web-customer:warned@1',
      'idle-web-customer:already-ended@1',
    ]);
    expect(await t.store.getEnding(conv.id, 1)).toMatchObject({
      state: 'ended',
      ruleId: 'idle-web-customer',
    });
  });

  it('an ambiguous disconnect that did NOT take effect: re-sent only after a read confirmed it is still wanted, and the closing message is not sent twice', async () => {
    t = await startTestCloser();
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Hello?');
    await t.settle();
    await passTime(t, 19 * MINUTE);
    t.sim.injectFaults([
      { method: 'GET', path: conversationPath(conv.id), fault: 'hold', holdMs: 0, times: 1 },
      { method: 'PATCH', path: conversationPath(conv.id), fault: 'drop', times: 1 },
      {
        method: 'GET',
        path: conversationPath(conv.id),
        fault: 'error-before',
        status: 503,
        times: 50,
      },
    ]);
    await passTime(t, 2 * MINUTE);
    expect(disconnectRequests(t, conv.id)).toBe(1);
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');

    t.sim.clearFaults();
    await passTime(t, 10 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    const patches = t.sim
      .apiRequests()
      .filter((r) => r.method === 'PATCH' && conversationPath(conv.id).test(r.path));
    expect(patches.map((r) => r.applied)).toEqual([false, true]);
    // Between the two disconnects, a read of the conversation answered (the confirming read).
    const between = t.sim
      .apiRequests()
      .filter(
        (r) =>
          r.method === 'GET' &&
          conversationPath(conv.id).test(r.path) &&
          r.status === 200 &&
          r.seq > (patches[0]?.seq ?? 0) &&
          r.seq < (patches[1]?.seq ?? 0),
      );
    expect(between.length).toBeGreaterThan(0);
    expect(messagesSentByCloser(t, conv.id)).toEqual([WARNING, CLOSING]);
    expect(outcomeLines(t, conv.id)).toEqual([
      'idle-web-customer:warned@1',
      'idle-web-customer:terminated@1',
    ]);
    expect(t.outcomes.at(-1)?.details).toMatchObject({
      messageSent: false,
      messageSkippedReason: expect.stringMatching(/may already have gone out/) as unknown,
    });
  });
});

import { startTestCloser, type TestCloser } from '../helpers/closer';
import {
  MINUTE,
  disconnectRequests,
  messagesSentByCloser,
  outcomeLines,
  passTime,
} from '../e2e/lifecycle/support';

const WARNING = 'Are you still there?';
const CLOSING = 'We closed this chat after 20 minutes without a reply.';
const RULE = 'idle-web-customer';

/**
 * An ending resumed after a crash that left its closing-message intent recorded (the state a
 * SIGKILL leaves between "intent written" and "ending finished"): closer looks at the
 * conversation's own messages and sends the closing message only if it is not there. The dead
 * attempt is simulated by claiming the ending and recording the intent in the store, as the
 * killed process did, before the close timer fires.
 */
describe('an ending resumed with its closing-message intent recorded', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** Starts closer, lets the warning go out, then records a dead attempt's claim and intent. */
  async function deadAttempt(): Promise<{ t: TestCloser; id: string }> {
    const closer = await startTestCloser();
    t = closer;
    const conv = closer.sim.createConversation({ messageType: 'webmessaging' });
    closer.sim.postMessage(conv.id, 'customer', 'Hello?');
    await closer.settle();
    await passTime(closer, 19 * MINUTE);
    expect(messagesSentByCloser(closer, conv.id)).toEqual([WARNING]);
    const now = closer.clock.now();
    const claim = await closer.store.claimEnding({
      conversationId: conv.id,
      episode: 1,
      ruleId: RULE,
      at: now,
    });
    expect(claim.claimed).toBe(true);
    await closer.store.markEndingMessage(conv.id, 1, now);
    return { t: closer, id: conv.id };
  }

  it('killed between the intent and the send: the message is not in the conversation, so it is sent once', async () => {
    const { t, id } = await deadAttempt();
    await passTime(t, 2 * MINUTE);

    expect(t.sim.conversation(id)?.state).toBe('disconnected');
    expect(messagesSentByCloser(t, id)).toEqual([WARNING, CLOSING]);
    expect(disconnectRequests(t, id)).toBe(1);
    expect(outcomeLines(t, id)).toEqual([`${RULE}:warned@1`, `${RULE}:terminated@1`]);
    expect(t.outcomes.at(-1)?.details).toMatchObject({ messageSent: true });
  });

  it('killed between the send and the disconnect: the message is in the conversation, so only the disconnect is sent', async () => {
    const { t, id } = await deadAttempt();
    // What the dead attempt's send left in Genesys: closer's text on the agent's leg.
    t.clock.advance(1_000);
    t.sim.postMessage(id, 'agent', CLOSING);
    await passTime(t, 2 * MINUTE);

    expect(t.sim.conversation(id)?.state).toBe('disconnected');
    expect(messagesSentByCloser(t, id)).toEqual([WARNING]);
    expect(t.sim.conversation(id)?.messages.filter((m) => m.text === CLOSING)).toHaveLength(1);
    expect(disconnectRequests(t, id)).toBe(1);
    expect(t.outcomes.at(-1)).toMatchObject({ ruleId: RULE, kind: 'terminated' });
    expect(t.outcomes.at(-1)?.details).toMatchObject({
      messageSent: false,
      messageSkippedReason: expect.stringMatching(
        /may already have gone out .*message .* on the agent leg/,
      ) as unknown,
    });
  });
});

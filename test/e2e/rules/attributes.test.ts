import { startTestCloser, type TestCloser } from '../../helpers/closer';
import {
  MINUTE,
  conversationView,
  disconnectRequests,
  messagesSentByCloser,
  passTime,
} from '../lifecycle/support';

/**
 * Issue 14, item 4: participant attributes (participant data set by a flow or a script) and the
 * facts closer derives (`phase`, `episode`) in an inactivity rule's `match`, end to end: the
 * simulator puts the attributes on its snapshots and sends the `.attributes` detail event, closer
 * tracks them, and the rule exempts or targets conversations by them.
 */

const CLOSING = 'We closed this chat after 20 minutes without a reply.';
const VIP_CLOSING = 'Your advisor will write to you by email.';

const RULES = `
dryRun: false
sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
rules:
  - id: idle-not-vip
    kind: inactivity
    match:
      messageType: [webmessaging]
      attributes: { vip: [{ anything-but: ["true"] }] }
    idle: { side: customer, after: 20m }
    close: { message: "${CLOSING}" }
  - id: idle-vip-french-after-bot
    kind: inactivity
    match:
      attributes: { vip: ["true"], language: [{ prefix: "fr" }] }
      phase: [agent]
    idle: { side: customer, after: 60m }
    close: { message: "${VIP_CLOSING}" }
`;

describe('participant attributes and derived facts in match', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a VIP is exempt from the 20-minute rule and closed by its own 60-minute one; others are closed at 20', async () => {
    t = await startTestCloser({ rulesYaml: RULES });
    const vip = t.sim.createConversation({
      messageType: 'webmessaging',
      attributes: { vip: 'true', language: 'fr-FR' },
    });
    const plain = t.sim.createConversation({
      messageType: 'webmessaging',
      attributes: { vip: 'false', language: 'fr-FR' },
    });
    // No `vip` attribute at all: `anything-but` needs a value, so this one is exempt too.
    const unknown = t.sim.createConversation({ messageType: 'webmessaging' });
    for (const conv of [vip, plain, unknown]) {
      t.sim.postMessage(conv.id, 'customer', 'Hello?');
    }
    await t.settle();
    expect((await conversationView(t, vip.id)).facts).toMatchObject({
      attributes: { vip: 'true', language: 'fr-FR' },
      phase: 'agent',
      episode: 1,
    });

    await passTime(t, 21 * MINUTE);
    expect(t.sim.conversation(plain.id)?.state).toBe('disconnected');
    expect(messagesSentByCloser(t, plain.id)).toEqual([CLOSING]);
    expect(t.sim.conversation(vip.id)?.state).toBe('connected');
    expect(t.sim.conversation(unknown.id)?.state).toBe('connected');

    await passTime(t, 40 * MINUTE);
    expect(t.sim.conversation(vip.id)?.state).toBe('disconnected');
    expect(messagesSentByCloser(t, vip.id)).toEqual([VIP_CLOSING]);
    expect(disconnectRequests(t, vip.id)).toBe(1);
    expect(
      t.outcomes.filter((o) => o.conversationId === vip.id && o.kind === 'terminated'),
    ).toMatchObject([{ ruleId: 'idle-vip-french-after-bot' }]);
    expect(t.sim.conversation(unknown.id)?.state).toBe('connected');
  });

  it('attributes set mid-conversation (the .attributes event and the next snapshot) re-plan the timers', async () => {
    t = await startTestCloser({ rulesYaml: RULES });
    const conv = t.sim.createConversation({
      messageType: 'webmessaging',
      attributes: { vip: 'no' },
    });
    t.sim.postMessage(conv.id, 'customer', 'Hello?');
    await t.settle();
    expect(await t.store.listTimers(conv.id)).toMatchObject([{ ruleId: 'idle-not-vip' }]);

    await passTime(t, 5 * MINUTE);
    t.sim.setAttributes(conv.id, { vip: 'true', language: 'fr-CA' });
    await t.settle();
    expect((await conversationView(t, conv.id)).facts).toMatchObject({
      attributes: { vip: 'true', language: 'fr-CA' },
    });
    // Now a VIP: the 20-minute timer is gone, the 60-minute one armed from the last message.
    expect((await t.store.listTimers(conv.id)).map((timer) => timer.ruleId)).toEqual([
      'idle-vip-french-after-bot',
    ]);
    await passTime(t, 30 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    await passTime(t, 30 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    expect(messagesSentByCloser(t, conv.id)).toEqual([VIP_CLOSING]);
  });
});

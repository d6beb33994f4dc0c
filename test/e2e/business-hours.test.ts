import request from 'supertest';
import { startTestCloser, TEST_API_TOKEN, type TestCloser } from '../helpers/closer';

/**
 * Business hours (`idle.during`) and channel windows (`idle.before: channelWindow`), end to end:
 * simulator → EventBridge intake → timers → Genesys, on the ManualClock.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

function rulesYaml(rules: string): string {
  return `
sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
schedules:
  office:
    timeZone: Europe/Paris
    weekly:
      mon-fri: ["09:00-18:00"]
      sat: ["10:00-13:00"]
    holidays: [2026-12-25]
rules:
${rules}`;
}

const OFFICE_RULE = `
  - id: office-idle
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 20m, during: office }
    warn: { before: 2m, message: "Are you still there?" }
    close: { message: "We closed this chat after 20 minutes of office time without a reply." }
`;

const WINDOW_RULE = `
  - id: whatsapp-window
    kind: inactivity
    idle: { side: customer, before: channelWindow, margin: 30m }
    close: { message: "This chat closes before WhatsApp's 24-hour window does." }
`;

/** Moves the clock to `until` in steps of `step` (the last one lands on it), settling after each. */
async function passUntil(t: TestCloser, until: number, step: number): Promise<void> {
  while (t.clock.now() < until) {
    t.clock.set(Math.min(until, t.clock.now() + step));
    await t.settle();
  }
}

describe('business hours (idle.during), end to end', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a chat left at 17:55 is not closed overnight, but at 09:15 the next working day', async () => {
    t = await startTestCloser({ rulesYaml: rulesYaml(OFFICE_RULE) });
    // Wednesday 25 Nov 2026, 17:55 in Paris (UTC+1).
    t.clock.set(Date.UTC(2026, 10, 25, 16, 55));
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'One more question');
    t.sim.postMessage(conv.id, 'agent', 'Sure, go ahead');
    await t.settle();

    const [timer] = await t.store.listTimers(conv.id);
    expect(timer).toMatchObject({ ruleId: 'office-idle', phase: 'warn' });
    expect(timer?.dueAt).toBe(Date.UTC(2026, 10, 26, 8, 13)); // 09:13 Thursday

    // The night passes: nothing is sent, nothing ends.
    await passUntil(t, Date.UTC(2026, 10, 26, 8, 12, 59), 30 * MINUTE);
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
    expect(t.outcomes).toEqual([]);

    await passUntil(t, Date.UTC(2026, 10, 26, 8, 13), SECOND);
    expect(t.outcomes.map((o) => o.kind)).toEqual(['warned']);
    expect(t.sim.conversation(conv.id)?.messages.at(-1)?.text).toBe('Are you still there?');

    await passUntil(t, Date.UTC(2026, 10, 26, 8, 14, 59), 30 * SECOND);
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');

    await passUntil(t, Date.UTC(2026, 10, 26, 8, 15), SECOND);
    const ended = t.sim.conversation(conv.id);
    expect(ended?.state).toBe('disconnected');
    expect(ended?.disconnectCount).toBe(1);
    expect(t.outcomes.map((o) => o.kind)).toEqual(['warned', 'terminated']);
  });

  it('across the spring DST change: Saturday 12:55 CET closes Monday 09:15 CEST (07:15 UTC)', async () => {
    t = await startTestCloser({ rulesYaml: rulesYaml(OFFICE_RULE) });
    // Saturday 27 March 2027 12:55 CET (11:55Z); Paris moves to CEST on Sunday 28 at 02:00.
    t.clock.set(Date.UTC(2027, 2, 27, 11, 55));
    const conv = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(conv.id, 'customer', 'Are you open on Monday?');
    await t.settle();
    const [timer] = await t.store.listTimers(conv.id);
    // 5 minutes on Saturday (until 13:00), 13 on Monday from 09:00 CEST → warning 09:13 CEST.
    expect(timer?.dueAt).toBe(Date.UTC(2027, 2, 29, 7, 13));

    await passUntil(t, Date.UTC(2027, 2, 29, 7, 12, 59), HOUR);
    expect(t.outcomes).toEqual([]); // nothing on Sunday, nor before 09:13 CEST on Monday
    await passUntil(t, Date.UTC(2027, 2, 29, 7, 13), SECOND);
    expect(t.outcomes.map((o) => [o.kind, o.at])).toEqual([
      ['warned', Date.UTC(2027, 2, 29, 7, 13)],
    ]);
    await passUntil(t, Date.UTC(2027, 2, 29, 7, 14, 59), 30 * SECOND);
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');

    await passUntil(t, Date.UTC(2027, 2, 29, 7, 15), SECOND);
    expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
    expect(t.outcomes.map((o) => o.kind)).toEqual(['warned', 'terminated']);
  });
});

describe('channel windows (idle.before: channelWindow), end to end', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('ends a WhatsApp chat 30 minutes before the 24-hour window closes; leaves web messaging alone', async () => {
    t = await startTestCloser({ rulesYaml: rulesYaml(WINDOW_RULE) });
    const whatsapp = t.sim.createConversation({ messageType: 'whatsapp' });
    const web = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(whatsapp.id, 'customer', 'Hello from WhatsApp');
    t.sim.postMessage(web.id, 'customer', 'Hello from the web');
    await t.settle();
    const customerWroteAt = t.clock.now();

    // An agent answering does not move the window: only the customer opens it.
    t.clock.advance(2 * HOUR);
    t.sim.postMessage(whatsapp.id, 'agent', 'Let me check that for you');
    await t.settle();

    const [timer] = await t.store.listTimers(whatsapp.id);
    expect(timer).toMatchObject({ ruleId: 'whatsapp-window', phase: 'close' });
    expect(timer?.dueAt).toBe(customerWroteAt + 24 * HOUR - 30 * MINUTE);
    // No window on web messaging: no timer at all.
    expect(await t.store.listTimers(web.id)).toEqual([]);

    await passUntil(t, customerWroteAt + 24 * HOUR - 30 * MINUTE - SECOND, HOUR);
    expect(t.sim.conversation(whatsapp.id)?.state).toBe('connected');

    await passUntil(t, customerWroteAt + 24 * HOUR - 30 * MINUTE, SECOND);
    const ended = t.sim.conversation(whatsapp.id);
    expect(ended?.state).toBe('disconnected');
    expect(ended?.messages.at(-1)?.text).toBe(
      "This chat closes before WhatsApp's 24-hour window does.",
    );
    expect(t.outcomes.map((o) => [o.kind, o.conversationId])).toEqual([
      ['terminated', whatsapp.id],
    ]);

    await passUntil(t, customerWroteAt + 48 * HOUR, 4 * HOUR);
    expect(t.sim.conversation(web.id)?.state).toBe('connected');
  });

  it('a new customer message opens a new window: the close moves later', async () => {
    t = await startTestCloser({ rulesYaml: rulesYaml(WINDOW_RULE) });
    const conv = t.sim.createConversation({ messageType: 'whatsapp' });
    t.sim.postMessage(conv.id, 'customer', 'first');
    await t.settle();
    t.clock.advance(10 * HOUR);
    t.sim.postMessage(conv.id, 'customer', 'second');
    await t.settle();
    const secondAt = t.clock.now();
    const [timer] = await t.store.listTimers(conv.id);
    expect(timer?.dueAt).toBe(secondAt + 24 * HOUR - 30 * MINUTE);
    await passUntil(t, secondAt + 14 * HOUR, HOUR); // past the first window's close
    expect(t.sim.conversation(conv.id)?.state).toBe('connected');
  });
});

describe('GET /v1/rules with schedules and windows', () => {
  it('shows the schedules as written and each rule as written (no compiled schedule inside)', async () => {
    const t = await startTestCloser({ rulesYaml: rulesYaml(OFFICE_RULE + WINDOW_RULE) });
    try {
      const res = await request(t.closer.app)
        .get('/v1/rules')
        .set({ authorization: `Bearer ${TEST_API_TOKEN}` });
      expect(res.status).toBe(200);
      const week = ['09:00-18:00'];
      expect(res.body.schedules).toEqual({
        office: {
          timeZone: 'Europe/Paris',
          weekly: {
            mon: week,
            tue: week,
            wed: week,
            thu: week,
            fri: week,
            sat: ['10:00-13:00'],
            sun: [],
          },
          holidays: ['2026-12-25'],
        },
      });
      const [office, window] = res.body.rules as Array<Record<string, unknown>>;
      expect(office?.idle).toEqual({ side: 'customer', after: '20m', during: 'office' });
      expect(office).not.toHaveProperty('schedule');
      expect(window?.idle).toEqual({ side: 'customer', before: 'channelWindow', margin: '30m' });
    } finally {
      await t.close();
    }
  });
});

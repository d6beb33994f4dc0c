import request from 'supertest';
import { startTestCloser, TEST_API_TOKEN, type TestCloser } from '../helpers/closer';

/**
 * Business hours (`idle.during`) and channel windows (`idle.before: channelWindow`), end to end:
 * simulator → EventBridge intake → timers → Genesys, on the ManualClock.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

function rulesYaml(rules: string, timeZone = 'Europe/Paris'): string {
  return `
sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
schedules:
  office:
    timeZone: ${timeZone}
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

/** An instant written twice: as UTC (what the test sets and expects) and as the wall clock it is. */
interface WrittenInstant {
  /** `Date.UTC` arguments: year, month (0-based), day, hour, minute. */
  utc: [number, number, number, number, number];
  /** `Sat 2026-10-24 12:50 GMT+02:00`: weekday, date, time and UTC offset in the schedule's zone. */
  wall: string;
}

function instant({ utc }: WrittenInstant): { ms: number } {
  return { ms: Date.UTC(...utc) };
}

/** The wall clock of `ms` in `timeZone` as {@link WrittenInstant.wall} writes it, by Intl alone. */
function wallClock(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

/**
 * A chat left on the Saturday before a DST change, a few minutes before the office closes at
 * 13:00: the rest of its 20 office minutes (warning at 18) run from 09:00 on Monday, in Monday's
 * UTC offset. Every instant is written by hand in UTC and checked against its wall clock by Intl.
 * All after 25 November 2026: the test clock starts there and never goes back.
 */
const DST_CASES: {
  name: string;
  timeZone: string;
  leftAt: WrittenInstant;
  warnAt: WrittenInstant;
  closeAt: WrittenInstant;
}[] = [
  {
    // Paris: Sunday 28 March 2027, 02:00 CET → 03:00 CEST. 5 office minutes on Saturday.
    name: 'Paris spring (CET → CEST)',
    timeZone: 'Europe/Paris',
    leftAt: { utc: [2027, 2, 27, 11, 55], wall: 'Sat 2027-03-27 12:55 GMT+01:00' },
    warnAt: { utc: [2027, 2, 29, 7, 13], wall: 'Mon 2027-03-29 09:13 GMT+02:00' },
    closeAt: { utc: [2027, 2, 29, 7, 15], wall: 'Mon 2027-03-29 09:15 GMT+02:00' },
  },
  {
    // Paris: last Sunday of October, 31 October 2027, 03:00 CEST → 02:00 CET. 10 minutes Saturday.
    name: 'Paris autumn (CEST → CET)',
    timeZone: 'Europe/Paris',
    leftAt: { utc: [2027, 9, 30, 10, 50], wall: 'Sat 2027-10-30 12:50 GMT+02:00' },
    warnAt: { utc: [2027, 10, 1, 8, 8], wall: 'Mon 2027-11-01 09:08 GMT+01:00' },
    closeAt: { utc: [2027, 10, 1, 8, 10], wall: 'Mon 2027-11-01 09:10 GMT+01:00' },
  },
  {
    // New York: second Sunday of March, 14 March 2027, 02:00 EST → 03:00 EDT. 15 minutes Saturday.
    name: 'New York spring (EST → EDT)',
    timeZone: 'America/New_York',
    leftAt: { utc: [2027, 2, 13, 17, 45], wall: 'Sat 2027-03-13 12:45 GMT-05:00' },
    warnAt: { utc: [2027, 2, 15, 13, 3], wall: 'Mon 2027-03-15 09:03 GMT-04:00' },
    closeAt: { utc: [2027, 2, 15, 13, 5], wall: 'Mon 2027-03-15 09:05 GMT-04:00' },
  },
  {
    // New York: first Sunday of November, 7 November 2027, 02:00 EDT → 01:00 EST. 1 minute Saturday.
    name: 'New York autumn (EDT → EST)',
    timeZone: 'America/New_York',
    leftAt: { utc: [2027, 10, 6, 16, 59], wall: 'Sat 2027-11-06 12:59 GMT-04:00' },
    warnAt: { utc: [2027, 10, 8, 14, 17], wall: 'Mon 2027-11-08 09:17 GMT-05:00' },
    closeAt: { utc: [2027, 10, 8, 14, 19], wall: 'Mon 2027-11-08 09:19 GMT-05:00' },
  },
];

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

  it.each(DST_CASES)(
    '$name: left $leftAt.wall, warned $warnAt.wall, closed $closeAt.wall',
    async ({ timeZone, leftAt, warnAt, closeAt }) => {
      const left = instant(leftAt);
      const warn = instant(warnAt);
      const close = instant(closeAt);
      // The instants written in the table are the wall-clock times named, by Intl alone.
      expect([left, warn, close].map((at) => wallClock(at.ms, timeZone))).toEqual([
        leftAt.wall,
        warnAt.wall,
        closeAt.wall,
      ]);
      t = await startTestCloser({ rulesYaml: rulesYaml(OFFICE_RULE, timeZone) });
      t.clock.set(left.ms);
      const conv = t.sim.createConversation({ messageType: 'webmessaging' });
      t.sim.postMessage(conv.id, 'customer', 'Are you open on Monday?');
      await t.settle();
      const [timer] = await t.store.listTimers(conv.id);
      expect(timer).toMatchObject({ ruleId: 'office-idle', phase: 'warn', dueAt: warn.ms });

      // Saturday after 13:00, the Sunday of the change and Monday before the warning: nothing.
      await passUntil(t, warn.ms - SECOND, HOUR);
      expect(t.outcomes).toEqual([]);
      expect(t.sim.conversation(conv.id)?.state).toBe('connected');
      await passUntil(t, warn.ms, SECOND);
      expect(t.outcomes.map((o) => [o.kind, o.at])).toEqual([['warned', warn.ms]]);

      await passUntil(t, close.ms - SECOND, 30 * SECOND);
      expect(t.sim.conversation(conv.id)?.state).toBe('connected');
      await passUntil(t, close.ms, SECOND);
      expect(t.sim.conversation(conv.id)?.state).toBe('disconnected');
      expect(t.outcomes.map((o) => [o.kind, o.at])).toEqual([
        ['warned', warn.ms],
        ['terminated', close.ms],
      ]);
    },
  );
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

import { writeFileSync } from 'node:fs';
import request from 'supertest';
import { CLOSER_PERMISSIONS } from '../../src/genesys';
import { SIM_SCHEDULE_GROUP_ID } from '../../src/simulator';
import {
  startTestCloser,
  TEST_API_TOKEN,
  TEST_GENESYS_CLIENT,
  type TestCloser,
} from '../helpers/closer';

/**
 * Business hours taken from a Genesys Architect schedule group (`genesysScheduleGroupId`), end to
 * end: closer reads the group from the simulator over real HTTP through its Genesys client, and a
 * rule counting during it behaves exactly as during the same hours written out; a group that
 * cannot be read (permission missing, unknown) never lets the rule count on other hours.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * Two rules, one per channel, with the same timing: `genesys-idle` counts during the seeded group
 * (Monday–Friday 09:00–18:00, Saturday 10:00–13:00, Europe/Paris, closed 25 Dec 2026),
 * `written-idle` during the same hours written out.
 */
function rulesYaml(groupId: string): string {
  return `
sources:
  eventbridge: { auth: { header: x-api-key, valueEnv: CLOSER_EVENTBRIDGE_KEY } }
schedules:
  support:
    genesysScheduleGroupId: ${groupId}
  written:
    timeZone: Europe/Paris
    weekly:
      mon-fri: ["09:00-18:00"]
      sat: ["10:00-13:00"]
    holidays: [2026-12-25]
rules:
  - id: genesys-idle
    kind: inactivity
    match: { messageType: [webmessaging] }
    idle: { side: customer, after: 20m, during: support }
    warn: { before: 2m, message: "Are you still there?" }
    close: { message: "Closed after 20 minutes of opening hours without a reply." }
  - id: written-idle
    kind: inactivity
    match: { messageType: [open] }
    idle: { side: customer, after: 20m, during: written }
    warn: { before: 2m, message: "Are you still there?" }
    close: { message: "Closed after 20 minutes of opening hours without a reply." }
`;
}

/** Moves the clock to `until` in steps of `step` (the last one lands on it), settling after each. */
async function passUntil(t: TestCloser, until: number, step: number): Promise<void> {
  while (t.clock.now() < until) {
    t.clock.set(Math.min(until, t.clock.now() + step));
    await t.settle();
  }
}

interface SchedulesReport {
  status: string;
  schedules: Record<string, { status: string; error?: { code: string; message: string } }>;
}

async function schedulesReport(t: TestCloser): Promise<SchedulesReport> {
  const ready = await request(t.closer.app).get('/readyz');
  // Reported beside readiness, never deciding it: intake keeps storing events meanwhile.
  expect(ready.status).toBe(200);
  return (ready.body as { reports: { schedules: SchedulesReport } }).reports.schedules;
}

// Wednesday 25 Nov 2026, 17:55 in Paris (UTC+1); Thursday 09:13 and 09:15 in Paris.
const WEDNESDAY_1755 = Date.UTC(2026, 10, 25, 16, 55);
const THURSDAY_0900 = Date.UTC(2026, 10, 26, 8, 0);
const THURSDAY_0913 = Date.UTC(2026, 10, 26, 8, 13);
const THURSDAY_0915 = Date.UTC(2026, 10, 26, 8, 15);

describe('schedules taken from a Genesys schedule group, end to end', () => {
  let t: TestCloser | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a chat left at 17:55 is not closed overnight, but at 09:15 — exactly as with the hours written out', async () => {
    t = await startTestCloser({ rulesYaml: rulesYaml(SIM_SCHEDULE_GROUP_ID) });
    t.clock.set(WEDNESDAY_1755);
    const web = t.sim.createConversation({ messageType: 'webmessaging' });
    const open = t.sim.createConversation({ messageType: 'open' });
    for (const conv of [web, open]) {
      t.sim.postMessage(conv.id, 'customer', 'One more question');
    }
    await t.settle();

    // closer read the group and its schedules through its Genesys client.
    const reads = t.sim
      .apiRequests()
      .filter((r) => r.path.startsWith('/api/v2/architect/'))
      .map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(reads).toContain(`GET /api/v2/architect/schedulegroups/${SIM_SCHEDULE_GROUP_ID} 200`);
    expect(reads.filter((r) => r.includes('/architect/schedules/'))).toHaveLength(3);
    expect(await schedulesReport(t)).toMatchObject({
      status: 'ok',
      schedules: { support: { status: 'loaded' } },
    });

    const [genesysTimer] = await t.store.listTimers(web.id);
    const [writtenTimer] = await t.store.listTimers(open.id);
    expect(genesysTimer).toMatchObject({ ruleId: 'genesys-idle', phase: 'warn' });
    expect(genesysTimer?.dueAt).toBe(THURSDAY_0913);
    expect(writtenTimer).toMatchObject({ ruleId: 'written-idle', dueAt: THURSDAY_0913 });

    // The night passes: nothing is sent, nothing ends.
    await passUntil(t, THURSDAY_0913 - SECOND, 30 * MINUTE);
    expect(t.sim.conversation(web.id)?.state).toBe('connected');
    expect(t.outcomes).toEqual([]);

    await passUntil(t, THURSDAY_0913, SECOND);
    await passUntil(t, THURSDAY_0915 - SECOND, 30 * SECOND);
    expect(t.outcomes.map((o) => [o.ruleId, o.kind, o.at]).sort()).toEqual([
      ['genesys-idle', 'warned', THURSDAY_0913],
      ['written-idle', 'warned', THURSDAY_0913],
    ]);
    expect(t.sim.conversation(web.id)?.state).toBe('connected');

    await passUntil(t, THURSDAY_0915, SECOND);
    expect(t.sim.conversation(web.id)?.state).toBe('disconnected');
    expect(t.sim.conversation(open.id)?.state).toBe('disconnected');
    expect(
      t.outcomes
        .filter((o) => o.kind === 'terminated')
        .map((o) => [o.ruleId, o.at])
        .sort(),
    ).toEqual([
      ['genesys-idle', THURSDAY_0915],
      ['written-idle', THURSDAY_0915],
    ]);
  });

  it('without routing:scheduleGroup:view the rule does not count (says why), and counts once the role is fixed', async () => {
    t = await startTestCloser({
      rulesYaml: rulesYaml(SIM_SCHEDULE_GROUP_ID),
      permissions: CLOSER_PERMISSIONS.filter((p) => p !== 'routing:scheduleGroup:view'),
    });
    t.clock.set(WEDNESDAY_1755);
    const web = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(web.id, 'customer', 'One more question');
    await t.settle();

    expect(await t.store.listTimers(web.id)).toEqual([]);
    const report = await schedulesReport(t);
    expect(report).toMatchObject({
      status: 'degraded',
      schedules: { support: { status: 'failed', error: { code: 'SCHEDULE_GROUP_FORBIDDEN' } } },
    });
    expect(report.schedules.support?.error?.message).toContain('routing:scheduleGroup:view');
    expect(t.logs.join('')).toContain(
      'rules counting during it do not count silence until it is read',
    );

    // Plain time would have closed it at 18:15 Wednesday; no other hours are guessed either.
    await passUntil(t, THURSDAY_0900, 30 * MINUTE);
    expect(t.sim.conversation(web.id)?.state).toBe('connected');
    expect(t.outcomes).toEqual([]);

    // The role is fixed: the next read puts the group in force and re-plans the quiet chat.
    t.sim.registerClient({ ...TEST_GENESYS_CLIENT, permissions: [...CLOSER_PERMISSIONS] });
    await t.closer.schedules.refresh();
    await t.settle();
    const [timer] = await t.store.listTimers(web.id);
    expect(timer).toMatchObject({ ruleId: 'genesys-idle', phase: 'warn', dueAt: THURSDAY_0913 });
    await passUntil(t, THURSDAY_0915, 30 * SECOND);
    expect(t.sim.conversation(web.id)?.state).toBe('disconnected');
    expect(t.outcomes.map((o) => [o.kind, o.at])).toEqual([
      ['warned', THURSDAY_0913],
      ['terminated', THURSDAY_0915],
    ]);
  });

  it('an unknown group: no timer, readiness and the rules test say which schedule and why; created later, it counts', async () => {
    const groupId = '9e8d7c6b-5a49-4382-9716-0f1e2d3c4b5a';
    t = await startTestCloser({ rulesYaml: rulesYaml(groupId) });
    t.clock.set(WEDNESDAY_1755);
    const web = t.sim.createConversation({ messageType: 'webmessaging' });
    t.sim.postMessage(web.id, 'customer', 'One more question');
    await t.settle();

    expect(await t.store.listTimers(web.id)).toEqual([]);
    const report = await schedulesReport(t);
    expect(report.schedules.support).toMatchObject({
      status: 'failed',
      error: {
        code: 'SCHEDULE_GROUP_NOT_FOUND',
        message: expect.stringContaining(
          `schedule support (Genesys schedule group ${groupId}) cannot be read: Genesys has no schedule group (404`,
        ) as string,
      },
    });

    // "Why didn't it fire?" gives the same reason.
    const explained = await request(t.closer.app)
      .post('/v1/rules/test')
      .set({ authorization: `Bearer ${TEST_API_TOKEN}` })
      .send({ conversationId: web.id });
    const verdicts = (explained.body as { verdicts: Array<{ ruleId: string; reason: string }> })
      .verdicts;
    expect(verdicts.find((v) => v.ruleId === 'genesys-idle')).toMatchObject({
      verdict: 'condition-failed',
      reason: expect.stringContaining(
        `Genesys schedule group ${groupId}) cannot be read`,
      ) as string,
    });

    // Ops create the group in Genesys (here: the simulator's control API); the refresh reads it.
    t.sim.putSchedule({
      id: '9e8d7c6b-5a49-4382-9716-000000000001',
      name: 'Weekdays',
      start: '2026-01-05T09:00:00.000',
      end: '2026-01-05T18:00:00.000',
      rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR',
    });
    t.sim.putScheduleGroup({
      id: groupId,
      name: 'Support',
      timeZone: 'Europe/Paris',
      openScheduleIds: ['9e8d7c6b-5a49-4382-9716-000000000001'],
    });
    await t.closer.schedules.refresh();
    await t.settle();
    const [timer] = await t.store.listTimers(web.id);
    expect(timer?.dueAt).toBe(THURSDAY_0913);
  });

  it('a rules reload that starts taking a schedule from Genesys reads the group then', async () => {
    const written = rulesYaml(SIM_SCHEDULE_GROUP_ID).replace(
      `genesysScheduleGroupId: ${SIM_SCHEDULE_GROUP_ID}`,
      'timeZone: UTC\n    weekly: { sun: ["00:00-00:10"] }',
    );
    t = await startTestCloser({ rulesYaml: written });
    await t.settle();
    expect(t.sim.apiRequests().some((r) => r.path.startsWith('/api/v2/architect/'))).toBe(false);

    writeFileSync(t.rulesFile, rulesYaml(SIM_SCHEDULE_GROUP_ID));
    expect(t.closer.rules.reload()).toMatchObject({ version: 2 });
    await t.settle();
    expect(
      t.sim.apiRequests().filter((r) => r.path.startsWith('/api/v2/architect/schedulegroups/')),
    ).toHaveLength(1);
    expect(t.closer.schedules.report()).toMatchObject({
      status: 'ok',
      schedules: { support: { genesysScheduleGroupId: SIM_SCHEDULE_GROUP_ID, status: 'loaded' } },
    });
  });
});

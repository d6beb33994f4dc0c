import type { ArchitectSchedule, ScheduleGroup } from '../../../src/genesys';
import { ScheduleGroupError } from '../../../src/rules/errors';
import { parseRrule } from '../../../src/rules/rrule';
import { addOpenTime, isOpenAt, openTimeBetween, type Schedule } from '../../../src/rules/schedule';
import { compileScheduleGroup, localDateTime } from '../../../src/rules/schedule-group';

/**
 * Genesys schedule groups read as closer schedules (docs/genesys/facts.md §15): the rrule subset,
 * open minus closed/holiday, DST, and refusals. Expected instants are written out in UTC by hand.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const utc = (iso: string): number => Date.parse(iso);
const iso = (t: number | undefined): string | undefined =>
  t === undefined ? undefined : new Date(t).toISOString();

let nextId = 0;
function sched(start: string, end: string, rrule?: string, extra: Partial<ArchitectSchedule> = {}) {
  nextId += 1;
  const id = `00000000-0000-4000-8000-${String(nextId).padStart(12, '0')}`;
  return {
    id,
    name: `schedule ${nextId}`,
    start,
    end,
    ...(rrule === undefined ? {} : { rrule }),
    ...extra,
  };
}

/** A group over the given schedules (time zone Europe/Paris unless given). */
function group(
  roles: {
    open?: ArchitectSchedule[];
    closed?: ArchitectSchedule[];
    holiday?: ArchitectSchedule[];
  },
  extra: Partial<ScheduleGroup> = {},
): Schedule {
  const all = [...(roles.open ?? []), ...(roles.closed ?? []), ...(roles.holiday ?? [])];
  const ref = (s: ArchitectSchedule) => ({ id: s.id, name: s.name });
  return compileScheduleGroup('support', {
    group: {
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      name: 'Support hours',
      state: 'active',
      timeZone: 'Europe/Paris',
      openSchedules: (roles.open ?? []).map(ref),
      closedSchedules: (roles.closed ?? []).map(ref),
      holidaySchedules: (roles.holiday ?? []).map(ref),
      ...extra,
    },
    schedules: new Map(all.map((s) => [s.id, s])),
  });
}

/** Whatever `compileScheduleGroup` throws, as `code: message`. */
function refusal(build: () => unknown): string {
  try {
    build();
  } catch (error: unknown) {
    if (error instanceof ScheduleGroupError) {
      return `${error.code}: ${error.message}`;
    }
    throw error;
  }
  throw new Error('not refused');
}

// Monday 5 January 2026 is a Monday; Saturday 3 January 2026 a Saturday.
const WEEKDAYS_9_18 = sched(
  '2026-01-05T09:00:00.000',
  '2026-01-05T18:00:00.000',
  'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR',
);
const SATURDAY_10_13 = sched(
  '2026-01-03T10:00:00.000',
  '2026-01-03T13:00:00.000',
  'FREQ=WEEKLY;BYDAY=SA',
);
const CHRISTMAS = sched('2026-12-25T00:00:00.000', '2026-12-26T00:00:00.000');

/** The group the README's hand-written `office` schedule mirrors. */
const office = group({ open: [WEEKDAYS_9_18, SATURDAY_10_13], holiday: [CHRISTMAS] });

/** The same hours written out by hand, as `schedules:` would (minutes after midnight). */
const written: Schedule = {
  timeZone: 'Europe/Paris',
  weekly: [
    [[540, 1080]],
    [[540, 1080]],
    [[540, 1080]],
    [[540, 1080]],
    [[540, 1080]],
    [[600, 780]],
    [],
  ],
  holidays: ['2026-12-25'],
};

describe('parseRrule: the subset closer reads', () => {
  it.each([
    ['FREQ=WEEKLY;BYDAY=MO,WE,FR', { freq: 'WEEKLY', byDay: [0, 2, 4] }],
    ['FREQ=DAILY;INTERVAL=1', { freq: 'DAILY' }],
    ['RRULE:freq=weekly;byday=su,sa;wkst=MO', { freq: 'WEEKLY', byDay: [5, 6] }],
    ['FREQ=WEEKLY;BYDAY=SA;COUNT=3', { freq: 'WEEKLY', byDay: [5], count: 3 }],
    ['FREQ=DAILY;UNTIL=20261231', { freq: 'DAILY', until: utc('2026-12-31T23:59:59.999Z') }],
    ['FREQ=DAILY;UNTIL=20261231T170000', { freq: 'DAILY', until: utc('2026-12-31T17:00:00Z') }],
  ])('%s', (text, expected) => {
    expect(parseRrule(text)).toEqual(expected);
  });

  it.each([
    ['FREQ=MONTHLY;BYMONTHDAY=1', 'BYMONTHDAY is not interpreted'],
    ['FREQ=YEARLY', 'FREQ=YEARLY is not interpreted'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO', 'INTERVAL=2 is not interpreted'],
    ['FREQ=MONTHLY;BYDAY=1MO', 'FREQ=MONTHLY is not interpreted'],
    ['FREQ=WEEKLY;BYDAY=-1FR', 'an ordinal weekday (-1FR)'],
    ['FREQ=WEEKLY;BYDAY=THU', '"THU" is not a weekday'],
    ['FREQ=DAILY;UNTIL=20261231T170000Z', 'is in UTC'],
    ['FREQ=DAILY;UNTIL=20260231', 'not a real date'],
    ['FREQ=DAILY;COUNT=0', 'COUNT=0 is not a number'],
    ['FREQ=DAILY;COUNT=2;UNTIL=20261231', 'UNTIL and COUNT are both given'],
    ['BYDAY=MO', 'FREQ is missing'],
    ['FREQ=WEEKLY;BYHOUR=9', 'BYHOUR is not interpreted'],
  ])('refuses %s', (text, reason) => {
    expect(parseRrule(text)).toEqual(expect.stringContaining(reason));
  });
});

describe('localDateTime', () => {
  it('reads Genesys local date-times, with 0 to 9 fraction digits, and nothing else', () => {
    expect(localDateTime('2026-01-05T09:00:00.000')).toBe(utc('2026-01-05T09:00:00Z'));
    expect(localDateTime('2021-08-04T08:00:00.000000')).toBe(utc('2021-08-04T08:00:00Z'));
    expect(localDateTime('2026-01-05T09:30')).toBe(utc('2026-01-05T09:30:00Z'));
    expect(localDateTime('2026-01-05T09:00:00.250')).toBe(utc('2026-01-05T09:00:00.250Z'));
    expect(localDateTime('2026-01-05T09:00:00Z')).toBeUndefined();
    expect(localDateTime('2026-01-05T09:00:00+01:00')).toBeUndefined();
    expect(localDateTime('2026-02-30T09:00:00')).toBeUndefined();
    expect(localDateTime('2026-01-05')).toBeUndefined();
  });
});

describe('a schedule group behaves like the same hours written out (Europe/Paris)', () => {
  it.each([
    // [what, from (UTC), amount, due (UTC)]
    [
      'Wednesday 17:55 CET + 20m: 09:15 Thursday',
      '2026-11-25T16:55:00Z',
      20 * MINUTE,
      '2026-11-26T08:15:00.000Z',
    ],
    [
      'Friday 17:55 CET + 20m: Saturday 10:15',
      '2026-11-27T16:55:00Z',
      20 * MINUTE,
      '2026-11-28T09:15:00.000Z',
    ],
    [
      'Saturday 12:55 CET + 20m: Monday 09:15',
      '2026-11-28T11:55:00Z',
      20 * MINUTE,
      '2026-11-30T08:15:00.000Z',
    ],
    [
      'Christmas Eve 17:55 + 20m: holiday Friday skipped, Saturday 10:15',
      '2026-12-24T16:55:00Z',
      20 * MINUTE,
      '2026-12-26T09:15:00.000Z',
    ],
    [
      'Sunday night: counting starts Monday 09:00',
      '2026-11-29T22:00:00Z',
      30 * MINUTE,
      '2026-11-30T08:30:00.000Z',
    ],
  ])('%s', (_what, from, amount, due) => {
    expect(iso(addOpenTime(office, utc(from), amount))).toBe(due);
    expect(iso(addOpenTime(written, utc(from), amount))).toBe(due);
  });

  it('is open at exactly the same minutes as the written schedule over six weeks with a holiday', () => {
    const differences: string[] = [];
    for (let t = utc('2026-12-14T00:00:00Z'); t < utc('2027-01-25T00:00:00Z'); t += 7 * MINUTE) {
      if (isOpenAt(office, t) !== isOpenAt(written, t)) {
        differences.push(new Date(t).toISOString());
      }
    }
    expect(differences).toEqual([]);
    expect(openTimeBetween(office, utc('2026-12-21T00:00:00Z'), utc('2026-12-28T00:00:00Z'))).toBe(
      4 * 9 * HOUR + 3 * HOUR, // Mon–Thu 9 h each, Friday the 25th closed, Saturday 3 h
    );
  });
});

describe('across DST changes, hours stay local', () => {
  it('spring forward (Paris, 28 Mar 2027): Saturday 12:55 CET closes Monday 09:15 CEST = 07:15Z', () => {
    expect(iso(addOpenTime(office, utc('2027-03-27T11:55:00Z'), 20 * MINUTE))).toBe(
      '2027-03-29T07:15:00.000Z',
    );
  });

  it('fall back (Paris, 25 Oct 2026): Saturday 12:55 CEST closes Monday 09:15 CET = 08:15Z', () => {
    expect(iso(addOpenTime(office, utc('2026-10-24T10:55:00Z'), 20 * MINUTE))).toBe(
      '2026-10-26T08:15:00.000Z',
    );
  });

  it('a night schedule over the change: 7 real hours in spring, 9 in autumn', () => {
    const nights = group({
      open: [sched('2026-01-01T22:00:00.000', '2026-01-02T06:00:00.000', 'FREQ=DAILY')],
    });
    // Sat 27 Mar 2027 22:00 CET (21:00Z) to Sun 06:00 CEST (04:00Z).
    expect(openTimeBetween(nights, utc('2027-03-27T20:00:00Z'), utc('2027-03-28T12:00:00Z'))).toBe(
      7 * HOUR,
    );
    // Sat 24 Oct 2026 22:00 CEST (20:00Z) to Sun 06:00 CET (05:00Z).
    expect(openTimeBetween(nights, utc('2026-10-24T19:00:00Z'), utc('2026-10-25T12:00:00Z'))).toBe(
      9 * HOUR,
    );
    expect(isOpenAt(nights, utc('2027-03-28T03:59:00Z'))).toBe(true); // 05:59 CEST
    expect(isOpenAt(nights, utc('2027-03-28T04:00:00Z'))).toBe(false); // 06:00 CEST
  });

  it('New York hours (EDT from 14 Mar 2027): Friday 16:55 EST closes Monday 09:15 EDT = 13:15Z', () => {
    const ny = group(
      {
        open: [
          sched('2026-01-05T09:00:00', '2026-01-05T17:00:00', 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR'),
        ],
      },
      { timeZone: 'America/New_York' },
    );
    expect(iso(addOpenTime(ny, utc('2027-03-12T21:55:00Z'), 20 * MINUTE))).toBe(
      '2027-03-15T13:15:00.000Z',
    );
  });
});

describe('closed and holiday schedules, bounds and one-offs', () => {
  it('a closed afternoon (one-off) cuts the open hours of that day only', () => {
    const earlyClose = sched('2026-12-24T13:00:00.000', '2026-12-24T18:00:00.000');
    const schedule = group({ open: [WEEKDAYS_9_18], closed: [earlyClose] });
    // Thursday 24 Dec 12:55 CET (11:55Z) + 20m: 5m before 13:00, then 15m from Friday 09:00 (this
    // group has no holiday): Friday 09:15 CET = 08:15Z.
    expect(iso(addOpenTime(schedule, utc('2026-12-24T11:55:00Z'), 20 * MINUTE))).toBe(
      '2026-12-25T08:15:00.000Z',
    );
    // The next Thursday is whole again.
    expect(isOpenAt(schedule, utc('2026-12-31T15:00:00Z'))).toBe(true);
  });

  it('a multi-day holiday closes every day it covers', () => {
    const closedWeek = sched('2026-08-10T00:00:00', '2026-08-15T00:00:00');
    const schedule = group({ open: [WEEKDAYS_9_18], holiday: [closedWeek] });
    // Friday 7 Aug 17:55 CEST (15:55Z) + 20m: 5m, then the week of the 10th is closed: Mon 17th.
    expect(iso(addOpenTime(schedule, utc('2026-08-07T15:55:00Z'), 20 * MINUTE))).toBe(
      '2026-08-17T07:15:00.000Z',
    );
  });

  it('an open schedule counts from its start date, and stops after UNTIL or COUNT', () => {
    const fromJanuary = group({
      open: [sched('2027-01-04T09:00:00', '2027-01-04T18:00:00', 'FREQ=WEEKLY;BYDAY=MO')],
    });
    expect(isOpenAt(fromJanuary, utc('2026-12-28T10:00:00Z'))).toBe(false); // a Monday before
    expect(isOpenAt(fromJanuary, utc('2027-01-04T10:00:00Z'))).toBe(true);

    const until = group({
      open: [
        sched('2026-12-07T09:00:00', '2026-12-07T18:00:00', 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20261214'),
      ],
    });
    expect(isOpenAt(until, utc('2026-12-14T10:00:00Z'))).toBe(true);
    expect(isOpenAt(until, utc('2026-12-21T10:00:00Z'))).toBe(false);

    const count = group({
      open: [sched('2026-12-07T09:00:00', '2026-12-07T18:00:00', 'FREQ=DAILY;BYDAY=MO,WE;COUNT=3')],
    });
    // Mon 7, Wed 9, Mon 14 — not Wed 16.
    expect(isOpenAt(count, utc('2026-12-14T10:00:00Z'))).toBe(true);
    expect(isOpenAt(count, utc('2026-12-16T10:00:00Z'))).toBe(false);
  });

  it('an occurrence past midnight keeps the day it started on', () => {
    const lateShift = group({
      open: [sched('2026-01-02T20:00:00', '2026-01-03T02:00:00', 'FREQ=WEEKLY;BYDAY=FR')],
    });
    expect(isOpenAt(lateShift, utc('2026-11-28T00:30:00Z'))).toBe(true); // Saturday 01:30 CET
    expect(isOpenAt(lateShift, utc('2026-11-29T00:30:00Z'))).toBe(false); // Sunday 01:30 CET
  });
});

describe('refusals name the rules-file schedule, the group and the Genesys schedule', () => {
  it.each([
    [
      'a monthly rule',
      () =>
        group({
          open: [sched('2026-01-05T09:00:00', '2026-01-05T18:00:00', 'FREQ=MONTHLY;BYMONTHDAY=5')],
        }),
      'BYMONTHDAY is not interpreted',
    ],
    [
      'a yearly holiday',
      () =>
        group({
          open: [WEEKDAYS_9_18],
          holiday: [sched('2026-12-25T00:00:00', '2026-12-26T00:00:00', 'FREQ=YEARLY')],
        }),
      'its holiday schedule',
    ],
    [
      'a start the rule does not produce',
      () =>
        group({
          open: [sched('2026-01-06T09:00:00', '2026-01-06T18:00:00', 'FREQ=WEEKLY;BYDAY=MO')],
        }),
      'is a Tuesday, a day the rule does not repeat on',
    ],
    [
      'a start with a zone',
      () => group({ open: [sched('2026-01-05T09:00:00Z', '2026-01-05T18:00:00Z')] }),
      'is not a local date-time',
    ],
    [
      'no time zone',
      () => group({ open: [WEEKDAYS_9_18] }, { timeZone: undefined }),
      'has no time zone',
    ],
    [
      'an unknown zone',
      () => group({ open: [WEEKDAYS_9_18] }, { timeZone: 'Mars/Olympus' }),
      '"Mars/Olympus"',
    ],
    ['no open schedule', () => group({ closed: [CHRISTMAS] }), 'has no open schedule'],
    [
      'a deleted group',
      () => group({ open: [WEEKDAYS_9_18] }, { state: 'deleted' }),
      'the group is deleted',
    ],
    [
      'an inactive schedule',
      () =>
        group({
          open: [
            sched('2026-01-05T09:00:00', '2026-01-05T18:00:00', undefined, { state: 'inactive' }),
          ],
        }),
      'it is inactive in Genesys',
    ],
  ])('%s', (_what, build, reason) => {
    const text = refusal(build);
    expect(text).toMatch(
      /^SCHEDULE_GROUP_UNSUPPORTED: schedule support \(Genesys schedule group "Support hours" \(a1b2c3d4-0000-4000-8000-000000000001\)\) cannot be used: /,
    );
    expect(text).toContain(reason);
  });

  it('names the Genesys schedule that is refused', () => {
    const monthly = sched('2026-01-05T09:00:00', '2026-01-05T18:00:00', 'FREQ=MONTHLY');
    expect(refusal(() => group({ open: [WEEKDAYS_9_18, monthly] }))).toContain(
      `its open schedule "${monthly.name}" (${monthly.id}): rrule "FREQ=MONTHLY"`,
    );
  });
});

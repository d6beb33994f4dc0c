import {
  addOpenTime,
  isKnownTimeZone,
  isOpenAt,
  nextOpening,
  openTimeBetween,
  zoneOffsetAt,
  type Schedule,
} from '../../../src/rules/schedule';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** `[start, end)` in minutes from "HH:MM-HH:MM". */
function range(text: string): [number, number] {
  const [start = '', end = ''] = text.split('-');
  const minutes = (hhmm: string): number => {
    const [h = 0, m = 0] = hhmm.split(':').map(Number);
    return h * 60 + m;
  };
  return [minutes(start), minutes(end)];
}

/** A schedule from weekday ranges, Monday first. */
function schedule(
  timeZone: string,
  days: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', string[]>>,
  holidays: string[] = [],
): Schedule {
  const order = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  return { timeZone, weekly: order.map((d) => (days[d] ?? []).map(range)), holidays };
}

const utc = (iso: string): number => Date.parse(iso);
const iso = (t: number | undefined): string | undefined =>
  t === undefined ? undefined : new Date(t).toISOString();

const weekdays = (hours: string[]) => ({
  mon: hours,
  tue: hours,
  wed: hours,
  thu: hours,
  fri: hours,
});

// Paris is UTC+1 in winter (CET), UTC+2 in summer (CEST); New York UTC-5 (EST) / UTC-4 (EDT).
const office = schedule('Europe/Paris', { ...weekdays(['09:00-18:00']), sat: ['10:00-13:00'] }, [
  '2026-12-25',
  '2027-01-01',
]);

describe('addOpenTime: office hours in Europe/Paris (winter, UTC+1)', () => {
  it.each([
    // [what, from (UTC), amount, due (UTC)]
    ['inside hours: plain addition', '2026-11-25T09:00:00Z', 20 * MINUTE, '2026-11-25T09:20:00Z'],
    [
      '17:55 Wednesday + 20m: 5m today, 15m from 09:00 Thursday',
      '2026-11-25T16:55:00Z',
      20 * MINUTE,
      '2026-11-26T08:15:00Z',
    ],
    [
      'left at 17:40 + 20m: due exactly at closing time',
      '2026-11-25T16:40:00Z',
      20 * MINUTE,
      '2026-11-25T17:00:00Z',
    ],
    [
      'before opening (07:00) + 20m: counted from 09:00',
      '2026-11-25T06:00:00Z',
      20 * MINUTE,
      '2026-11-25T08:20:00Z',
    ],
    [
      'after closing (20:00) + 20m: next morning 09:20',
      '2026-11-25T19:00:00Z',
      20 * MINUTE,
      '2026-11-26T08:20:00Z',
    ],
    [
      'Friday 17:50 + 20m: Saturday 10:10 (Saturday hours)',
      '2026-11-27T16:50:00Z',
      20 * MINUTE,
      '2026-11-28T09:10:00Z',
    ],
    [
      'Saturday 12:50 + 20m: Sunday is closed, Monday 09:10',
      '2026-11-28T11:50:00Z',
      20 * MINUTE,
      '2026-11-30T08:10:00Z',
    ],
    [
      'Sunday noon + 20m: Monday 09:20',
      '2026-11-29T11:00:00Z',
      20 * MINUTE,
      '2026-11-30T08:20:00Z',
    ],
    [
      'Monday 09:00 + 10h: 9h Monday, 1h Tuesday',
      '2026-11-30T08:00:00Z',
      10 * HOUR,
      '2026-12-01T09:00:00Z',
    ],
    [
      'a whole week of open time (5×9h + 3h) from Monday 09:00 ends at Saturday 13:00',
      '2026-11-30T08:00:00Z',
      48 * HOUR,
      '2026-12-05T12:00:00Z',
    ],
    [
      'Thursday 24 Dec 17:55 + 20m: Christmas (Friday) is a holiday, Saturday 10:15',
      '2026-12-24T16:55:00Z',
      20 * MINUTE,
      '2026-12-26T09:15:00Z',
    ],
    [
      'Thursday 31 Dec 17:55 + 20m: 1 Jan (Friday) holiday, Saturday 2 Jan 10:15',
      '2026-12-31T16:55:00Z',
      20 * MINUTE,
      '2027-01-02T09:15:00Z',
    ],
  ])('%s', (_what, from, amount, due) => {
    expect(addOpenTime(office, utc(from), amount)).toBe(utc(due));
  });

  it('counts the same open time as openTimeBetween says (walk and measure agree)', () => {
    const from = utc('2026-11-25T16:55:00Z');
    for (const amount of [MINUTE, 5 * MINUTE, 20 * MINUTE, 9 * HOUR, 30 * HOUR]) {
      const due = addOpenTime(office, from, amount);
      expect(due).toBeDefined();
      expect(openTimeBetween(office, from, due ?? 0)).toBe(amount);
    }
  });

  it('is open during hours, closed at night, on Sundays and on holidays', () => {
    expect(isOpenAt(office, utc('2026-11-25T08:00:00Z'))).toBe(true); // 09:00 Wednesday
    expect(isOpenAt(office, utc('2026-11-25T07:59:59Z'))).toBe(false); // 08:59:59
    expect(isOpenAt(office, utc('2026-11-25T17:00:00Z'))).toBe(false); // 18:00: end excluded
    expect(isOpenAt(office, utc('2026-11-29T10:00:00Z'))).toBe(false); // Sunday 11:00
    expect(isOpenAt(office, utc('2026-12-25T10:00:00Z'))).toBe(false); // Christmas 11:00
    expect(isOpenAt(office, utc('2026-12-26T10:00:00Z'))).toBe(true); // Saturday 11:00
  });

  it('nextOpening: now if open, else the next opening', () => {
    expect(iso(nextOpening(office, utc('2026-11-25T10:00:00Z')))).toBe('2026-11-25T10:00:00.000Z');
    expect(iso(nextOpening(office, utc('2026-11-28T12:00:00Z')))).toBe('2026-11-30T08:00:00.000Z');
  });
});

describe('addOpenTime: days with no hours, adjacent ranges, never open', () => {
  it('skips 0-length days (an empty list) however many there are', () => {
    const wednesdays = schedule('Europe/Paris', { wed: ['09:00-10:00'] });
    // Thursday 26 Nov 2026 09:00 → next open hour is Wednesday 2 Dec.
    expect(iso(addOpenTime(wednesdays, utc('2026-11-26T08:00:00Z'), 30 * MINUTE))).toBe(
      '2026-12-02T08:30:00.000Z',
    );
    // 90 minutes: 60 on 2 Dec, 30 on 9 Dec.
    expect(iso(addOpenTime(wednesdays, utc('2026-11-26T08:00:00Z'), 90 * MINUTE))).toBe(
      '2026-12-09T08:30:00.000Z',
    );
  });

  it('treats 22:00-24:00 Saturday then 00:00-02:00 Sunday as one stretch across midnight', () => {
    const nights = schedule('Europe/Paris', { sat: ['22:00-24:00'], sun: ['00:00-02:00'] });
    expect(iso(addOpenTime(nights, utc('2026-11-28T22:30:00Z'), 60 * MINUTE))).toBe(
      '2026-11-28T23:30:00.000Z', // Saturday 23:30 + 1h = Sunday 00:30 Paris
    );
  });

  it('returns undefined for a schedule never open (or only on holidays)', () => {
    expect(addOpenTime(schedule('Europe/Paris', {}), utc('2026-11-25T08:00:00Z'), MINUTE)).toBe(
      undefined,
    );
    expect(nextOpening(schedule('Europe/Paris', {}), utc('2026-11-25T08:00:00Z'))).toBe(undefined);
  });

  it('gives up past the walk limit rather than looping', () => {
    const wednesdays = schedule('Europe/Paris', { wed: ['09:00-09:01'] });
    // 10 minutes of open time need 10 Wednesdays; a 30-day limit reaches only 4 or 5.
    expect(addOpenTime(wednesdays, utc('2026-11-26T08:00:00Z'), 10 * MINUTE, 30 * 86_400_000)).toBe(
      undefined,
    );
    expect(addOpenTime(wednesdays, utc('2026-11-26T08:00:00Z'), 10 * MINUTE)).toBeDefined();
  });
});

describe('addOpenTime across DST in Europe/Paris', () => {
  it('is plain addition for a schedule open around the clock, across spring forward and fall back', () => {
    const always = schedule(
      'Europe/Paris',
      Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']]),
      ),
    );
    // Spring forward: Sunday 28 March 2027, 02:00 CET → 03:00 CEST (01:00Z).
    expect(iso(addOpenTime(always, utc('2027-03-27T23:00:00Z'), 3 * HOUR))).toBe(
      '2027-03-28T02:00:00.000Z',
    );
    // Fall back: Sunday 25 October 2026, 03:00 CEST → 02:00 CET (01:00Z).
    expect(iso(addOpenTime(always, utc('2026-10-24T22:00:00Z'), 5 * HOUR))).toBe(
      '2026-10-25T03:00:00.000Z',
    );
    // A local day is 23 h in spring, 25 h in autumn.
    expect(openTimeBetween(always, utc('2027-03-27T23:00:00Z'), utc('2027-03-28T22:00:00Z'))).toBe(
      23 * HOUR,
    );
    expect(openTimeBetween(always, utc('2026-10-24T22:00:00Z'), utc('2026-10-25T23:00:00Z'))).toBe(
      25 * HOUR,
    );
  });

  it('spring forward: the skipped hour is never open, so 01:00-04:00 is 2 real hours', () => {
    const sundayNight = schedule('Europe/Paris', { sun: ['01:00-04:00'] });
    // 01:00 CET = 00:00Z … 02:00 CET = 01:00Z = 03:00 CEST … 04:00 CEST = 02:00Z.
    expect(
      openTimeBetween(sundayNight, utc('2027-03-27T00:00:00Z'), utc('2027-03-29T00:00:00Z')),
    ).toBe(2 * HOUR);
    // 90 minutes from Saturday: 60 before the jump, 30 after it → 03:30 CEST.
    expect(iso(addOpenTime(sundayNight, utc('2027-03-27T12:00:00Z'), 90 * MINUTE))).toBe(
      '2027-03-28T01:30:00.000Z',
    );
    expect(isOpenAt(sundayNight, utc('2027-03-28T00:59:59Z'))).toBe(true); // 01:59:59 CET
    expect(isOpenAt(sundayNight, utc('2027-03-28T01:00:00Z'))).toBe(true); // 03:00 CEST
  });

  it('spring forward: a range that starts inside the gap opens when the clock jumps', () => {
    const gap = schedule('Europe/Paris', { sun: ['02:30-05:00'] });
    expect(iso(nextOpening(gap, utc('2027-03-27T12:00:00Z')))).toBe('2027-03-28T01:00:00.000Z');
    expect(iso(addOpenTime(gap, utc('2027-03-27T12:00:00Z'), 2 * HOUR))).toBe(
      '2027-03-28T03:00:00.000Z', // 05:00 CEST: 2 real hours, 03:00-05:00
    );
    // The week before (no DST change), the same range is 2.5 hours.
    expect(iso(addOpenTime(gap, utc('2027-03-20T12:00:00Z'), 2 * HOUR))).toBe(
      '2027-03-21T03:30:00.000Z', // 04:30 CET
    );
  });

  it('fall back: the repeated hour is open both times, so 01:00-04:00 is 4 real hours', () => {
    const sundayNight = schedule('Europe/Paris', { sun: ['01:00-04:00'] });
    // 01:00 CEST = 23:00Z Saturday … 04:00 CET = 03:00Z.
    expect(
      openTimeBetween(sundayNight, utc('2026-10-24T12:00:00Z'), utc('2026-10-25T12:00:00Z')),
    ).toBe(4 * HOUR);
    expect(iso(addOpenTime(sundayNight, utc('2026-10-24T12:00:00Z'), 210 * MINUTE))).toBe(
      '2026-10-25T02:30:00.000Z', // 03:30 CET
    );
  });

  it('fall back: a range inside the repeated hour counts twice', () => {
    const repeated = schedule('Europe/Paris', { sun: ['02:30-02:45'] });
    // 02:30 CEST = 00:30Z, and 02:30 CET = 01:30Z.
    expect(iso(nextOpening(repeated, utc('2026-10-24T12:00:00Z')))).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(iso(addOpenTime(repeated, utc('2026-10-24T12:00:00Z'), 20 * MINUTE))).toBe(
      '2026-10-25T01:35:00.000Z',
    );
  });

  it('office hours the Friday before the spring change close Monday in summer time', () => {
    // Friday 26 March 2027 17:55 CET (16:55Z) + 20m → Saturday 10:15 CET (09:15Z).
    expect(iso(addOpenTime(office, utc('2027-03-26T16:55:00Z'), 20 * MINUTE))).toBe(
      '2027-03-27T09:15:00.000Z',
    );
    // Saturday 12:55 CET + 20m → Monday 29 March 09:15 CEST = 07:15Z (not 08:15Z).
    expect(iso(addOpenTime(office, utc('2027-03-27T11:55:00Z'), 20 * MINUTE))).toBe(
      '2027-03-29T07:15:00.000Z',
    );
    // Saturday 24 Oct 2026 12:55 CEST (10:55Z) + 20m → Monday 26 Oct 09:15 CET = 08:15Z.
    expect(iso(addOpenTime(office, utc('2026-10-24T10:55:00Z'), 20 * MINUTE))).toBe(
      '2026-10-26T08:15:00.000Z',
    );
  });
});

describe('addOpenTime across DST in America/New_York', () => {
  const ny = schedule('America/New_York', weekdays(['09:00-17:00']), ['2026-11-26']);

  it('Friday before spring forward (14 March 2027) 16:50 EST + 20m → Monday 09:10 EDT', () => {
    expect(iso(addOpenTime(ny, utc('2027-03-12T21:50:00Z'), 20 * MINUTE))).toBe(
      '2027-03-15T13:10:00.000Z',
    );
  });

  it('Friday before fall back (1 Nov 2026) 16:50 EDT + 20m → Monday 09:10 EST', () => {
    expect(iso(addOpenTime(ny, utc('2026-10-30T20:50:00Z'), 20 * MINUTE))).toBe(
      '2026-11-02T14:10:00.000Z',
    );
  });

  it('Thanksgiving (a holiday) is skipped', () => {
    // Wednesday 25 Nov 2026 16:55 EST + 20m → Friday 27 Nov 09:15 EST.
    expect(iso(addOpenTime(ny, utc('2026-11-25T21:55:00Z'), 20 * MINUTE))).toBe(
      '2026-11-27T14:15:00.000Z',
    );
  });

  it('the whole Sunday is 23 h in spring and 25 h in autumn; 01:00-03:00 is 1 h, then 3 h', () => {
    const sunday = schedule('America/New_York', { sun: ['00:00-24:00'] });
    expect(openTimeBetween(sunday, utc('2027-03-13T12:00:00Z'), utc('2027-03-16T00:00:00Z'))).toBe(
      23 * HOUR,
    );
    expect(openTimeBetween(sunday, utc('2026-10-31T12:00:00Z'), utc('2026-11-03T00:00:00Z'))).toBe(
      25 * HOUR,
    );
    const early = schedule('America/New_York', { sun: ['01:00-03:00'] });
    expect(openTimeBetween(early, utc('2027-03-13T12:00:00Z'), utc('2027-03-16T00:00:00Z'))).toBe(
      HOUR,
    );
    expect(openTimeBetween(early, utc('2026-10-31T12:00:00Z'), utc('2026-11-03T00:00:00Z'))).toBe(
      3 * HOUR,
    );
  });
});

describe('addOpenTime in other zones', () => {
  it('America/Santiago skips local midnight (00:00 → 01:00) on 6 Sep 2026', () => {
    const sunday = schedule('America/Santiago', { sun: ['00:00-02:00'] });
    // 00:00-01:00 never happens that day: 01:00 -03 (04:00Z) to 02:00 (05:00Z).
    expect(iso(nextOpening(sunday, utc('2026-09-05T12:00:00Z')))).toBe('2026-09-06T04:00:00.000Z');
    expect(openTimeBetween(sunday, utc('2026-09-05T12:00:00Z'), utc('2026-09-07T00:00:00Z'))).toBe(
      HOUR,
    );
  });

  it('handles half-hour offsets (Asia/Kolkata, UTC+5:30)', () => {
    const india = schedule('Asia/Kolkata', weekdays(['09:30-18:30']));
    // Wednesday 18:20 IST (12:50Z) + 20m → Thursday 09:40 IST (04:10Z).
    expect(iso(addOpenTime(india, utc('2026-11-25T12:50:00Z'), 20 * MINUTE))).toBe(
      '2026-11-26T04:10:00.000Z',
    );
  });
});

describe('time zones', () => {
  it('knows IANA zones and refuses others', () => {
    expect(isKnownTimeZone('Europe/Paris')).toBe(true);
    expect(isKnownTimeZone('America/New_York')).toBe(true);
    expect(isKnownTimeZone('Europe/Pariss')).toBe(false);
    expect(isKnownTimeZone('CEST+2')).toBe(false);
  });

  it('reads offsets on both sides of a change', () => {
    expect(zoneOffsetAt('Europe/Paris', utc('2027-03-28T00:59:59Z'))).toBe(HOUR);
    expect(zoneOffsetAt('Europe/Paris', utc('2027-03-28T01:00:00Z'))).toBe(2 * HOUR);
    expect(zoneOffsetAt('America/New_York', utc('2026-11-01T05:59:59Z'))).toBe(-4 * HOUR);
    expect(zoneOffsetAt('America/New_York', utc('2026-11-01T06:00:00Z'))).toBe(-5 * HOUR);
  });
});

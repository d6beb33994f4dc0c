import fc from 'fast-check';
import { addOpenTime, type Schedule } from '../../../src/rules/schedule';

/**
 * The schedule walker against a brute-force oracle that shares none of its code: step minute by
 * minute, ask `Intl` for the local date, weekday and time of each minute, and count the open
 * ones. Start times are drawn around DST changes (both directions, several zones, including a
 * 30-minute change and one at midnight), so gaps and repeated hours are exercised.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Instants near offset changes: [zone, an instant a little before a change]. */
const AROUND: ReadonlyArray<readonly [string, number]> = [
  ['Europe/Paris', Date.UTC(2027, 2, 27, 12)], // spring forward 28 Mar 2027
  ['Europe/Paris', Date.UTC(2026, 9, 24, 12)], // fall back 25 Oct 2026
  ['America/New_York', Date.UTC(2027, 2, 13, 12)], // spring forward 14 Mar 2027
  ['America/New_York', Date.UTC(2026, 9, 31, 12)], // fall back 1 Nov 2026
  ['America/Santiago', Date.UTC(2026, 8, 5, 12)], // midnight skipped 6 Sep 2026
  ['Australia/Lord_Howe', Date.UTC(2026, 9, 3, 0)], // +10:30 → +11, a 30-minute change
  ['Asia/Kolkata', Date.UTC(2026, 10, 25, 0)], // no DST
];

const WEEKDAY_INDEX: Record<string, number> = {
  Mon: 0,
  Tue: 1,
  Wed: 2,
  Thu: 3,
  Fri: 4,
  Sat: 5,
  Sun: 6,
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(timeZone: string, t: number) {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(new Date(t));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    weekday: WEEKDAY_INDEX[get('weekday')] ?? -1,
    minuteOfDay: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

/** The oracle: the end of the minute in which the `amount`-th open minute is reached. */
function oracle(schedule: Schedule, from: number, amountMinutes: number): number | undefined {
  let count = 0;
  for (let t = from; t < from + 21 * DAY; t += MINUTE) {
    const local = localParts(schedule.timeZone, t);
    const open =
      !schedule.holidays.includes(local.date) &&
      (schedule.weekly[local.weekday] ?? []).some(
        ([start, end]) => local.minuteOfDay >= start && local.minuteOfDay < end,
      );
    if (open) {
      count += 1;
      if (count === amountMinutes) {
        return t + MINUTE;
      }
    }
  }
  return undefined;
}

/** Up to two sorted, non-overlapping ranges (whole minutes, some at quarter hours) in a day. */
const dayRanges = fc
  .uniqueArray(fc.integer({ min: 0, max: 96 }), { minLength: 0, maxLength: 4 })
  .map((cuts) => {
    const sorted = [...cuts].sort((a, b) => a - b).map((q) => q * 15);
    const ranges: Array<[number, number]> = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) {
      const start = sorted[i] ?? 0;
      const end = sorted[i + 1] ?? 0;
      if (start < end) {
        ranges.push([start, end]);
      }
    }
    return ranges;
  });

const scheduleAt = fc.record({
  around: fc.constantFrom(...AROUND),
  weekly: fc.array(dayRanges, { minLength: 7, maxLength: 7 }),
  holidayOffset: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  startOffsetMinutes: fc.integer({ min: 0, max: 2 * 24 * 60 }),
  amountMinutes: fc.integer({ min: 1, max: 8 * 60 }),
});

describe('addOpenTime agrees with a minute-by-minute oracle around DST changes', () => {
  it('on random schedules, start times and amounts', () => {
    fc.assert(
      fc.property(
        scheduleAt,
        ({ around, weekly, holidayOffset, startOffsetMinutes, amountMinutes }) => {
          const [timeZone, near] = around;
          const from = near + startOffsetMinutes * MINUTE;
          const holidays =
            holidayOffset === undefined
              ? []
              : [localParts(timeZone, near + holidayOffset * DAY).date];
          const schedule: Schedule = { timeZone, weekly, holidays };
          const expected = oracle(schedule, from, amountMinutes);
          const actual = addOpenTime(schedule, from, amountMinutes * MINUTE, 21 * DAY);
          if (expected !== undefined) {
            expect(actual).toBe(expected);
          } else if (actual !== undefined) {
            // The walker may look a little further than the oracle's 21 days, never less.
            expect(actual).toBeGreaterThan(from + 21 * DAY - DAY);
          }
        },
      ),
      { numRuns: 100, seed: 14 },
    );
  });
});

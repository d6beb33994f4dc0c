/**
 * The subset of iCalendar recurrence rules (RFC 5545 §3.3.10, `RRULE`) that Genesys schedules use
 * for business hours and that closer interprets (docs/genesys/facts.md §15): `FREQ=WEEKLY` or
 * `FREQ=DAILY`, `BYDAY` of plain weekdays, `INTERVAL=1`, `WKST`, and `UNTIL` (local) or `COUNT`.
 * Anything else is refused with the reason: guessing a recurrence would count silence on the
 * wrong hours. Pure; wall times as in `schedule.ts` (UTC fields = local fields).
 */

/** RFC 5545 weekday codes, Monday first: index = weekday index of `schedule.ts` (0 = Monday). */
const DAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

const DAY_MS = 24 * 60 * 60_000;

/** Parts closer understands; every other RFC 5545 part is refused by name. */
const KNOWN_PARTS = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'WKST', 'UNTIL', 'COUNT']);

/** Most occurrences a `COUNT` may ask for (about 27 years of weekdays): more is not business hours. */
export const MAX_COUNT = 10_000;

/** A recurrence closer can walk. */
export interface Recurrence {
  freq: 'DAILY' | 'WEEKLY';
  /** Weekdays (0 = Monday) from `BYDAY`, sorted; absent when the rule has no `BYDAY`. */
  byDay?: number[];
  /** `UNTIL` as a wall time: the latest an occurrence may start (a date alone: its last ms). */
  until?: number;
  /** `COUNT`: how many occurrences in all. */
  count?: number;
}

/** `YYYYMMDD` or `YYYYMMDDTHHMMSS` (local); `…Z` (UTC) is recognised only to be refused. */
const UNTIL_PATTERN = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/;

/**
 * Parses an `RRULE` value (with or without the `RRULE:` prefix; names are case-insensitive, as
 * RFC 5545 says). Returns the recurrence, or why closer cannot interpret it.
 */
export function parseRrule(text: string): Recurrence | string {
  const body = text.trim().replace(/^RRULE:/i, '');
  if (body === '') {
    return 'the rrule is empty';
  }
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    const [rawName = '', value, ...rest] = part.split('=');
    const name = rawName.trim().toUpperCase();
    if (value === undefined || rest.length > 0 || name === '') {
      return `"${part}" is not a NAME=VALUE part`;
    }
    if (parts.has(name)) {
      return `${name} is given twice`;
    }
    parts.set(name, value.trim().toUpperCase());
  }
  const unknown = [...parts.keys()].filter((name) => !KNOWN_PARTS.has(name));
  if (unknown.length > 0) {
    return `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not interpreted by closer (it reads FREQ=WEEKLY or DAILY with BYDAY, INTERVAL=1, UNTIL or COUNT)`;
  }
  const freq = parts.get('FREQ');
  if (freq === undefined) {
    return 'FREQ is missing';
  }
  if (freq !== 'DAILY' && freq !== 'WEEKLY') {
    return `FREQ=${freq} is not interpreted by closer (only WEEKLY and DAILY)`;
  }
  const interval = parts.get('INTERVAL');
  if (interval !== undefined && !/^0*1$/.test(interval)) {
    return `INTERVAL=${interval} is not interpreted by closer (only every day or every week: INTERVAL=1)`;
  }
  const wkst = parts.get('WKST');
  if (wkst !== undefined && !DAY_CODES.includes(wkst as (typeof DAY_CODES)[number])) {
    return `WKST=${wkst} is not a weekday (MO … SU)`;
  }
  const recurrence: Recurrence = { freq };
  const byDay = parts.get('BYDAY');
  if (byDay !== undefined) {
    const days = new Set<number>();
    for (const code of byDay.split(',')) {
      const index = DAY_CODES.indexOf(code.trim() as (typeof DAY_CODES)[number]);
      if (index < 0) {
        return /^[+-]?\d+[A-Z]{2}$/.test(code.trim())
          ? `BYDAY=${byDay}: an ordinal weekday (${code}) is not interpreted by closer (only plain MO … SU)`
          : `BYDAY=${byDay}: "${code}" is not a weekday (MO, TU, WE, TH, FR, SA, SU)`;
      }
      days.add(index);
    }
    recurrence.byDay = [...days].sort((a, b) => a - b);
  }
  const until = parts.get('UNTIL');
  const count = parts.get('COUNT');
  if (until !== undefined && count !== undefined) {
    return 'UNTIL and COUNT are both given (RFC 5545 allows one of them)';
  }
  if (until !== undefined) {
    const wall = untilWallTime(until);
    if (typeof wall === 'string') {
      return wall;
    }
    recurrence.until = wall;
  }
  if (count !== undefined) {
    const n = Number(count);
    if (!/^\d+$/.test(count) || n < 1 || n > MAX_COUNT) {
      return `COUNT=${count} is not a number of occurrences from 1 to ${MAX_COUNT}`;
    }
    recurrence.count = n;
  }
  return recurrence;
}

/** The wall time an `UNTIL` value stands for, or why it is refused. */
function untilWallTime(value: string): number | string {
  const match = UNTIL_PATTERN.exec(value);
  if (match === null) {
    return `UNTIL=${value} is not a date (YYYYMMDD) or a local date-time (YYYYMMDDTHHMMSS)`;
  }
  const [, y = '', mo = '', d = '', h, mi, s, utc] = match;
  if (utc === 'Z') {
    return `UNTIL=${value} is in UTC: closer reads a schedule's times as local to the group's time zone and does not guess how Genesys mixes the two (write UNTIL as a local date)`;
  }
  const date = Date.UTC(Number(y), Number(mo) - 1, Number(d));
  if (new Date(date).toISOString().slice(0, 10) !== `${y}-${mo}-${d}`) {
    return `UNTIL=${value} is not a real date`;
  }
  if (h === undefined) {
    return date + DAY_MS - 1;
  }
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return `UNTIL=${value} is not a time of day`;
  }
  return date + ((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 1000;
}

/**
 * The weekdays (0 = Monday) a recurrence starts occurrences on, given the weekday of its first
 * occurrence: `BYDAY` when given, else every day (`DAILY`) or the first occurrence's (`WEEKLY`).
 */
export function recurrenceWeekdays(recurrence: Recurrence, firstWeekday: number): number[] {
  if (recurrence.byDay !== undefined) {
    return recurrence.byDay;
  }
  return recurrence.freq === 'DAILY' ? [0, 1, 2, 3, 4, 5, 6] : [firstWeekday];
}

/**
 * The wall time the `count`-th occurrence starts (1 = the first), stepping day by day from the
 * first occurrence `firstStart` over `weekdays` (which holds the first occurrence's weekday).
 */
export function nthOccurrenceStart(
  firstStart: number,
  weekdays: readonly number[],
  count: number,
): number {
  if (weekdays.length === 0) {
    return firstStart;
  }
  let seen = 0;
  let start = firstStart;
  for (let day = 0; ; day += 1) {
    start = firstStart + day * DAY_MS;
    const weekday = (new Date(start).getUTCDay() + 6) % 7;
    if (weekdays.includes(weekday)) {
      seen += 1;
      if (seen === count) {
        return start;
      }
    }
  }
}

/**
 * Business hours, pure: when a schedule is open, and the instant at which a given amount of open
 * ("business") time has passed since some instant. Times are epoch milliseconds; a schedule's
 * hours are wall-clock times in its IANA time zone, read through Node's `Intl` (full ICU).
 *
 * Definition (the only one; README "Business hours" says it in words): an instant is **open** when
 * its local date in the zone is not a holiday and its local wall-clock time lies in one of that
 * weekday's `[start, end)` ranges, or in an occurrence of `openPeriods`; and it lies in no
 * occurrence of `closedPeriods` (schedules read from Genesys, `schedule-group.ts`). Across DST
 * this means:
 * - spring forward (e.g. Europe/Paris 02:00 → 03:00): wall times in the gap never occur, so
 *   `01:00-04:00` that day is open 2 real hours, and a range starting in the gap opens at 03:00;
 * - fall back (03:00 → 02:00): wall times in the repeated hour occur twice and are open both times,
 *   so `01:00-04:00` that day is open 4 real hours.
 * Hours between 06:00 and 22:00 are never affected in the zones closer's users are in (transitions
 * happen at night), which is where office hours are.
 */

/** Minutes in a day: the end of a range written `24:00`. */
export const MINUTES_PER_DAY = 24 * 60;

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Weekday names, Monday first (ISO order); index 0 = Monday. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** One of {@link WEEKDAYS}. */
export type Weekday = (typeof WEEKDAYS)[number];

/** A validated schedule, ready to walk (see `schedule-schema.ts` for how it is written). */
export interface Schedule {
  /** IANA time zone the hours are in, e.g. `Europe/Paris`. */
  timeZone: string;
  /**
   * Open ranges of each weekday, Monday first (7 entries): `[start, end)` in minutes after local
   * midnight, sorted, not overlapping, `0 ≤ start < end ≤ 1440`. An empty list: closed all day.
   */
  weekly: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  /** Local dates (`YYYY-MM-DD`) closed all day. */
  holidays: readonly string[];
  /**
   * Further open time, as repeating periods of wall time (a Genesys schedule group's open
   * schedules, `schedule-group.ts`). Default none.
   */
  openPeriods?: readonly WallPeriods[];
  /**
   * Closed time: never open inside these, whatever `weekly` and `openPeriods` say (a Genesys
   * group's closed and holiday schedules). Default none.
   */
  closedPeriods?: readonly WallPeriods[];
}

/**
 * A period of wall-clock time in the schedule's zone, once or repeating on some weekdays. Wall
 * times are milliseconds whose UTC fields are the local date and time (`Date.UTC(2026, 10, 25, 9)`
 * is 25 Nov 2026 09:00 local), so DST is handled by the walker as for `weekly`.
 */
export interface WallPeriods {
  /** Wall time the first occurrence starts. */
  firstStart: number;
  /** Length of every occurrence, ms of wall time (> 0; may run past midnight). */
  length: number;
  /**
   * Weekdays (0 = Monday) an occurrence starts on, each at `firstStart`'s time of day, from
   * `firstStart`'s date on; absent: a single occurrence.
   */
  weekdays?: readonly number[];
  /** The latest wall time an occurrence may start (inclusive); absent: for ever. */
  lastStart?: number;
}

/**
 * How far {@link addOpenTime} looks ahead before giving up: 10 years. Only a schedule open a few
 * minutes a week with a 30-day idle time gets near it; past it the rule never fires.
 */
export const MAX_WALK_MS = 3653 * DAY_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether `timeZone` is an IANA zone this Node knows (`Intl`, full ICU). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's UTC offset at instant `t`, in ms (wall time = t + offset). */
export function zoneOffsetAt(timeZone: string, t: number): number {
  const seconds = Math.floor(t / 1000) * 1000;
  const parts = formatterOf(timeZone).formatToParts(new Date(seconds));
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? NaN);
  const wall = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return wall - seconds;
}

/**
 * The first instant after `t` (at most `horizon` ms later) where the zone's offset differs from
 * its offset at `t`, or undefined when there is none within the horizon. Looks day by day, then
 * narrows to the second (zones change offset on whole seconds).
 */
function nextOffsetChange(timeZone: string, t: number, horizon: number): number | undefined {
  const offset = zoneOffsetAt(timeZone, t);
  let low = t;
  for (let probe = t + DAY_MS; ; probe += DAY_MS) {
    const at = Math.min(probe, t + horizon);
    if (zoneOffsetAt(timeZone, at) !== offset) {
      let high = at;
      while (Math.floor(high / 1000) - Math.floor(low / 1000) > 1) {
        const mid = low + (high - low) / 2;
        if (zoneOffsetAt(timeZone, mid) === offset) {
          low = mid;
        } else {
          high = mid;
        }
      }
      // The offset is read per whole second: the change is at the second `high` falls in.
      return Math.floor(high / 1000) * 1000;
    }
    if (at >= t + horizon) {
      return undefined;
    }
    low = at;
  }
}

/** `YYYY-MM-DD` of a wall time (ms, UTC-based fields). */
function isoDate(wallMidnight: number): string {
  return new Date(wallMidnight).toISOString().slice(0, 10);
}

/** Index into `weekly` (0 = Monday) of a wall time's date. */
function weekdayIndex(wallMidnight: number): number {
  return (new Date(wallMidnight).getUTCDay() + 6) % 7;
}

/**
 * Calls `visit` with each open range of wall time overlapping `[wallFrom, wallTo)`, clipped to it,
 * in order; stops when `visit` returns true.
 */
function forEachOpenWallRange(
  schedule: Schedule,
  holidays: ReadonlySet<string>,
  wallFrom: number,
  wallTo: number,
  visit: (start: number, end: number) => boolean,
): boolean {
  for (
    let midnight = Math.floor(wallFrom / DAY_MS) * DAY_MS;
    midnight < wallTo;
    midnight += DAY_MS
  ) {
    for (const [dayStart, dayEnd] of openRangesOfDay(schedule, holidays, midnight)) {
      const start = Math.max(wallFrom, dayStart);
      const end = Math.min(wallTo, dayEnd);
      if (start < end && visit(start, end)) {
        return true;
      }
    }
  }
  return false;
}

/** The open `[start, end)` ranges of wall time of the day starting at `midnight`, sorted, disjoint. */
function openRangesOfDay(
  schedule: Schedule,
  holidays: ReadonlySet<string>,
  midnight: number,
): Array<[number, number]> {
  const weekly: Array<[number, number]> = holidays.has(isoDate(midnight))
    ? []
    : (schedule.weekly[weekdayIndex(midnight)] ?? []).map(([startMin, endMin]) => [
        midnight + startMin * MINUTE_MS,
        midnight + endMin * MINUTE_MS,
      ]);
  const { openPeriods = [], closedPeriods = [] } = schedule;
  if (openPeriods.length === 0 && closedPeriods.length === 0) {
    return weekly;
  }
  const open = union([...weekly, ...openPeriods.flatMap((p) => occurrencesInDay(p, midnight))]);
  const closed = union(closedPeriods.flatMap((p) => occurrencesInDay(p, midnight)));
  return subtract(open, closed);
}

/** The occurrences of `periods` overlapping the day starting at `midnight`, clipped to it. */
function occurrencesInDay(periods: WallPeriods, midnight: number): Array<[number, number]> {
  const dayEnd = midnight + DAY_MS;
  const clip = (start: number): Array<[number, number]> => {
    const from = Math.max(start, midnight);
    const to = Math.min(start + periods.length, dayEnd);
    return from < to ? [[from, to]] : [];
  };
  const { firstStart, weekdays, lastStart } = periods;
  if (weekdays === undefined) {
    return clip(firstStart);
  }
  const firstDay = Math.floor(firstStart / DAY_MS) * DAY_MS;
  const timeOfDay = firstStart - firstDay;
  const found: Array<[number, number]> = [];
  // Occurrences that started up to `timeOfDay + length` before this day may still run into it.
  const back = Math.ceil((timeOfDay + periods.length) / DAY_MS);
  for (let day = midnight - back * DAY_MS; day <= midnight; day += DAY_MS) {
    const start = day + timeOfDay;
    if (
      day >= firstDay &&
      (lastStart === undefined || start <= lastStart) &&
      weekdays.includes(weekdayIndex(day))
    ) {
      found.push(...clip(start));
    }
  }
  return found;
}

/** Sorted, disjoint ranges covering what `ranges` cover (touching ranges merge). */
function union(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1]) {
      last[1] = Math.max(last[1], end);
    } else {
      merged.push([start, end]);
    }
  }
  return merged;
}

/** `open` less `closed` (both sorted and disjoint). */
function subtract(
  open: ReadonlyArray<readonly [number, number]>,
  closed: ReadonlyArray<readonly [number, number]>,
): Array<[number, number]> {
  const left: Array<[number, number]> = [];
  for (const [openStart, openEnd] of open) {
    let cursor = openStart;
    for (const [closedStart, closedEnd] of closed) {
      if (closedEnd <= cursor || closedStart >= openEnd) {
        continue;
      }
      if (closedStart > cursor) {
        left.push([cursor, closedStart]);
      }
      cursor = Math.max(cursor, closedEnd);
    }
    if (cursor < openEnd) {
      left.push([cursor, openEnd]);
    }
  }
  return left;
}

/** Segments of time of constant zone offset between `from` and `from + limit`, in order. */
function* offsetSegments(
  timeZone: string,
  from: number,
  limit: number,
): Generator<{ start: number; end: number; offset: number }> {
  const stop = from + limit;
  const step = 7 * DAY_MS;
  let cursor = from;
  while (cursor < stop) {
    const horizon = Math.min(step, stop - cursor);
    const change = nextOffsetChange(timeZone, cursor, horizon);
    const end = change ?? cursor + horizon;
    yield { start: cursor, end, offset: zoneOffsetAt(timeZone, cursor) };
    cursor = end;
  }
}

/**
 * Walks the open time from `from` for at most `limit` ms, range by range in order, each as real
 * instants `[start, end)` (epoch ms, the zone's offset at the time applied): the first value
 * `visit` returns (not undefined) stops the walk and is returned; undefined when none did.
 */
function walkOpenRanges<T>(
  schedule: Schedule,
  from: number,
  limit: number,
  visit: (start: number, end: number) => T | undefined,
): T | undefined {
  const holidays = new Set(schedule.holidays);
  for (const segment of offsetSegments(schedule.timeZone, from, limit)) {
    let found: T | undefined;
    forEachOpenWallRange(
      schedule,
      holidays,
      segment.start + segment.offset,
      segment.end + segment.offset,
      (start, end) => {
        found = visit(start - segment.offset, end - segment.offset);
        return found !== undefined;
      },
    );
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

/**
 * The instant at which `amount` ms of open time have passed since `from`: counting starts at
 * `from` if the schedule is open then, else at its next opening. Undefined when the schedule does
 * not accumulate that much within {@link MAX_WALK_MS} (e.g. never open).
 */
export function addOpenTime(
  schedule: Schedule,
  from: number,
  amount: number,
  limit = MAX_WALK_MS,
): number | undefined {
  if (amount <= 0) {
    return nextOpening(schedule, from, limit);
  }
  let remaining = amount;
  return walkOpenRanges(schedule, from, limit, (start, end) => {
    if (end - start >= remaining) {
      return start + remaining;
    }
    remaining -= end - start;
    return undefined;
  });
}

/** The first open instant at or after `from`, or undefined if none within `limit`. */
export function nextOpening(
  schedule: Schedule,
  from: number,
  limit = MAX_WALK_MS,
): number | undefined {
  return walkOpenRanges(schedule, from, limit, (start) => start);
}

/** Open time (ms) between `from` and `to` (`to` excluded). */
export function openTimeBetween(schedule: Schedule, from: number, to: number): number {
  if (to <= from) {
    return 0;
  }
  let total = 0;
  walkOpenRanges(schedule, from, to - from, (start, end) => {
    total += end - start;
    return undefined;
  });
  return total;
}

/** Whether the schedule is open at instant `t`. */
export function isOpenAt(schedule: Schedule, t: number): boolean {
  return openTimeBetween(schedule, t, t + 1) > 0;
}

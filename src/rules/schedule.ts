/**
 * Business hours, pure: when a schedule is open, and the instant at which a given amount of open
 * ("business") time has passed since some instant. Times are epoch milliseconds; a schedule's
 * hours are wall-clock times in its IANA time zone, read through Node's `Intl` (full ICU).
 *
 * Definition (the only one; README "Business hours" says it in words): an instant is **open** when
 * its local date in the zone is not a holiday and its local wall-clock time lies in one of that
 * weekday's `[start, end)` ranges. Across DST this means:
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
    if (holidays.has(isoDate(midnight))) {
      continue;
    }
    for (const [startMin, endMin] of schedule.weekly[weekdayIndex(midnight)] ?? []) {
      const start = Math.max(wallFrom, midnight + startMin * MINUTE_MS);
      const end = Math.min(wallTo, midnight + endMin * MINUTE_MS);
      if (start < end && visit(start, end)) {
        return true;
      }
    }
  }
  return false;
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

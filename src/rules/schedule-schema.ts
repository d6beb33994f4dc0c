import { z } from 'zod';
import { genesysIdProblem } from './genesys-ids';
import { isKnownTimeZone, MINUTES_PER_DAY, WEEKDAYS, type Schedule } from './schedule';

/**
 * The `schedules:` section of the rules file: named business hours an inactivity rule can count
 * silence in (`idle.during`). Written as
 *
 * ```yaml
 * schedules:
 *   office:
 *     timeZone: Europe/Paris
 *     weekly:
 *       mon-fri: ["09:00-18:00"]
 *       sat: ["10:00-13:00"]
 *     holidays: [2026-12-25, 2027-01-01]
 *   support:
 *     genesysScheduleGroupId: 5c4b3a29-1807-4f6e-8d5c-4b3a29180706
 * ```
 *
 * and checked here: a zone `Intl` knows, day keys (`mon`, `mon-fri`, `sat,sun`; a day in one key
 * only), `HH:MM-HH:MM` ranges (`24:00` ends a day; a range never spans midnight: split it), no
 * overlaps within a day, real calendar dates, and at least one open range; or a Genesys schedule
 * group's id alone. The walker is `schedule.ts`; a group is read by `genesys-schedules.ts`.
 */

/** A schedule name: a short slug (`office`, `support-us`). */
export const SCHEDULE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const RANGE = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes after midnight of `HH:MM`, or undefined when not a wall time (`24:00` only as an end). */
function minutesOf(hours: string, minutes: string, isEnd: boolean): number | undefined {
  const h = Number(hours);
  const m = Number(minutes);
  if (m > 59) {
    return undefined;
  }
  if (h === 24 && m === 0 && isEnd) {
    return MINUTES_PER_DAY;
  }
  return h <= 23 ? h * 60 + m : undefined;
}

function formatMinutes(total: number): string {
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * The weekday indexes (0 = Monday) a `weekly` key names: `mon`, `mon-fri` (a range, which may
 * wrap: `fri-mon`), or a comma list of those (`sat,sun`). Undefined when it is not such a key.
 */
export function weekdaysOf(key: string): number[] | undefined {
  const days: number[] = [];
  for (const part of key.split(',').map((p) => p.trim())) {
    const [first, last, ...rest] = part.split('-');
    const from = WEEKDAYS.indexOf(first as (typeof WEEKDAYS)[number]);
    const to = last === undefined ? from : WEEKDAYS.indexOf(last as (typeof WEEKDAYS)[number]);
    if (from < 0 || to < 0 || rest.length > 0) {
      return undefined;
    }
    for (let day = from; ; day = (day + 1) % 7) {
      days.push(day);
      if (day === to) {
        break;
      }
    }
  }
  return days;
}

/** `[start, end)` minutes of a `HH:MM-HH:MM` range, or the reason it is not one. */
export function parseRange(text: string): [number, number] | string {
  const match = RANGE.exec(text);
  if (match === null) {
    return `"${text}" is not a range of wall-clock times: write "HH:MM-HH:MM", e.g. "09:00-18:00"`;
  }
  const [, h1 = '', m1 = '', h2 = '', m2 = ''] = match;
  const start = minutesOf(h1, m1, false);
  const end = minutesOf(h2, m2, true);
  if (start === undefined || end === undefined) {
    return `"${text}" is not a range of wall-clock times: hours 00-23 (24:00 only as an end), minutes 00-59`;
  }
  if (end <= start) {
    return end === start
      ? `"${text}" is empty: it ends when it starts`
      : `"${text}" ends before it starts: a range cannot span midnight; write "${formatMinutes(start)}-24:00" on this day and "00:00-${formatMinutes(end)}" on the next`;
  }
  return [start, end];
}

/** Whether `text` is a real calendar date `YYYY-MM-DD`. */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (match === null) {
    return false;
  }
  const [, y = '', m = '', d = ''] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.toISOString().slice(0, 10) === text;
}

/**
 * A schedule whose hours are a Genesys Architect schedule group's (docs/genesys/facts.md §15):
 * read from Genesys at start, on rules reload and every `CLOSER_SCHEDULE_GROUP_REFRESH`
 * (`genesys-schedules.ts`), so ops keep one source of truth for opening hours.
 */
export interface GenesysScheduleRef {
  /** The schedule group's id (a UUID). */
  genesysScheduleGroupId: string;
}

/** A schedule under `schedules:` in force: written out, or taken from Genesys. */
export type ScheduleSpec = Schedule | GenesysScheduleRef;

/** Whether `spec` takes its hours from a Genesys schedule group. */
export function isGenesysScheduleRef(spec: ScheduleSpec): spec is GenesysScheduleRef {
  return 'genesysScheduleGroupId' in spec;
}

const WRITTEN_KEYS = ['timeZone', 'weekly', 'holidays'] as const;

/**
 * One schedule as written: either its hours (`timeZone`, `weekly`, `holidays`), checked and then
 * compiled to a {@link Schedule}, or `genesysScheduleGroupId` alone.
 */
export const scheduleSchema = z
  .strictObject({
    /** A Genesys Architect schedule group to take the hours from, instead of writing them. */
    genesysScheduleGroupId: z.string().optional(),
    /** IANA time zone the hours are in, e.g. `Europe/Paris`. */
    timeZone: z
      .string()
      .superRefine((zone, ctx) => {
        if (!isKnownTimeZone(zone)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${zone}" is not an IANA time zone this Node knows (e.g. Europe/Paris, America/New_York, UTC)`,
          });
        }
      })
      .optional(),
    /** Open ranges by day: keys `mon`…`sun`, `mon-fri`, `sat,sun`; values `["HH:MM-HH:MM", …]`. */
    weekly: z.record(z.string(), z.array(z.string())).optional(),
    /** Local dates (`YYYY-MM-DD`) closed all day. */
    holidays: z.array(z.string()).optional(),
  })
  .superRefine((schedule, ctx) => {
    if (schedule.genesysScheduleGroupId !== undefined) {
      for (const key of WRITTEN_KEYS) {
        if (schedule[key] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message:
              'cannot be combined with genesysScheduleGroupId: the hours, zone and holidays come from the Genesys schedule group',
            params: { atKey: true },
          });
        }
      }
      const problem = genesysIdProblem(schedule.genesysScheduleGroupId, 'schedule group');
      if (problem !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['genesysScheduleGroupId'],
          message: problem.message,
          params: { code: problem.code },
        });
      }
      return;
    }
    for (const key of ['timeZone', 'weekly'] as const) {
      if (schedule[key] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `is required (or take the hours from Genesys instead: genesysScheduleGroupId: <schedule group id>)`,
        });
      }
    }
    const weekly = schedule.weekly ?? {};
    const givenBy = new Map<number, string>();
    let open = false;
    for (const [key, ranges] of Object.entries(weekly)) {
      const days = weekdaysOf(key);
      if (days === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['weekly', key],
          message: `"${key}" is not a day: write mon, tue, wed, thu, fri, sat or sun, a range (mon-fri) or a list (sat,sun)`,
          params: { atKey: true },
        });
        continue;
      }
      for (const day of days) {
        const earlier = givenBy.get(day);
        if (earlier !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['weekly', key],
            message: `${WEEKDAYS[day] ?? day} is already given by "${earlier}": each day in one key only`,
            params: { atKey: true },
          });
        } else {
          givenBy.set(day, key);
        }
      }
      const parsed: Array<{ index: number; range: [number, number] }> = [];
      ranges.forEach((text, index) => {
        const range = parseRange(text);
        if (typeof range === 'string') {
          ctx.addIssue({ code: 'custom', path: ['weekly', key, index], message: range });
        } else {
          parsed.push({ index, range });
        }
      });
      const sorted = [...parsed].sort((a, b) => a.range[0] - b.range[0]);
      for (let i = 1; i < sorted.length; i += 1) {
        const previous = sorted[i - 1];
        const current = sorted[i];
        if (
          previous !== undefined &&
          current !== undefined &&
          current.range[0] < previous.range[1]
        ) {
          const later = Math.max(previous.index, current.index);
          const other = Math.min(previous.index, current.index);
          ctx.addIssue({
            code: 'custom',
            path: ['weekly', key, later],
            message: `"${ranges[later]}" overlaps "${ranges[other]}"`,
          });
        }
      }
      open ||= parsed.length > 0;
    }
    if (schedule.weekly !== undefined && !open) {
      ctx.addIssue({
        code: 'custom',
        path: ['weekly'],
        message:
          'the schedule is never open: give at least one day a range, e.g. mon-fri: ["09:00-18:00"] (a rule counting silence during it would never fire)',
      });
    }
    (schedule.holidays ?? []).forEach((date, index) => {
      if (!isCalendarDate(date)) {
        ctx.addIssue({
          code: 'custom',
          path: ['holidays', index],
          message: `"${date}" is not a date: write YYYY-MM-DD, e.g. 2026-12-25`,
        });
      }
    });
  })
  .transform((written): ScheduleSpec => {
    if (written.genesysScheduleGroupId !== undefined) {
      return { genesysScheduleGroupId: written.genesysScheduleGroupId.trim() };
    }
    const weekly = written.weekly ?? {};
    return {
      // Both are there: the refinement above refused the schedule otherwise.
      timeZone: written.timeZone ?? 'UTC',
      weekly: WEEKDAYS.map((_day, index) => {
        const entry = Object.entries(weekly).find(([key]) =>
          (weekdaysOf(key) ?? []).includes(index),
        );
        return (entry?.[1] ?? [])
          .map(parseRange)
          .filter((range): range is [number, number] => typeof range !== 'string')
          .sort((a, b) => a[0] - b[0]);
      }),
      holidays: [...new Set(written.holidays ?? [])].sort(),
    };
  });

/** The `schedules:` section: schedules by name. */
export const schedulesSchema = z.record(z.string(), scheduleSchema).superRefine((all, ctx) => {
  for (const name of Object.keys(all)) {
    if (!SCHEDULE_NAME.test(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'a schedule name must be 1-64 lowercase letters, digits, "_" or "-"',
        params: { atKey: true },
      });
    }
  }
});

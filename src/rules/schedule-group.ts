import type { ArchitectSchedule, ScheduleGroup } from '../genesys';
import { ScheduleGroupError } from './errors';
import { nthOccurrenceStart, parseRrule, recurrenceWeekdays } from './rrule';
import { isKnownTimeZone, type Schedule, type WallPeriods } from './schedule';

/**
 * A Genesys Architect schedule group as a closer {@link Schedule} (docs/genesys/facts.md §15):
 * open = inside an occurrence of one of its open schedules and inside no occurrence of a closed
 * or holiday schedule. Its schedules' `start`/`end` are local times of the group's `timeZone`;
 * their `rrule` must be in the subset `rrule.ts` reads. Whatever closer cannot interpret is
 * refused with a {@link ScheduleGroupError} `SCHEDULE_GROUP_UNSUPPORTED` naming the rules-file
 * schedule, the group and the Genesys schedule, so no rule counts silence on guessed hours. Pure.
 */

/** `YYYY-MM-DDTHH:MM[:SS[.fraction]]`, no zone: Genesys's `LocalDateTime`. */
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

const DAY_MS = 24 * 60 * 60_000;

/** States of a group or schedule closer uses; Genesys also has `inactive` and `deleted`. */
const USABLE_STATES = new Set(['active']);

/** What a group's schedules are for. */
export type ScheduleRole = 'open' | 'closed' | 'holiday';

/** A group and the schedules it names, read from Genesys. */
export interface ScheduleGroupData {
  group: ScheduleGroup;
  /** Each schedule the group names, by id. */
  schedules: ReadonlyMap<string, ArchitectSchedule>;
}

/**
 * The wall time (UTC fields = local fields) of a Genesys local date-time, or undefined when the
 * text is not one (an offset or `Z`, a date alone, an impossible date).
 */
export function localDateTime(text: string): number | undefined {
  const match = LOCAL_DATE_TIME.exec(text);
  if (match === null) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s = '0', fraction = ''] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const date = Date.UTC(year, month - 1, day);
  if (new Date(date).toISOString().slice(0, 10) !== `${y ?? ''}-${mo ?? ''}-${d ?? ''}`) {
    return undefined;
  }
  const ms = Math.floor(Number(`0.${fraction || '0'}`) * 1000);
  return date + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/**
 * Compiles a group into a schedule.
 * @param name the rules file's name for it (`schedules.<name>`), for messages.
 * @throws ScheduleGroupError `SCHEDULE_GROUP_UNSUPPORTED` for anything closer cannot interpret.
 */
export function compileScheduleGroup(name: string, data: ScheduleGroupData): Schedule {
  const { group } = data;
  const label = `schedule ${name} (Genesys schedule group ${describe(group)})`;
  const refuse = (reason: string): never => {
    throw new ScheduleGroupError(
      'SCHEDULE_GROUP_UNSUPPORTED',
      `${label} cannot be used: ${reason}`,
      {
        schedule: name,
        scheduleGroupId: group.id,
      },
    );
  };
  if (group.state !== undefined && !USABLE_STATES.has(group.state.toLowerCase())) {
    refuse(`the group is ${group.state} in Genesys`);
  }
  const timeZone = group.timeZone;
  if (timeZone === undefined || timeZone === '') {
    return refuse('the group has no time zone, so its hours mean nothing');
  }
  if (!isKnownTimeZone(timeZone)) {
    refuse(`its time zone "${timeZone}" is not an IANA zone this Node knows`);
  }
  const open = group.openSchedules ?? [];
  if (open.length === 0) {
    refuse('the group has no open schedule (a rule counting silence during it would never fire)');
  }
  const periodsOf = (role: ScheduleRole, refs: ReadonlyArray<{ id: string }>): WallPeriods[] =>
    refs.map((ref) => {
      const schedule = data.schedules.get(ref.id);
      if (schedule === undefined) {
        return refuse(`its ${role} schedule ${ref.id} was not read`);
      }
      const periods = schedulePeriods(schedule);
      return typeof periods === 'string'
        ? refuse(`its ${role} schedule ${describe(schedule)}: ${periods}`)
        : periods;
    });
  return {
    timeZone,
    weekly: [[], [], [], [], [], [], []],
    holidays: [],
    openPeriods: periodsOf('open', open),
    closedPeriods: [
      ...periodsOf('closed', group.closedSchedules ?? []),
      ...periodsOf('holiday', group.holidaySchedules ?? []),
    ],
  };
}

/** One Genesys schedule as repeating wall-time periods, or why it cannot be read. */
export function schedulePeriods(schedule: ArchitectSchedule): WallPeriods | string {
  if (schedule.state !== undefined && !USABLE_STATES.has(schedule.state.toLowerCase())) {
    return `it is ${schedule.state} in Genesys`;
  }
  const start = localDateTime(schedule.start);
  const end = localDateTime(schedule.end);
  if (start === undefined || end === undefined) {
    const bad = start === undefined ? `start "${schedule.start}"` : `end "${schedule.end}"`;
    return `${bad} is not a local date-time (YYYY-MM-DDTHH:MM:SS.SSS, no time zone) as Genesys documents`;
  }
  if (end <= start) {
    return `end ${schedule.end} is not after start ${schedule.start}`;
  }
  const length = end - start;
  const text = schedule.rrule?.trim() ?? '';
  if (text === '') {
    return { firstStart: start, length };
  }
  const recurrence = parseRrule(text);
  if (typeof recurrence === 'string') {
    return `rrule "${text}": ${recurrence}`;
  }
  const firstWeekday = (new Date(start).getUTCDay() + 6) % 7;
  const weekdays = recurrenceWeekdays(recurrence, firstWeekday);
  if (!weekdays.includes(firstWeekday)) {
    return `rrule "${text}": start ${schedule.start} is a ${WEEKDAY_NAMES[firstWeekday] ?? '?'}, a day the rule does not repeat on (RFC 5545 leaves such a start undefined)`;
  }
  const repeatsEvery = recurrence.freq === 'DAILY' ? DAY_MS : 7 * DAY_MS;
  if (length > repeatsEvery) {
    // Each occurrence would overlap the next: nothing Genesys documents, so not guessed at.
    return `rrule "${text}": an occurrence (${schedule.start} to ${schedule.end}) is longer than the ${recurrence.freq === 'DAILY' ? 'day' : 'week'} it repeats every`;
  }
  const lastStart =
    recurrence.count !== undefined
      ? nthOccurrenceStart(start, weekdays, recurrence.count)
      : recurrence.until;
  if (lastStart !== undefined && lastStart < start) {
    return `rrule "${text}": UNTIL is before start ${schedule.start}`;
  }
  return {
    firstStart: start,
    length,
    weekdays,
    ...(lastStart === undefined ? {} : { lastStart }),
  };
}

const WEEKDAY_NAMES = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;

function describe(entity: { id: string; name?: string | undefined }): string {
  return entity.name === undefined ? entity.id : `${JSON.stringify(entity.name)} (${entity.id})`;
}

import { formatDuration } from '../config/durations';
import type { ResolvedWebhookSource, Rule, SourcesConfig } from '../rules';
import { WEEKDAYS } from '../rules/schedule';
import { isGenesysScheduleRef, type ScheduleSpec } from '../rules/schedule-schema';

/** Field names holding a time: `at`, `since` and every `…At`. */
const TIME_FIELD = /^(at|since)$|At$/;

/**
 * One vocabulary for times in every API answer: each time field (`at`, `since`, `…At`) holding
 * epoch milliseconds becomes an ISO-8601 string, at any depth. The store keeps epoch ms; only
 * answers are converted.
 */
export function isoTimes<T>(value: T): T {
  return convert(value) as T;
}

function convert(value: unknown, key?: string): unknown {
  if (typeof value === 'number' && key !== undefined && TIME_FIELD.test(key)) {
    return Number.isFinite(value) ? new Date(value).toISOString() : value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => convert(item));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, k)]));
  }
  return value;
}

/**
 * A rule as the rules file says it: durations written back as text (`20m`, not 1200000), so
 * `GET /v1/rules` reads like the file ops wrote.
 */
export function presentRule(rule: Rule): Record<string, unknown> {
  if (rule.kind === 'event') {
    return { ...rule };
  }
  const warn =
    rule.warn === undefined
      ? {}
      : { warn: rule.warn.map((w) => ({ ...w, before: formatDuration(w.before) })) };
  if (rule.kind === 'max-duration') {
    return {
      ...rule,
      maxDuration: { ...rule.maxDuration, after: formatDuration(rule.maxDuration.after) },
      ...warn,
    };
  }
  // The schedule `idle.during` names is shown under the file's `schedules:`, not in each rule.
  const { schedule: _schedule, scheduleUnavailable: _unavailable, ...written } = rule;
  const { after, margin } = rule.idle;
  return {
    ...written,
    idle: {
      ...rule.idle,
      ...(after === undefined ? {} : { after: formatDuration(after) }),
      ...(margin === undefined ? {} : { margin: formatDuration(margin) }),
    },
    ...warn,
  };
}

/**
 * The webhook sources as in force: each one's scheme, headers, paths and flags with the preset
 * defaults written out, so nothing a preset sets is hidden. Secrets appear only as the name of
 * their environment variable.
 */
export function presentWebhookSources(
  sources: SourcesConfig,
): Record<string, ResolvedWebhookSource> {
  return Object.fromEntries(
    Object.entries(sources).flatMap(([name, source]) =>
      name === 'eventbridge' || source === undefined || !('verify' in source)
        ? []
        : [[name, source]],
    ),
  );
}

/** A schedule as `GET /v1/rules` shows it: its hours as text, or the Genesys group it comes from. */
export type PresentedSchedule =
  | { timeZone: string; weekly: Record<string, string[]>; holidays: string[] }
  | { genesysScheduleGroupId: string };

/**
 * The schedules in force, hours written back as text per day (`mon: ["09:00-18:00"]`, every day
 * listed, `[]` when closed), so `GET /v1/rules` shows what `idle.during` counts. A schedule taken
 * from Genesys is shown as written (its group id); what was read is in `/readyz`'s `schedules`.
 */
export function presentSchedules(
  schedules: Readonly<Record<string, ScheduleSpec>>,
): Record<string, PresentedSchedule> {
  const hhmm = (minutes: number): string =>
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return Object.fromEntries(
    Object.entries(schedules).map(([name, schedule]): [string, PresentedSchedule] => [
      name,
      isGenesysScheduleRef(schedule)
        ? { genesysScheduleGroupId: schedule.genesysScheduleGroupId }
        : {
            timeZone: schedule.timeZone,
            weekly: Object.fromEntries(
              WEEKDAYS.map((day, index) => [
                day,
                (schedule.weekly[index] ?? []).map(([start, end]) => `${hhmm(start)}-${hhmm(end)}`),
              ]),
            ),
            holidays: [...schedule.holidays],
          },
    ]),
  );
}

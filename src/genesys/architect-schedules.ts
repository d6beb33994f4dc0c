import { z } from 'zod';
import { GENESYS_OPERATIONS as OPS, buildPath } from './permissions';
import { expectBody, type GenesysSender } from './send';

/**
 * Architect schedule groups and schedules (docs/genesys/facts.md §15): the business hours a rules
 * file can take from Genesys instead of writing them out. A group names its open, closed and
 * holiday schedules by reference only, so each schedule is a read of its own. SDK 262 models
 * `ScheduleGroup`, `Schedule`, `DomainEntityRef`. Read as Genesys sends them; what they mean is
 * `rules/schedule-group.ts`'s business.
 */

const EntityRefSchema = z.looseObject({ id: z.string(), name: z.string().optional() });

/** `ScheduleGroup` as closer reads it. */
export const ScheduleGroupSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  /** `active`, `inactive` or `deleted`. */
  state: z.string().optional(),
  /** The zone every schedule of the group is read in (the schedules carry none). */
  timeZone: z.string().optional(),
  openSchedules: z.array(EntityRefSchema).optional(),
  closedSchedules: z.array(EntityRefSchema).optional(),
  holidaySchedules: z.array(EntityRefSchema).optional(),
});

/** `Schedule` as closer reads it. */
export const ArchitectScheduleSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  state: z.string().optional(),
  /** Local date-time of the first occurrence's start, no zone (`2026-01-05T09:00:00.000`). */
  start: z.string(),
  /** Local date-time of the first occurrence's end. */
  end: z.string(),
  /** iCalendar RRULE; absent: the one period from `start` to `end`. */
  rrule: z.string().optional(),
});

/** A schedule group as Genesys describes it. */
export type ScheduleGroup = z.infer<typeof ScheduleGroupSchema>;
/** One Architect schedule as Genesys describes it. */
export type ArchitectSchedule = z.infer<typeof ArchitectScheduleSchema>;

/**
 * `GET /api/v2/architect/schedulegroups/{scheduleGroupId}` (routing:scheduleGroup:view).
 * @throws GenesysApiError (`GENESYS_NOT_FOUND` for an unknown group)
 */
export async function getScheduleGroup(
  sender: GenesysSender,
  scheduleGroupId: string,
): Promise<ScheduleGroup> {
  const op = OPS.getArchitectScheduleGroup;
  const response = await sender.send({
    operation: 'getArchitectScheduleGroup',
    method: op.method,
    path: buildPath(op.path, { scheduleGroupId }),
    responseSchema: ScheduleGroupSchema,
  });
  return expectBody(response);
}

/**
 * `GET /api/v2/architect/schedules/{scheduleId}` (routing:schedule:view).
 * @throws GenesysApiError (`GENESYS_NOT_FOUND` for an unknown schedule)
 */
export async function getArchitectSchedule(
  sender: GenesysSender,
  scheduleId: string,
): Promise<ArchitectSchedule> {
  const op = OPS.getArchitectSchedule;
  const response = await sender.send({
    operation: 'getArchitectSchedule',
    method: op.method,
    path: buildPath(op.path, { scheduleId }),
    responseSchema: ArchitectScheduleSchema,
  });
  return expectBody(response);
}

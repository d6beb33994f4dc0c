/**
 * The simulated org's Architect schedules and schedule groups (docs/genesys/facts.md §15), which
 * rules files can take business hours from (`schedules.<name>.genesysScheduleGroupId`). Seeded
 * with one group, {@link SIM_SCHEDULE_GROUP_ID} ("Support hours": Monday–Friday 09:00–18:00 and
 * Saturday 10:00–13:00 in Europe/Paris, closed on 25 December 2026) for the demo; tests and the
 * control API create more (`putSchedule`, then `putScheduleGroup`). Stored as given: whether
 * closer can interpret a schedule is closer's business, not the simulator's.
 */
import { simErrors } from './errors';
import type {
  SimSchedule,
  SimScheduleGroup,
  SimScheduleGroupSpec,
  SimScheduleSpec,
} from './org-types';

/** The seeded schedule group. */
export const SIM_SCHEDULE_GROUP_ID = '5c4b3a29-1807-4f6e-8d5c-4b3a29180706';

const SEEDED_SCHEDULES: readonly SimScheduleSpec[] = [
  {
    id: '5c4b3a29-1807-4f6e-8d5c-000000000001',
    name: 'Weekdays 09:00-18:00',
    start: '2026-01-05T09:00:00.000',
    end: '2026-01-05T18:00:00.000',
    rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR',
  },
  {
    id: '5c4b3a29-1807-4f6e-8d5c-000000000002',
    name: 'Saturday 10:00-13:00',
    start: '2026-01-03T10:00:00.000',
    end: '2026-01-03T13:00:00.000',
    rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=SA',
  },
  {
    id: '5c4b3a29-1807-4f6e-8d5c-000000000003',
    name: 'Christmas Day 2026',
    start: '2026-12-25T00:00:00.000',
    end: '2026-12-26T00:00:00.000',
  },
];

/** Schedules and schedule groups; in memory, one per simulator. */
export class SimArchitect {
  private readonly schedules = new Map<string, SimSchedule>();
  private readonly groups = new Map<string, SimScheduleGroup>();

  constructor() {
    for (const schedule of SEEDED_SCHEDULES) {
      this.putSchedule(schedule);
    }
    this.putScheduleGroup({
      id: SIM_SCHEDULE_GROUP_ID,
      name: 'Support hours',
      timeZone: 'Europe/Paris',
      openScheduleIds: [SEEDED_SCHEDULES[0]?.id ?? '', SEEDED_SCHEDULES[1]?.id ?? ''],
      holidayScheduleIds: [SEEDED_SCHEDULES[2]?.id ?? ''],
    });
  }

  putSchedule(spec: SimScheduleSpec): SimSchedule {
    const schedule: SimSchedule = {
      id: spec.id,
      name: spec.name ?? `Schedule ${spec.id.slice(0, 8)}`,
      start: spec.start,
      end: spec.end,
      ...(spec.rrule === undefined ? {} : { rrule: spec.rrule }),
      state: spec.state ?? 'active',
    };
    this.schedules.set(spec.id, schedule);
    return schedule;
  }

  deleteSchedule(id: string): boolean {
    return this.schedules.delete(id);
  }

  schedule(id: string): SimSchedule | undefined {
    return this.schedules.get(id);
  }

  /** @throws SimHttpError 400 when it names a schedule that does not exist. */
  putScheduleGroup(spec: SimScheduleGroupSpec): SimScheduleGroup {
    const closed = spec.closedScheduleIds ?? [];
    const holiday = spec.holidayScheduleIds ?? [];
    const unknown = [...spec.openScheduleIds, ...closed, ...holiday].filter(
      (id) => !this.schedules.has(id),
    );
    if (unknown.length > 0) {
      throw simErrors.badRequest(`No schedule ${unknown.join(', ')}: create schedules first`);
    }
    const group: SimScheduleGroup = {
      id: spec.id,
      name: spec.name ?? `Schedule group ${spec.id.slice(0, 8)}`,
      ...(spec.timeZone === undefined ? {} : { timeZone: spec.timeZone }),
      openScheduleIds: [...spec.openScheduleIds],
      closedScheduleIds: [...closed],
      holidayScheduleIds: [...holiday],
      state: spec.state ?? 'active',
    };
    this.groups.set(spec.id, group);
    return group;
  }

  deleteScheduleGroup(id: string): boolean {
    return this.groups.delete(id);
  }

  scheduleGroup(id: string): SimScheduleGroup | undefined {
    return this.groups.get(id);
  }

  allSchedules(): SimSchedule[] {
    return [...this.schedules.values()];
  }

  allScheduleGroups(): SimScheduleGroup[] {
    return [...this.groups.values()];
  }
}

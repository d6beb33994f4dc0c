import { coerceError } from '../errors';
import { GenesysApiError, type ArchitectSchedule, type OrgReader } from '../genesys';
import { ScheduleGroupError } from './errors';
import type { Schedule } from './schedule';
import { compileScheduleGroup } from './schedule-group';

/**
 * Reads one Genesys schedule group and each schedule it names (docs/genesys/facts.md §15), and
 * compiles them into a closer schedule: the one function the service (`genesys-schedules.ts`)
 * and the online rules checks share, so both judge a group alike.
 */

/** What reading a group needs: the two Architect reads of {@link OrgReader}. */
export type ScheduleGroupReader = Pick<OrgReader, 'getScheduleGroup' | 'getSchedule'>;

/**
 * The schedule of group `scheduleGroupId`, which the rules file calls `name`.
 * @throws ScheduleGroupError — `SCHEDULE_GROUP_NOT_FOUND` (404 on the group or a schedule),
 *   `SCHEDULE_GROUP_FORBIDDEN` (a permission missing; `details.missingPermissions`),
 *   `SCHEDULE_GROUP_UNAVAILABLE` (anything else: network, 5xx, rate limit, token),
 *   `SCHEDULE_GROUP_UNSUPPORTED` (read, but not interpretable).
 */
export async function loadScheduleGroup(
  reader: ScheduleGroupReader,
  name: string,
  scheduleGroupId: string,
): Promise<Schedule> {
  const group = await read(name, scheduleGroupId, 'schedule group', () =>
    reader.getScheduleGroup(scheduleGroupId),
  );
  const ids = new Set(
    [
      ...(group.openSchedules ?? []),
      ...(group.closedSchedules ?? []),
      ...(group.holidaySchedules ?? []),
    ].map((ref) => ref.id),
  );
  const schedules = new Map<string, ArchitectSchedule>();
  for (const id of ids) {
    schedules.set(
      id,
      await read(name, scheduleGroupId, `schedule ${id} of the group`, () =>
        reader.getSchedule(id),
      ),
    );
  }
  return compileScheduleGroup(name, { group, schedules });
}

async function read<T>(
  name: string,
  scheduleGroupId: string,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (thrown: unknown) {
    throw asScheduleGroupError(thrown, name, scheduleGroupId, what);
  }
}

/** A Genesys failure while reading `what` as the typed error the schedule is reported with. */
function asScheduleGroupError(
  thrown: unknown,
  name: string,
  scheduleGroupId: string,
  what: string,
): ScheduleGroupError {
  const error = coerceError(thrown);
  const label = `schedule ${name} (Genesys schedule group ${scheduleGroupId})`;
  const details = { schedule: name, scheduleGroupId };
  if (error instanceof GenesysApiError && error.code === 'GENESYS_NOT_FOUND') {
    return new ScheduleGroupError(
      'SCHEDULE_GROUP_NOT_FOUND',
      `${label} cannot be read: Genesys has no ${what} (404; or the OAuth client's divisions do not cover it)`,
      details,
      { cause: error },
    );
  }
  if (error instanceof GenesysApiError && error.code === 'GENESYS_FORBIDDEN') {
    return new ScheduleGroupError(
      'SCHEDULE_GROUP_FORBIDDEN',
      `${label} cannot be read: ${error.message}`,
      { ...details, missingPermissions: [...error.missingPermissions] },
      { cause: error },
    );
  }
  const code = error instanceof GenesysApiError ? `${error.code}: ` : '';
  return new ScheduleGroupError(
    'SCHEDULE_GROUP_UNAVAILABLE',
    `${label} cannot be read now (${what}): ${code}${error.message}`,
    details,
    { cause: error },
  );
}

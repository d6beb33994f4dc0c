import {
  GenesysApiError,
  type ArchitectSchedule,
  type GenesysErrorCode,
  type ScheduleGroup,
} from '../../../src/genesys';
import { silentLogger } from '../../../src/observability/logger-interface';
import { GenesysSchedules } from '../../../src/rules/genesys-schedules';
import type { ScheduleGroupReader } from '../../../src/rules/load-schedule-group';
import { parseRules, type LoadedRules } from '../../../src/rules/parse-rules';
import type { InactivityRule } from '../../../src/rules/rules-schema';
import { addOpenTime } from '../../../src/rules/schedule';
import { ManualClock } from '../../../src/timers/clock';

/**
 * Schedules taken from Genesys in force: not counting until read, the reason when they cannot
 * be, the last hours kept through a failure that may pass, dropped on one that will not.
 */

const GROUP = '5c4b3a29-1807-4f6e-8d5c-4b3a29180706';
const OPEN = '5c4b3a29-1807-4f6e-8d5c-000000000001';

const RULES = `
schedules:
  support: { genesysScheduleGroupId: ${GROUP} }
rules:
  - id: idle-support
    kind: inactivity
    idle: { side: customer, after: 20m, during: support }
    close: { message: "Bye" }
`;

function loaded(text = RULES): LoadedRules {
  return { config: parseRules(text, '<test>'), version: 1, hash: 'h', path: '<test>', loadedAt: 0 };
}

function genesysError(code: GenesysErrorCode, status: number | undefined): GenesysApiError {
  return new GenesysApiError({
    code,
    message: `Genesys said ${status ?? 'nothing'}`,
    status,
    operation: 'getArchitectSchedule',
    retryable: code !== 'GENESYS_NOT_FOUND' && code !== 'GENESYS_FORBIDDEN',
    requestId: 'r1',
    ...(code === 'GENESYS_FORBIDDEN' ? { missingPermissions: ['routing:schedule:view'] } : {}),
  });
}

/** A reader over one group whose open schedule is `hours` (09:00–`hours`), or that fails. */
class FakeReader implements ScheduleGroupReader {
  failure: GenesysApiError | undefined;
  end = '2026-01-05T18:00:00.000';
  reads = 0;

  getScheduleGroup(id: string): Promise<ScheduleGroup> {
    this.reads += 1;
    return Promise.resolve({
      id,
      name: 'Support hours',
      state: 'active',
      timeZone: 'Europe/Paris',
      openSchedules: [{ id: OPEN }],
    });
  }

  getSchedule(id: string): Promise<ArchitectSchedule> {
    if (this.failure !== undefined) {
      return Promise.reject(this.failure);
    }
    return Promise.resolve({
      id,
      name: 'Weekdays',
      start: '2026-01-05T09:00:00.000',
      end: this.end,
      rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    });
  }
}

function ruleOf(rules: LoadedRules): InactivityRule {
  const [rule] = rules.config.rules;
  if (rule?.kind !== 'inactivity') {
    throw new Error('expected an inactivity rule');
  }
  return rule;
}

// Wednesday 25 Nov 2026 17:55 in Paris (16:55Z).
const LATE = Date.UTC(2026, 10, 25, 16, 55);

describe('GenesysSchedules', () => {
  let reader: FakeReader;
  let changes: number;
  let schedules: GenesysSchedules;

  beforeEach(() => {
    reader = new FakeReader();
    changes = 0;
    schedules = new GenesysSchedules({
      reader,
      clock: new ManualClock(LATE),
      logger: silentLogger,
      onChange: () => {
        changes += 1;
      },
    });
  });

  it('does not count until the group is read, then puts its hours in the rule', async () => {
    const rules = loaded();
    expect(ruleOf(schedules.inForce(rules))).toMatchObject({
      scheduleUnavailable: `schedule support (Genesys schedule group ${GROUP}) is not read from Genesys yet`,
    });
    schedules.track(rules.config);
    await schedules.idle();
    const rule = ruleOf(schedules.inForce(rules));
    expect(rule.scheduleUnavailable).toBeUndefined();
    expect(addOpenTime(rule.schedule ?? fail('no schedule'), LATE, 20 * 60_000)).toBe(
      Date.UTC(2026, 10, 26, 8, 15),
    );
    expect(changes).toBe(1);
    // The same object while nothing changed.
    expect(schedules.inForce(rules)).toBe(schedules.inForce(rules));
    expect(schedules.report()).toMatchObject({
      status: 'ok',
      schedules: { support: { genesysScheduleGroupId: GROUP, status: 'loaded' } },
    });
  });

  it('a changed group is put in force at the next read; an unchanged one changes nothing', async () => {
    const rules = loaded();
    schedules.track(rules.config);
    await schedules.idle();
    await schedules.refresh();
    expect(changes).toBe(1);
    reader.end = '2026-01-05T17:00:00.000';
    await schedules.refresh();
    expect(changes).toBe(2);
    const rule = ruleOf(schedules.inForce(rules));
    // Closing at 17:00 now: 17:55 is closed, so counting starts at 09:00 Thursday.
    expect(addOpenTime(rule.schedule ?? fail('no schedule'), LATE, 20 * 60_000)).toBe(
      Date.UTC(2026, 10, 26, 8, 20),
    );
  });

  it('keeps the hours read before through a failure that may pass (5xx), reporting it', async () => {
    const rules = loaded();
    schedules.track(rules.config);
    await schedules.idle();
    reader.failure = genesysError('GENESYS_UNAVAILABLE', 503);
    await schedules.refresh();
    expect(ruleOf(schedules.inForce(rules)).schedule).toBeDefined();
    expect(schedules.report().schedules.support).toMatchObject({
      status: 'loaded',
      error: { code: 'SCHEDULE_GROUP_UNAVAILABLE' },
    });
  });

  it.each([
    ['GENESYS_NOT_FOUND', 404, 'SCHEDULE_GROUP_NOT_FOUND', 'Genesys has no schedule'],
    ['GENESYS_FORBIDDEN', 403, 'SCHEDULE_GROUP_FORBIDDEN', 'Genesys said 403'],
  ] as const)(
    'drops the hours on %s: the rule stops counting and says why',
    async (genesysCode, status, code, why) => {
      const rules = loaded();
      schedules.track(rules.config);
      await schedules.idle();
      reader.failure = genesysError(genesysCode, status);
      await schedules.refresh();
      const rule = ruleOf(schedules.inForce(rules));
      expect(rule.schedule).toBeUndefined();
      expect(rule.scheduleUnavailable).toContain(
        `schedule support (Genesys schedule group ${GROUP})`,
      );
      expect(rule.scheduleUnavailable).toContain(why);
      expect(changes).toBe(2); // read, then dropped: both re-plan
      expect(schedules.report()).toMatchObject({
        status: 'degraded',
        schedules: { support: { status: 'failed', error: { code } } },
      });
    },
  );

  it('never read: a failure leaves the rule not counting, with the reason', async () => {
    reader.failure = genesysError('GENESYS_FORBIDDEN', 403);
    const rules = loaded();
    schedules.track(rules.config);
    await schedules.idle();
    expect(ruleOf(schedules.inForce(rules)).scheduleUnavailable).toContain('Genesys said 403');
    expect(changes).toBe(0);
  });

  it('forgets a schedule the reloaded rules no longer take from Genesys, and reads nothing then', async () => {
    schedules.track(loaded().config);
    await schedules.idle();
    const reads = reader.reads;
    const written = loaded(
      RULES.replace(
        `{ genesysScheduleGroupId: ${GROUP} }`,
        '{ timeZone: UTC, weekly: { mon: ["09:00-10:00"] } }',
      ),
    );
    schedules.track(written.config);
    await schedules.idle();
    expect(reader.reads).toBe(reads);
    expect(schedules.report()).toEqual({ status: 'none', schedules: {} });
    expect(schedules.inForce(written)).toBe(written);
  });
});

function fail(message: string): never {
  throw new Error(message);
}

import { coerceError } from '../errors';
import type { Logger } from '../observability/logger-interface';
import type { Clock } from '../timers/clock';
import { ScheduleGroupError, type ScheduleGroupErrorCode } from './errors';
import { loadScheduleGroup, type ScheduleGroupReader } from './load-schedule-group';
import { deepFreeze, type LoadedRules } from './parse-rules';
import type { InactivityRule, Rule, RulesConfig } from './rules-schema';
import type { Schedule } from './schedule';
import { isGenesysScheduleRef } from './schedule-schema';

/**
 * The schedules a rules file takes from Genesys (`schedules.<name>.genesysScheduleGroupId`),
 * read through the one Genesys client when the rules are loaded or reloaded, then every
 * `refreshMs` (`CLOSER_SCHEDULE_GROUP_REFRESH`, default 15 minutes), and put in force in the
 * rules (`inForce`). Never a guessed schedule: until a group is read, and while it cannot be (not
 * found, a permission missing, not interpretable), the rules counting during it do not count
 * silence, and `report()` (the `/readyz` body's `schedules`) and the log say which schedule and
 * why. A schedule that was read stays in force through a failure that may pass (network, 5xx,
 * rate limit): the hours it had are still Genesys's last word. The periodic timer is a real one:
 * it paces I/O, not domain time.
 */

/** Default `CLOSER_SCHEDULE_GROUP_REFRESH`: 15 minutes. */
export const SCHEDULE_GROUP_REFRESH_MS = 15 * 60_000;
/** How soon a schedule that could not be read is tried again (ms; at most the refresh): 1 minute. */
export const SCHEDULE_GROUP_RETRY_MS = 60_000;

/** Options of {@link GenesysSchedules}. */
export interface GenesysSchedulesOptions {
  /** The Genesys reads (`orgReader(client)`). */
  reader: ScheduleGroupReader;
  /** Source of `loadedAt` / `since`. */
  clock: Clock;
  logger: Logger;
  /** Default {@link SCHEDULE_GROUP_REFRESH_MS}. */
  refreshMs?: number;
  /** Default {@link SCHEDULE_GROUP_RETRY_MS}. */
  retryMs?: number;
  /** Called when what is in force changed (a schedule read, changed or dropped): re-plan timers. */
  onChange?: () => void;
}

/** One schedule taken from Genesys, as last read. */
export type GenesysScheduleState =
  | { status: 'loading' }
  | {
      status: 'loaded';
      schedule: Schedule;
      /** When it was last read successfully (epoch ms). */
      loadedAt: number;
      /** The last refresh failed in a way that may pass; the schedule read before stays. */
      lastError?: { code: ScheduleGroupErrorCode; message: string; at: number };
    }
  | {
      status: 'failed';
      error: { code: ScheduleGroupErrorCode; message: string };
      /** Since when it has failed (epoch ms). */
      since: number;
    };

/** `report()`: each schedule taken from Genesys, by its rules-file name. */
export interface GenesysSchedulesReport {
  /** `ok`: every one read; `degraded`: one is not (its rules do not count); `none`: none used. */
  status: 'ok' | 'degraded' | 'none';
  schedules: Record<
    string,
    {
      genesysScheduleGroupId: string;
      status: 'loading' | 'loaded' | 'failed';
      loadedAt?: string;
      error?: { code: string; message: string };
    }
  >;
}

interface Entry {
  groupId: string;
  state: GenesysScheduleState;
}

/** See the file comment. */
export class GenesysSchedules {
  private readonly entries = new Map<string, Entry>();
  private readonly refreshMs: number;
  private readonly retryMs: number;
  /** Bumped whenever `inForce` would answer differently. */
  private generation = 0;
  private cache: { source: LoadedRules; generation: number; resolved: LoadedRules } | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;

  constructor(private readonly options: GenesysSchedulesOptions) {
    this.refreshMs = options.refreshMs ?? SCHEDULE_GROUP_REFRESH_MS;
    this.retryMs = Math.min(options.retryMs ?? SCHEDULE_GROUP_RETRY_MS, this.refreshMs);
  }

  /**
   * Follows the schedules `config` takes from Genesys: a new or changed group id starts
   * `loading`, names no longer there are forgotten, and every one is read now (in the
   * background; `idle()` waits for it).
   */
  track(config: RulesConfig): void {
    const wanted = new Map<string, string>();
    for (const [name, spec] of Object.entries(config.schedules)) {
      if (isGenesysScheduleRef(spec)) {
        wanted.set(name, spec.genesysScheduleGroupId);
      }
    }
    let changed = false;
    for (const name of [...this.entries.keys()]) {
      if (!wanted.has(name)) {
        this.entries.delete(name);
        changed = true;
      }
    }
    for (const [name, groupId] of wanted) {
      if (this.entries.get(name)?.groupId !== groupId) {
        this.entries.set(name, { groupId, state: { status: 'loading' } });
        changed = true;
      }
    }
    if (changed) {
      this.generation += 1;
    }
    if (wanted.size > 0) {
      void this.refresh();
    }
  }

  /** Reads every followed group now (concurrent calls share the pass, and ask for one more). */
  refresh(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
      this.scheduleNext();
    });
    return this.running;
  }

  /** Resolves when no read is running. */
  async idle(): Promise<void> {
    while (this.running !== undefined) {
      await this.running;
    }
  }

  /** Reads now, then every `refreshMs` (every `retryMs` while one is not read) until `stop()`. */
  start(): void {
    this.started = true;
    this.scheduleNext();
  }

  stop(): void {
    this.stopped = true;
    this.started = false;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** The state of the schedule the rules file calls `name`, if it is taken from Genesys. */
  state(name: string): GenesysScheduleState | undefined {
    return this.entries.get(name)?.state;
  }

  /**
   * `loaded` with each schedule taken from Genesys in force: an inactivity rule counting during
   * one gets it as `schedule` once read, else `scheduleUnavailable` saying why (it does not count
   * silence then). The same object while nothing changed (cheap: call it per event).
   */
  inForce(loaded: LoadedRules): LoadedRules {
    if (this.entries.size === 0 && !usesGenesysSchedule(loaded.config)) {
      return loaded;
    }
    const cached = this.cache;
    if (cached?.source === loaded && cached.generation === this.generation) {
      return cached.resolved;
    }
    const resolved: LoadedRules = {
      ...loaded,
      config: deepFreeze({
        ...loaded.config,
        rules: loaded.config.rules.map((rule) => this.resolveRule(rule, loaded.config)),
      }),
    };
    this.cache = { source: loaded, generation: this.generation, resolved };
    return resolved;
  }

  /** Each schedule taken from Genesys and its state; `public` cuts messages to 300 characters. */
  report(detail: 'full' | 'public' = 'full'): GenesysSchedulesReport {
    const cut = (text: string): string => (detail === 'full' ? text : text.slice(0, 300));
    const schedules: GenesysSchedulesReport['schedules'] = {};
    let degraded = false;
    for (const [name, { groupId, state }] of this.entries) {
      degraded ||= state.status !== 'loaded';
      schedules[name] = {
        genesysScheduleGroupId: groupId,
        status: state.status,
        ...(state.status === 'loaded' ? { loadedAt: new Date(state.loadedAt).toISOString() } : {}),
        ...(state.status === 'failed'
          ? { error: { code: state.error.code, message: cut(state.error.message) } }
          : state.status === 'loaded' && state.lastError !== undefined
            ? { error: { code: state.lastError.code, message: cut(state.lastError.message) } }
            : {}),
      };
    }
    return {
      status: this.entries.size === 0 ? 'none' : degraded ? 'degraded' : 'ok',
      schedules,
    };
  }

  private resolveRule(rule: Rule, config: RulesConfig): Rule {
    const name = rule.kind === 'inactivity' ? rule.idle.during : undefined;
    if (rule.kind !== 'inactivity' || name === undefined) {
      return rule;
    }
    const spec = config.schedules[name];
    if (spec === undefined || !isGenesysScheduleRef(spec)) {
      return rule;
    }
    const { schedule: _previous, scheduleUnavailable: _why, ...bare } = rule;
    const entry = this.entries.get(name);
    const state = entry?.groupId === spec.genesysScheduleGroupId ? entry.state : undefined;
    if (state?.status === 'loaded') {
      return { ...bare, schedule: state.schedule } satisfies InactivityRule;
    }
    const why =
      state?.status === 'failed'
        ? state.error.message
        : `schedule ${name} (Genesys schedule group ${spec.genesysScheduleGroupId}) is not read from Genesys yet`;
    return { ...bare, scheduleUnavailable: why } satisfies InactivityRule;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      for (const [name, entry] of [...this.entries]) {
        if (this.stopped) {
          return;
        }
        await this.loadOne(name, entry);
      }
    } while (this.askedAgain() && !this.stopped);
  }

  /** Read through a call: `refresh()` sets it across the awaits of a pass. */
  private askedAgain(): boolean {
    return this.again;
  }

  private async loadOne(name: string, entry: Entry): Promise<void> {
    const { groupId } = entry;
    let outcome: Schedule | ScheduleGroupError;
    try {
      outcome = await loadScheduleGroup(this.options.reader, name, groupId);
    } catch (thrown: unknown) {
      const error = coerceError(thrown);
      outcome =
        error instanceof ScheduleGroupError
          ? error
          : new ScheduleGroupError(
              'SCHEDULE_GROUP_UNAVAILABLE',
              `schedule ${name} (Genesys schedule group ${groupId}) cannot be read now: ${error.message}`,
              { schedule: name, scheduleGroupId: groupId },
              { cause: error },
            );
    }
    // The rules may have moved on while Genesys answered.
    if (this.entries.get(name) !== entry || entry.groupId !== groupId) {
      return;
    }
    this.apply(name, entry, outcome);
  }

  private apply(name: string, entry: Entry, outcome: Schedule | ScheduleGroupError): void {
    const { logger, clock } = this.options;
    const previous = entry.state;
    const now = clock.now();
    if (!(outcome instanceof ScheduleGroupError)) {
      const same =
        previous.status === 'loaded' &&
        JSON.stringify(previous.schedule) === JSON.stringify(outcome);
      entry.state = {
        status: 'loaded',
        schedule: same ? previous.schedule : deepFreeze(outcome),
        loadedAt: now,
      };
      if (!same) {
        this.changed();
        logger.info(
          previous.status === 'loaded'
            ? `schedule ${name}: Genesys schedule group ${entry.groupId} changed; its new hours are in force`
            : `schedule ${name}: Genesys schedule group ${entry.groupId} read; its rules count silence during it`,
          { schedule: name, scheduleGroupId: entry.groupId },
        );
      } else if (previous.lastError !== undefined) {
        logger.info(`schedule ${name}: Genesys schedule group ${entry.groupId} read again`, {
          schedule: name,
          scheduleGroupId: entry.groupId,
        });
      }
      return;
    }
    const error = { code: outcome.code, message: outcome.message };
    const meta = { schedule: name, scheduleGroupId: entry.groupId, code: outcome.code };
    if (previous.status === 'loaded' && outcome.code === 'SCHEDULE_GROUP_UNAVAILABLE') {
      if (previous.lastError?.message !== error.message) {
        logger.warn(
          `${error.message}; the hours read at ${new Date(previous.loadedAt).toISOString()} stay in force`,
          meta,
        );
      }
      entry.state = { ...previous, lastError: { ...error, at: now } };
      return;
    }
    const same =
      previous.status === 'failed' &&
      previous.error.code === error.code &&
      previous.error.message === error.message;
    if (same) {
      return;
    }
    entry.state = {
      status: 'failed',
      error,
      since: previous.status === 'failed' ? previous.since : now,
    };
    logger.warn(
      `${error.message}; rules counting during it do not count silence until it is read`,
      meta,
    );
    this.generation += 1;
    if (previous.status === 'loaded') {
      this.options.onChange?.();
    }
  }

  private changed(): void {
    this.generation += 1;
    this.options.onChange?.();
  }

  private scheduleNext(): void {
    if (!this.started || this.stopped) {
      return;
    }
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    const waiting = [...this.entries.values()].some((e) => e.state.status !== 'loaded');
    // A plain timer: it paces I/O (Genesys reads), not domain time.
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.refresh();
      },
      waiting ? this.retryMs : this.refreshMs,
    );
    this.timer.unref();
  }
}

/** Whether `config` takes any schedule from Genesys. */
function usesGenesysSchedule(config: RulesConfig): boolean {
  return Object.values(config.schedules).some(isGenesysScheduleRef);
}

import { coerceError } from '../errors';
import type { Clock } from '../timers/clock';
import { systemClock } from '../timers/clock';
import type { Logger } from '../observability/logger';
import { silentLogger } from '../observability/logger';
import { createMetrics, type Metrics } from '../observability';
import type { Store, Outcome } from '../store/store';
import { TimerScheduler } from '../timers';
import { withinMs } from '../timers/within-ms';
import { GenesysSchedules, RulesWatcher, type LoadedRules } from '../rules';
import { checkGenesysAccess, GenesysHealth, orgReader, type GenesysClient } from '../genesys';
import {
  OutboxPublisher,
  rulesAuditEvent,
  toOutboxInput,
  type OutboxPublisherOptions,
} from '../publish';
import {
  Executor,
  InboxProcessor,
  Replanner,
  createOutcomeRecorder,
  type InboxDrainer,
} from '../automation';
import { ProcessingThread, type ProcessingReport } from './processing-thread';
import { accessProbesFor } from './access-probes';

/**
 * Inbox events the processor reads and marks processed per batch (its default is 200); kept small
 * as tuned in bench/ so processed marks are committed often under load.
 */
const INBOX_CHUNK = 20;

/** Default retention of processed inbox events (and so the dedupe window): 48 hours. */
export const DEFAULT_EVENT_RETENTION_MS = 48 * 60 * 60 * 1000;
/** How often pending inbox events are swept up even without new requests (ms). */
const INBOX_SWEEP_INTERVAL_MS = 5_000;
/** How long deliveries that matched no rule are kept for `GET /v1/deliveries/unmatched` (24 h). */
export const UNMATCHED_RETENTION_MS = 24 * 60 * 60 * 1000;
/** How often old processed inbox events are pruned (ms). */
const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

/** What the processing pipeline is made of. */
export interface PipelineOptions {
  store: Store;
  /** Path of the rules file (watched for changes unless `watchRules` is false). */
  rulesFile: string;
  genesys: GenesysClient;
  clock?: Clock;
  logger?: Logger;
  /**
   * The EventBridge bus of audit events. When set, every outcome's audit event is written to the
   * durable outbox in the outcome's own transaction and published from there (at least once);
   * unset, nothing is written to the outbox.
   */
  audit?: Omit<OutboxPublisherOptions, 'store' | 'clock' | 'logger' | 'observer'>;
  metrics?: Metrics;
  /** Watch the rules file and apply valid edits (default true). */
  watchRules?: boolean;
  /**
   * Run the inbox processor, the timer loop and housekeeping in the background (default true).
   * Tests with a ManualClock set false and call `settle()` to run both to completion.
   */
  background?: boolean;
  /**
   * Check Genesys (token and every permission closer needs) at start and then periodically, in
   * the background (default false: tests that count Genesys requests would see the probes).
   * `genesysHealth.check()` runs one check either way.
   */
  checkGenesys?: boolean;
  /** Called after every recorded outcome (the demo prints them). */
  onOutcome?: (outcome: Outcome) => void;
  /**
   * How long processed inbox events are kept, which is also the dedupe window for redeliveries
   * (ms, default 48 h: EventBridge retries a delivery for up to 24 h).
   */
  eventRetentionMs?: number;
  /**
   * How long claimed timers, inbox batches and audit batches stay this process's (ms, default
   * 60 s): with replicas on PostgreSQL, a dead one's claimed work is taken over after this.
   */
  claimLeaseMs?: number;
  /** Timer firings run at once (`CLOSER_FIRING_CONCURRENCY`; default 4, the scheduler's). */
  firingConcurrency?: number;
  /**
   * How often schedules taken from Genesys schedule groups are read again, in the background
   * (ms, default 15 minutes, `CLOSER_SCHEDULE_GROUP_REFRESH`). They are also read at start and on
   * every rules reload.
   */
  scheduleGroupRefreshMs?: number;
  /**
   * Process stored events on a worker thread with its own connection to this database (the URL
   * the store was opened with; `CLOSER_PROCESSING_THREAD`), so a second core plans while this
   * event loop answers intake and acts. Used only with `background`; the thread runs on the
   * system clock (tests with a ManualClock run without `background`, on this thread). Unset:
   * processed on this thread.
   */
  processingThread?: { databaseUrl: string; poolSize?: number };
}

/** The processing side of closer: rules, inbox, timers, actions, audit and Genesys health. */
export interface Pipeline {
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  rules: RulesWatcher;
  /** The schedules the rules take from Genesys schedule groups, as last read. */
  schedules: GenesysSchedules;
  /** The rules in force: the file's, with the schedules read from Genesys put in. */
  currentRules(): LoadedRules;
  executor: Executor;
  /** The Genesys client the pipeline acts through (shared: one token, one rate budget). */
  genesys: GenesysClient;
  /** Runs the inbox: on the processing thread, or on this event loop. */
  inbox: InboxDrainer;
  scheduler: TimerScheduler;
  /** The audit outbox publisher, when an audit bus is configured. */
  audit: OutboxPublisher | undefined;
  /** Closer's connection to Genesys as last checked (reported, never gating readiness). */
  genesysHealth: GenesysHealth;
  /** Where stored events are processed (`/readyz` `reports.processing`). */
  processing(): ProcessingReport;
  /** Processes stored events soon (after an accepted request), in the background. */
  drainSoon(): void;
  /** Processes every stored event, then fires every due timer (repeats until both are idle). */
  settle(): Promise<void>;
  /**
   * Stops loops and watchers; the store and Genesys client belong to the caller. With `waitMs` (a
   * shutdown's bound, real ms) it waits no longer: timers whose firing is still running then are
   * given back (they fire again at the next start, resuming what was done), on-demand endings are
   * deferred to their durable records (answered `ENDING_DEFERRED`), and inbox events not handled
   * yet stay stored. Without it, everything in flight is waited for (tests).
   */
  stop(waitMs?: number): Promise<void>;
}

/** Builds (and, with `background`, starts) the processing pipeline. No HTTP here. */
export function createPipeline(options: PipelineOptions): Pipeline {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const background = options.background ?? true;
  const metrics = options.metrics ?? createMetrics();
  const { store, genesys } = options;

  const audit =
    options.audit === undefined
      ? undefined
      : new OutboxPublisher({
          ...options.audit,
          ...(options.claimLeaseMs === undefined ? {} : { claimLeaseMs: options.claimLeaseMs }),
          store,
          clock,
          logger,
          observer: {
            published: (n) => {
              metrics.auditEvents.inc({ result: 'published' }, n);
            },
            retried: (n) => {
              metrics.auditEvents.inc({ result: 'retried' }, n);
            },
            dead: (n) => {
              metrics.auditEvents.inc({ result: 'dead' }, n);
            },
          },
        });
  /** Rules changes have no decision transaction: their audit events are appended when they happen. */
  const auditRules = (
    type: 'rules.reloaded' | 'rules.rejected',
    details: Record<string, unknown>,
  ): void => {
    if (audit === undefined) {
      return;
    }
    store.appendAudit([toOutboxInput(rulesAuditEvent(type, clock.now(), details))]).then(
      () => {
        audit.poke();
      },
      (error: unknown) => {
        logger.error('audit event of a rules change not written', {
          type,
          error: coerceError(error).message,
        });
      },
    );
  };
  const rules = new RulesWatcher({
    path: options.rulesFile,
    clock,
    logger,
    onChange: (loaded) => {
      metrics.rulesReloads.inc({ result: 'applied' });
      logger.info('rules applied', { version: loaded.version, hash: loaded.hash });
      auditRules('rules.reloaded', { version: loaded.version, hash: loaded.hash });
      // Schedule groups are read again (new ones for the first time) with every reload.
      schedules.track(loaded.config);
      // Quiet conversations get the new rules' timers now, not at their next event.
      rulesInForceChanged();
    },
    onRejected: (error) => {
      metrics.rulesReloads.inc({ result: 'rejected' });
      auditRules('rules.rejected', { problems: error.problems.slice(0, 20) });
    },
  });
  // Business hours taken from Genesys: read now and with every reload; when what is read changes
  // (first read, new hours, a group gone), quiet conversations are re-planned as after a reload.
  const schedules = new GenesysSchedules({
    reader: orgReader(genesys),
    clock,
    logger,
    ...(options.scheduleGroupRefreshMs === undefined
      ? {}
      : { refreshMs: options.scheduleGroupRefreshMs }),
    onChange: () => {
      rulesInForceChanged();
    },
  });
  const currentRules = (): LoadedRules => schedules.inForce(rules.current());

  const recorder = createOutcomeRecorder({
    store,
    logger,
    audit: audit !== undefined,
    onAudit: () => {
      audit?.poke();
    },
    ruleOf: (ruleId) => currentRules().config.rules.find((rule) => rule.id === ruleId),
    onRecorded: (outcome) => {
      countOutcome(outcome);
    },
  });
  /** A delivery no rule matched (planned here or on the processing thread). */
  function countUnmatched(source: string): void {
    metrics.unmatchedDeliveries.inc({ source });
  }
  /** Metrics and `onOutcome` of a recorded outcome (recorded here or on the processing thread). */
  function countOutcome(outcome: Outcome): void {
    metrics.outcomes.inc({ rule: outcome.ruleId, kind: outcome.kind });
    if (outcome.kind === 'terminated') {
      // The code only (a closed set): never the free-text eventReason.
      metrics.endings.inc({ rule: outcome.ruleId, reason: outcome.reasonCode ?? 'unknown' });
    }
    if (
      (outcome.kind === 'messaged' || outcome.kind === 'transferred') &&
      outcome.reasonCode === 'idle-agent'
    ) {
      metrics.agentIdle.inc({
        rule: outcome.ruleId,
        action: outcome.kind === 'messaged' ? 'message' : 'transfer',
      });
    }
    options.onOutcome?.(outcome);
  }

  const executor = new Executor({
    store,
    rules: currentRules,
    clock,
    logger,
    genesys,
    recorder,
    onMessageWithoutEnd: (ruleId) => {
      metrics.closingMessageWithoutEnd.inc({ rule: ruleId });
    },
    onUnmatched: countUnmatched,
    ...(options.claimLeaseMs === undefined ? {} : { onDemandRetryMs: options.claimLeaseMs }),
  });

  const scheduler = new TimerScheduler({
    store,
    clock,
    logger,
    ...(options.claimLeaseMs === undefined ? {} : { leaseMs: options.claimLeaseMs }),
    ...(options.firingConcurrency === undefined ? {} : { concurrency: options.firingConcurrency }),
    handle: (timer) => {
      metrics.timersFired.inc({ rule: timer.ruleId, phase: timer.phase });
      return executor.fireTimer(timer);
    },
    onGiveUp: (timer, reason) => executor.giveUp(timer, reason),
  });

  const inline = new InboxProcessor({
    store,
    clock,
    batchSize: INBOX_CHUNK,
    ...(options.claimLeaseMs === undefined ? {} : { leaseMs: options.claimLeaseMs }),
    handler: executor.events,
    logger,
    onTimersChanged: () => {
      if (background) {
        scheduler.poke();
      }
    },
  });

  const genesysHealth = new GenesysHealth({
    check: () => checkGenesysAccess(genesys, clock, accessProbesFor(currentRules().config)),
    clock,
    logger,
    onChange: (report) => {
      metrics.genesysUp.set(report.status === 'up' ? 1 : 0);
      for (const permission of report.permissions) {
        metrics.genesysPermissionHeld.set(
          { operation: permission.operation },
          permission.status === 'held' ? 1 : 0,
        );
      }
    },
  });

  const replanner = new Replanner({ store, planner: executor.events, logger });
  const thread =
    background && options.processingThread !== undefined
      ? new ProcessingThread({
          data: {
            databaseUrl: options.processingThread.databaseUrl,
            claimant: store.claimant,
            ...(options.processingThread.poolSize === undefined
              ? {}
              : { poolSize: options.processingThread.poolSize }),
            rules: currentRules(),
            batchSize: INBOX_CHUNK,
            ...(options.claimLeaseMs === undefined ? {} : { leaseMs: options.claimLeaseMs }),
            audit: audit !== undefined,
            debug: logger.isDebugEnabled(),
          },
          logger,
          on: {
            rulesApplied: () => {
              replanner.request();
            },
            timersChanged: () => {
              scheduler.poke();
            },
            recorded: countOutcome,
            auditWritten: () => {
              audit?.poke();
            },
            unmatched: countUnmatched,
          },
          fallback: inline,
          fallbackReplan: () => {
            replanner.request();
          },
        })
      : undefined;
  const inbox: InboxDrainer = thread ?? inline;
  /**
   * The rules in force changed: quiet conversations are re-planned (with the thread, once it
   * plans under them; re-plans stay here, under the conversation locks timer firings hold).
   */
  function rulesInForceChanged(): void {
    if (thread === undefined) {
      replanner.request();
    } else {
      thread.rulesChanged(currentRules());
    }
  }
  schedules.track(rules.current().config);

  const drainSoon = (): void => {
    inbox.drainInBackground((error) => {
      logger.error('inbox processing failed', { error: error.message });
    });
  };

  if (options.watchRules ?? true) {
    rules.start();
  }
  // Housekeeping (background only, real intervals: they pace I/O, not domain time): a periodic
  // drain picks up events whose processing failed transiently, and processed inbox events older
  // than the dedupe window are pruned so the inbox does not grow forever.
  const intervals: NodeJS.Timeout[] = [];
  // Replicas on PostgreSQL: a timer another replica armed due now is fired at once, not at the poll.
  const stopWake = background
    ? store.onTimersWake(() => {
        scheduler.poke();
      })
    : undefined;
  if (background) {
    audit?.start();
    schedules.start();
    scheduler.start();
    drainSoon();
    // The rules file may have changed while closer was down.
    replanner.request();
    intervals.push(setInterval(drainSoon, INBOX_SWEEP_INTERVAL_MS));
    intervals.push(
      setInterval(() => {
        const before = clock.now() - (options.eventRetentionMs ?? DEFAULT_EVENT_RETENTION_MS);
        store
          .pruneUnmatchedDeliveries(clock.now() - UNMATCHED_RETENTION_MS)
          .catch((error: unknown) => {
            logger.warn('pruning unmatched deliveries failed', {
              error: coerceError(error).message,
            });
          });
        store.pruneEvents(before).then(
          (pruned) => {
            if (pruned > 0) {
              logger.info('pruned processed inbox events', { pruned });
            }
          },
          (error: unknown) => {
            logger.warn('inbox pruning failed', { error: coerceError(error).message });
          },
        );
      }, PRUNE_INTERVAL_MS),
    );
    for (const interval of intervals) {
      interval.unref();
    }
  }
  if (background && options.checkGenesys === true) {
    genesysHealth.start();
  }

  return {
    store,
    clock,
    logger,
    metrics,
    rules,
    schedules,
    currentRules,
    executor,
    genesys,
    inbox,
    scheduler,
    audit,
    genesysHealth,
    drainSoon,
    processing: () => thread?.report() ?? { thread: 'off', processingOn: 'main thread' },
    async settle() {
      for (let round = 0; round < 20; round += 1) {
        await schedules.idle();
        await replanner.idle();
        const events = await inbox.drain();
        const fired = await scheduler.runDue();
        if (events === 0 && fired === 0) {
          return;
        }
      }
    },
    async stop(waitMs?: number) {
      for (const interval of intervals) {
        clearInterval(interval);
      }
      genesysHealth.stop();
      schedules.stop();
      rules.stop();
      stopWake?.();
      await replanner.stop();
      if (waitMs === undefined) {
        await scheduler.stop();
        await inbox.drain();
        await inbox.stop();
        await audit?.stop();
        await genesysHealth.idle();
        await schedules.idle();
        return;
      }
      const deadline = Date.now() + waitMs;
      const left = (): number => Math.max(0, deadline - Date.now());
      const [, deferred] = await Promise.all([
        scheduler.stop(left()),
        executor.inFlight.abandon(left()),
      ]);
      if (deferred > 0) {
        logger.warn('on-demand endings deferred to the next start by the shutdown bound', {
          deferred,
        });
      }
      // Events stored but not processed yet are handled at the next start if the bound comes first.
      await withinMs(inbox.drain(), left());
      await withinMs(inbox.stop(left()), left());
      await withinMs(audit?.stop() ?? Promise.resolve(), left());
      await withinMs(genesysHealth.idle(), left());
      await withinMs(schedules.idle(), left());
    },
  };
}

import express from 'express';
import { coerceError } from '../errors';
import type { Express } from 'express';
import type { Clock } from '../timers/clock';
import { systemClock } from '../timers/clock';
import type { Logger } from '../observability/logger';
import { silentLogger } from '../observability/logger';
import { createHealthRouter, createMetrics, metricsHandler, type Metrics } from '../observability';
import type { Store, Outcome } from '../store/store';
import { TimerScheduler } from '../timers';
import { RulesWatcher, type LoadedRules } from '../rules';
import type { GenesysClient } from '../genesys';
import { createIntakeRouter } from '../intake';
import {
  OutboxPublisher,
  rulesAuditEvent,
  toOutboxInput,
  type OutboxPublisherOptions,
} from '../publish';
import { Executor, InboxProcessor, createOutcomeRecorder } from '../automation';
import { bearerAuth, opsRoutes, terminateRoute, apiErrorHandler } from '../api';

/**
 * Inbox events the processor reads and marks processed per batch (its default is 200); kept small
 * as tuned in bench/ so processed marks are committed often under load.
 */
const INBOX_CHUNK = 20;

/** Default retention of processed inbox events (and so the dedupe window): 48 hours. */
export const DEFAULT_EVENT_RETENTION_MS = 48 * 60 * 60 * 1000;
/** How often pending inbox events are swept up even without new requests (ms). */
const INBOX_SWEEP_INTERVAL_MS = 5_000;
/** How often old processed inbox events are pruned (ms). */
const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

/** Everything closer is made of; tests build it with a temp SQLite file, the simulator and a ManualClock. */
export interface CloserOptions {
  store: Store;
  /** Path of the rules file (watched for changes unless `watchRules` is false). */
  rulesFile: string;
  genesys: GenesysClient;
  clock?: Clock;
  logger?: Logger;
  /** Bearer token of the ops and termination API; without one those endpoints answer 503. */
  apiToken?: string | undefined;
  /** Environment holding the source secrets named in the rules file (default process.env). */
  env?: NodeJS.ProcessEnv;
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
   * Run the inbox processor after each accepted request and the timer loop (default true). Tests
   * with a ManualClock set false and call `settle()` to run both to completion deterministically.
   */
  background?: boolean;
  /** Called after every recorded outcome (the demo prints them). */
  onOutcome?: (outcome: Outcome) => void;
  /**
   * How long processed inbox events are kept, which is also the dedupe window for redeliveries
   * (ms, default 48 h: EventBridge retries a delivery for up to 24 h).
   */
  eventRetentionMs?: number;
  /** Maximum intake body size in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * How long claimed timers, inbox batches and audit batches stay this process's (ms, default
   * 60 s): with replicas on PostgreSQL, a dead one's claimed work is taken over after this.
   */
  claimLeaseMs?: number;
}

export interface Closer {
  app: Express;
  store: Store;
  /** The audit outbox publisher, when an audit bus is configured. */
  audit: OutboxPublisher | undefined;
  rules: RulesWatcher;
  inbox: InboxProcessor;
  scheduler: TimerScheduler;
  metrics: Metrics;
  /** Processes every stored event, then fires every due timer (repeats until both are idle). */
  settle(): Promise<void>;
  /** Stops loops and watchers; the store and Genesys client belong to the caller. */
  stop(): Promise<void>;
}

/** Composition root: wires store, rules, intake, automation and API. No logic of its own. */
export function createCloser(options: CloserOptions): Closer {
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
    },
    onRejected: (error) => {
      metrics.rulesReloads.inc({ result: 'rejected' });
      auditRules('rules.rejected', { problems: error.problems.slice(0, 20) });
    },
  });
  const currentRules = (): LoadedRules => rules.current();

  const recorder = createOutcomeRecorder({
    store,
    logger,
    audit: audit !== undefined,
    onAudit: () => {
      audit?.poke();
    },
    onRecorded: (outcome: Outcome) => {
      metrics.outcomes.inc({ rule: outcome.ruleId, kind: outcome.kind });
      options.onOutcome?.(outcome);
    },
  });

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
  });

  const scheduler = new TimerScheduler({
    store,
    clock,
    logger,
    ...(options.claimLeaseMs === undefined ? {} : { leaseMs: options.claimLeaseMs }),
    handle: (timer) => {
      metrics.timersFired.inc({ rule: timer.ruleId, phase: timer.phase });
      return executor.fireTimer(timer);
    },
    onGiveUp: (timer, reason) => executor.giveUp(timer, reason),
  });

  const inbox = new InboxProcessor({
    store,
    clock,
    batchSize: INBOX_CHUNK,
    ...(options.claimLeaseMs === undefined ? {} : { leaseMs: options.claimLeaseMs }),
    executor,
    logger,
    onTimersChanged: () => {
      if (background) {
        scheduler.poke();
      }
    },
  });

  const drainSoon = (): void => {
    inbox.drain().catch((error: unknown) => {
      logger.error('inbox processing failed', {
        error: error instanceof Error ? error.message : String(error),
      });
    });
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // Intake parses its own raw bodies (signatures are computed on the raw bytes): mount it before JSON.
  // First, too: it is the hot path, so its requests do not walk the health and metrics routes.
  app.use(
    createIntakeRouter({
      store,
      sources: () => rules.current().config.sources,
      env: options.env ?? process.env,
      clock,
      logger,
      ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
      onAccepted: (count) => {
        metrics.intakeEvents.inc({ source: 'all', result: 'accepted' }, count);
        if (background) {
          drainSoon();
        }
      },
    }),
  );
  app.use(
    createHealthRouter({
      // Reported, never gating readiness: intake must keep storing events while EventBridge is down.
      ...(audit === undefined
        ? {}
        : { reports: { audit: () => auditReport(store, audit, clock, 'public') } }),
      checks: {
        store: () => store.ping(),
        rules: () => {
          rules.current();
          return Promise.resolve();
        },
      },
    }),
  );
  const serveMetrics = metricsHandler(metrics);
  app.get('/metrics', async (req, res, next) => {
    // Gauges read from the database at scrape time (an index count; scrapes are infrequent).
    try {
      metrics.timersArmed.set(await store.countTimers());
      if (audit !== undefined) {
        const stats = await store.auditOutboxStats();
        metrics.auditOutboxDepth.set(stats.pending);
        metrics.auditOutboxDead.set(stats.dead);
        metrics.auditOutboxOldestAge.set(
          stats.oldestPendingAt === undefined
            ? 0
            : Math.max(0, (clock.now() - stats.oldestPendingAt) / 1000),
        );
      }
    } catch {
      // The store being down shows in /readyz; the scrape still answers.
    }
    serveMetrics(req, res, next);
  });
  const api = express.Router();
  api.use(bearerAuth(() => options.apiToken));
  api.use(express.json({ limit: '256kb' }));
  api.use(
    express.text({
      type: ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/plain'],
      limit: '256kb',
    }),
  );
  api.use(terminateRoute({ executor }));
  api.use(
    opsRoutes({
      store,
      rules: currentRules,
      ...(audit === undefined ? {} : { audit: () => auditReport(store, audit, clock) }),
    }),
  );
  app.use('/v1', api);
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such endpoint' } });
  });
  app.use(apiErrorHandler(logger));

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
    scheduler.start();
    drainSoon();
    intervals.push(setInterval(drainSoon, INBOX_SWEEP_INTERVAL_MS));
    intervals.push(
      setInterval(() => {
        const before = clock.now() - (options.eventRetentionMs ?? DEFAULT_EVENT_RETENTION_MS);
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

  return {
    app,
    store,
    audit,
    rules,
    inbox,
    scheduler,
    metrics,
    async settle() {
      for (let round = 0; round < 20; round += 1) {
        const events = await inbox.drain();
        const fired = await scheduler.runDue();
        if (events === 0 && fired === 0) {
          return;
        }
      }
    },
    async stop() {
      for (const interval of intervals) {
        clearInterval(interval);
      }
      rules.stop();
      stopWake?.();
      await scheduler.stop();
      await inbox.drain();
      await audit?.stop();
    },
  };
}

/**
 * The audit outbox at a glance: for the ops API (`full`) and the unauthenticated health body
 * (`public`: when the last error happened, not its text, which can name AWS accounts and roles).
 */
async function auditReport(
  store: Store,
  audit: OutboxPublisher,
  clock: Clock,
  detail: 'full' | 'public' = 'full',
): Promise<Record<string, unknown>> {
  const stats = await store.auditOutboxStats();
  const status = audit.status();
  return {
    pending: stats.pending,
    dead: stats.dead,
    oldestPendingAgeSeconds:
      stats.oldestPendingAt === undefined
        ? 0
        : Math.max(0, Math.round((clock.now() - stats.oldestPendingAt) / 1000)),
    lastPublishedAt:
      status.lastPublishedAt === undefined ? null : new Date(status.lastPublishedAt).toISOString(),
    lastError:
      status.lastError === undefined
        ? null
        : {
            ...(detail === 'full' ? { message: status.lastError.message } : {}),
            at: new Date(status.lastError.at).toISOString(),
          },
  };
}

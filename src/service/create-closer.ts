import type { Express } from 'express';
import type { Metrics } from '../observability';
import type { Store } from '../store/store';
import type { TimerScheduler } from '../timers';
import type { GenesysSchedules, RulesWatcher } from '../rules';
import type { GenesysHealth } from '../genesys';
import type { InboxDrainer } from '../automation';
import type { OutboxPublisher } from '../publish';
import { createPipeline, type PipelineOptions } from './pipeline';
import { createHttpApp, createMetricsApp, type HttpAppOptions } from './http-app';

export { DEFAULT_EVENT_RETENTION_MS } from './pipeline';

/** Everything closer is made of; tests build it with a temp SQLite file, the simulator and a ManualClock. */
export interface CloserOptions extends PipelineOptions, Omit<HttpAppOptions, 'background'> {}

export interface Closer {
  app: Express;
  /**
   * An app serving `GET /metrics` alone, for a listener of its own (`CLOSER_METRICS_PORT`; build
   * the main app with `serveMetrics: false` then).
   */
  metricsApp(): Express;
  store: Store;
  /** The audit outbox publisher, when an audit bus is configured. */
  audit: OutboxPublisher | undefined;
  rules: RulesWatcher;
  /** Schedules taken from Genesys schedule groups (`/readyz` reports them; `refresh()` reads now). */
  schedules: GenesysSchedules;
  inbox: InboxDrainer;
  scheduler: TimerScheduler;
  metrics: Metrics;
  /** closer's connection to Genesys as last checked (`/readyz` reports it, `/v1/genesys`). */
  genesysHealth: GenesysHealth;
  /** Processes every stored event, then fires every due timer (repeats until both are idle). */
  settle(): Promise<void>;
  /**
   * Stops loops and watchers; the store and Genesys client belong to the caller. `waitMs`: a
   * shutdown's bound for work in flight (see `Pipeline.stop`); unset, everything is waited for.
   */
  stop(waitMs?: number): Promise<void>;
}

/**
 * Composition root: the processing pipeline (`pipeline.ts`) and its HTTP surface
 * (`http-app.ts`). The process around it (listening, signals, simulator profile) is
 * `run-service.ts`.
 */
export function createCloser(options: CloserOptions): Closer {
  const pipeline = createPipeline(options);
  const app = createHttpApp(pipeline, {
    apiToken: options.apiToken,
    background: options.background ?? true,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    ...(options.metricsToken === undefined ? {} : { metricsToken: options.metricsToken }),
    ...(options.serveMetrics === undefined ? {} : { serveMetrics: options.serveMetrics }),
  });
  return {
    app,
    metricsApp: () =>
      createMetricsApp(
        pipeline,
        options.metricsToken === undefined ? {} : { metricsToken: options.metricsToken },
      ),
    store: pipeline.store,
    audit: pipeline.audit,
    rules: pipeline.rules,
    schedules: pipeline.schedules,
    inbox: pipeline.inbox,
    scheduler: pipeline.scheduler,
    metrics: pipeline.metrics,
    genesysHealth: pipeline.genesysHealth,
    settle: () => pipeline.settle(),
    stop: (waitMs) => pipeline.stop(waitMs),
  };
}

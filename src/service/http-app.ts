import express from 'express';
import type { Express, RequestHandler, Router } from 'express';
import type { Clock } from '../timers/clock';
import { createHealthRouter, metricsHandler } from '../observability';
import type { Store } from '../store/store';
import { createIntakeRouter } from '../intake';
import type { OutboxPublisher } from '../publish';
import {
  ApiError,
  bearerAuth,
  diagnoseRoutes,
  opsRoutes,
  terminateRoute,
  genesysRoute,
} from '../api';
import { API_SURFACE, errorHandler } from '../http';
import type { Pipeline } from './pipeline';

/** HTTP settings of {@link createHttpApp}. */
export interface HttpAppOptions {
  /** Bearer token of the ops and termination API; without one those endpoints answer 503. */
  apiToken?: string | undefined;
  /** Environment holding the source secrets named in the rules file (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Maximum intake body size in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Process accepted events in the background (default true; tests call `settle()`). */
  background?: boolean;
  /** Bearer token `/metrics` requires (`CLOSER_METRICS_TOKEN`); unset, `/metrics` is open. */
  metricsToken?: string | undefined;
  /**
   * Serve `/metrics` here (default true). False when it has a listener of its own
   * (`CLOSER_METRICS_PORT`, {@link createMetricsApp}): this app then answers it 404.
   */
  serveMetrics?: boolean;
}

/**
 * Headers on every closer answer: nothing closer answers (outcomes, conversation state, errors,
 * metrics) may be kept by a cache or proxy, and no browser may sniff a JSON body into something
 * it runs. Since nothing is cached, conditional request headers are dropped: Express would
 * otherwise answer `If-None-Match: *` (or a future `If-Modified-Since`) with an empty 304.
 */
function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    delete req.headers['if-none-match'];
    delete req.headers['if-modified-since'];
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  };
}

/**
 * `GET /metrics`: the Prometheus text, with the gauges read from the database at scrape time;
 * behind `Authorization: Bearer <CLOSER_METRICS_TOKEN>` when one is set.
 */
function metricsRouter(pipeline: Pipeline, token: string | undefined): Router {
  const { store, clock, metrics, audit } = pipeline;
  const router = express.Router();
  const render = metricsHandler(metrics);
  router.get(
    '/metrics',
    ...(token === undefined ? [] : [bearerAuth(() => token, 'CLOSER_METRICS_TOKEN')]),
    async (req, res, next) => {
      // Gauges read from the database at scrape time (index counts; scrapes are infrequent).
      try {
        metrics.timersArmed.set(await store.countTimers());
        metrics.inboxPending.set(await store.countPendingEvents());
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
      render(req, res, next);
    },
  );
  return router;
}

/**
 * The metrics listener's app (`CLOSER_METRICS_PORT`): `GET /metrics` only, with the same headers,
 * token and error answers as the main app.
 */
export function createMetricsApp(
  pipeline: Pipeline,
  options: { metricsToken?: string | undefined } = {},
): Express {
  const app = express();
  app.disable('x-powered-by');
  // Every answer is `Cache-Control: no-store`: an ETag would only invite conditional requests.
  app.disable('etag');
  app.set('trust proxy', false);
  app.use(securityHeaders());
  app.use(metricsRouter(pipeline, options.metricsToken));
  app.use((_req, _res, next) => {
    next(new ApiError('NOT_FOUND', 'no such endpoint'));
  });
  app.use(errorHandler({ logger: pipeline.logger, surface: API_SURFACE, label: 'metrics' }));
  return app;
}

/**
 * closer's HTTP surface over a pipeline: intake (EventBridge, webhooks), health, metrics and the
 * `/v1` API. Routes only; what they do lives in the pipeline and the domains.
 */
export function createHttpApp(pipeline: Pipeline, options: HttpAppOptions = {}): Express {
  const { store, clock, logger, metrics, audit } = pipeline;
  const background = options.background ?? true;
  const app = express();
  app.disable('x-powered-by');
  // Every answer is `Cache-Control: no-store`: an ETag would only invite conditional requests.
  app.disable('etag');
  app.set('trust proxy', false);
  app.use(securityHeaders());
  // Intake parses its own raw bodies (signatures are computed on the raw bytes): mount it before JSON.
  // First, too: it is the hot path, so its requests do not walk the health and metrics routes.
  app.use(
    createIntakeRouter({
      store,
      sources: () => pipeline.currentRules().config.sources,
      env: options.env ?? process.env,
      clock,
      logger,
      ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
      onHandled: (source, seconds) => {
        metrics.intakeRequestDuration.observe({ source }, seconds);
      },
      onAccepted: (count) => {
        metrics.intakeEvents.inc({ source: 'all', result: 'accepted' }, count);
        if (background) {
          pipeline.drainSoon();
        }
      },
    }),
  );
  app.use(
    createHealthRouter({
      // Reported, never gating readiness: intake must keep storing events while EventBridge or
      // Genesys is down (senders would otherwise retry, or disable the webhook).
      reports: {
        genesys: () => Promise.resolve({ ...pipeline.genesysHealth.report('public') }),
        // Schedules taken from Genesys: which are read, and why one is not (its rules do not count).
        schedules: () => Promise.resolve({ ...pipeline.schedules.report('public') }),
        // Where stored events are processed: the thread, or the main thread after it failed.
        processing: () => Promise.resolve({ ...pipeline.processing() }),
        ...(audit === undefined ? {} : { audit: () => auditReport(store, audit, clock, 'public') }),
      },
      checks: {
        store: () => store.ping(),
        rules: () => {
          pipeline.currentRules();
          return Promise.resolve();
        },
      },
    }),
  );
  if (options.serveMetrics ?? true) {
    app.use(metricsRouter(pipeline, options.metricsToken));
  }
  const api = express.Router();
  api.use(bearerAuth(() => options.apiToken));
  api.use(express.json({ limit: '256kb' }));
  api.use(
    express.text({
      type: ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/plain'],
      limit: '256kb',
    }),
  );
  api.use(terminateRoute({ executor: pipeline.executor }));
  api.use(genesysRoute({ health: pipeline.genesysHealth }));
  api.use(
    diagnoseRoutes({
      store,
      rules: () => pipeline.currentRules(),
      genesys: pipeline.genesys,
      clock,
    }),
  );
  api.use(
    opsRoutes({
      store,
      rules: () => pipeline.currentRules(),
      ...(audit === undefined ? {} : { audit: () => auditReport(store, audit, clock) }),
    }),
  );
  app.use('/v1', api);
  app.use((_req, _res, next) => {
    next(new ApiError('NOT_FOUND', 'no such endpoint'));
  });
  app.use(errorHandler({ logger, surface: API_SURFACE, label: 'api' }));
  return app;
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

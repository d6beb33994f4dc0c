import { z } from 'zod';
import { MAX_TOPICS_PER_CHANNEL, type GenesysSettings } from '../genesys';
import { durationSetting, optionalText, optionalUrl, wholeNumberSetting } from './env-values';
import { genesysEnvShape, genesysSettingsFrom, requireGenesysSettings } from './genesys-settings';
import { SettingsError } from './settings-error';

export { SettingsError } from './settings-error';
import { DEFAULT_POOL_SIZE } from '../store';
import { SCHEDULE_GROUP_REFRESH_MS } from '../rules/genesys-schedules';

/**
 * Service settings, read once from the environment at start-up and validated here. This schema is
 * the single source of the settings type and of their defaults; README's configuration table
 * mirrors it.
 */

/** Default SQLite database file, relative to the working directory. */
export const DEFAULT_DATABASE_URL = 'sqlite:data/closer.db';
/** Default rules file, relative to the working directory. */
export const DEFAULT_RULES_FILE = 'config/rules.yaml';
/** Rules used when closer runs against its built-in simulator and no rules file is named. */
export const DEMO_RULES_FILE = 'config/demo.rules.yaml';
/** Default HTTP port. */
export const DEFAULT_PORT = 8080;

/** A Genesys queue id: a UUID such as `6e4b3c1a-0f2d-4c7e-9a51-2b8d7f3e9c10`. */
const QUEUE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `CLOSER_NOTIFICATION_QUEUES`: comma-separated queue ids (one notification topic each, at most
 * {@link MAX_TOPICS_PER_CHANNEL} on the one channel closer opens). One issue per bad item;
 * duplicates are dropped. Unset or empty = `[]` (no WebSocket intake).
 */
const notificationQueues = optionalText
  .transform((value) => (value === undefined ? [] : value.split(',').map((id) => id.trim())))
  .superRefine((ids, ctx) => {
    ids.forEach((id, index) => {
      if (id === '') {
        ctx.addIssue({
          code: 'custom',
          message: `item ${index + 1} is empty (remove the extra comma)`,
        });
      } else if (!QUEUE_ID_PATTERN.test(id)) {
        ctx.addIssue({
          code: 'custom',
          // A queue id is not secret: naming it makes the problem findable.
          message: `item ${index + 1} ("${id.slice(0, 60)}") is not a queue id; use the queue's UUID (Admin > Queues, or GET /api/v2/routing/queues), not its name`,
        });
      }
    });
    const unique = new Set(ids);
    if (unique.size > MAX_TOPICS_PER_CHANNEL) {
      ctx.addIssue({
        code: 'custom',
        message: `${unique.size} queues given; one notification channel carries at most ${MAX_TOPICS_PER_CHANNEL} topics`,
      });
    }
  })
  .transform((ids) => [...new Set(ids)]);

/** Default `GENESYS_REQUESTS_PER_SECOND`: the Genesys client's default rate. */
export const DEFAULT_GENESYS_REQUESTS_PER_SECOND = 25;

/** Default `CLOSER_FIRING_CONCURRENCY`. */
export const DEFAULT_FIRING_CONCURRENCY = 4;

/** Default `CLOSER_CLAIM_LEASE`: 60 seconds. */
export const DEFAULT_CLAIM_LEASE_MS = 60_000;

/** Default `CLOSER_SHUTDOWN_TIMEOUT`: 10 seconds. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** Default safety-net reconciliation interval of the WebSocket intake: 5 minutes. */
export const DEFAULT_RECONCILE_INTERVAL_MS = 5 * 60_000;

export const settingsSchema = z
  .object({
    ...genesysEnvShape,
    GENESYS_REQUESTS_PER_SECOND: optionalText
      .transform((value) =>
        value === undefined ? DEFAULT_GENESYS_REQUESTS_PER_SECOND : Number(value),
      )
      .refine(
        (value) => Number.isFinite(value) && value >= 0.1 && value <= 1000,
        'must be a number of requests per second from 0.1 to 1000',
      ),
    CLOSER_API_TOKEN: optionalText.refine(
      (value) => value === undefined || value.length >= 16,
      'must be at least 16 characters (use e.g. `openssl rand -hex 24`)',
    ),
    CLOSER_METRICS_TOKEN: optionalText.refine(
      (value) => value === undefined || value.length >= 16,
      'must be at least 16 characters (use e.g. `openssl rand -hex 24`)',
    ),
    CLOSER_METRICS_PORT: optionalText
      .transform((value) => (value === undefined ? undefined : Number(value)))
      .refine(
        (value) => value === undefined || (Number.isInteger(value) && value >= 0 && value <= 65535),
        'must be a port number from 0 to 65535',
      ),
    CLOSER_METRICS_HOST: optionalText,
    PORT: wholeNumberSetting({
      fallback: DEFAULT_PORT,
      min: 0,
      max: 65535,
      message: 'must be a port number from 0 to 65535',
    }),
    HOST: optionalText.transform((value) => value ?? '0.0.0.0'),
    CLOSER_DATABASE_URL: optionalText
      .transform((value) => value ?? DEFAULT_DATABASE_URL)
      .refine(
        (value) => /^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(value),
        'must start with sqlite: (e.g. sqlite:data/closer.db) or postgres://',
      ),
    CLOSER_DATABASE_POOL_SIZE: wholeNumberSetting({
      fallback: DEFAULT_POOL_SIZE,
      min: 1,
      max: 100,
      message: 'must be a whole number of connections from 1 to 100',
    }),
    CLOSER_FIRING_CONCURRENCY: wholeNumberSetting({
      fallback: DEFAULT_FIRING_CONCURRENCY,
      min: 1,
      max: 64,
      message: 'must be a whole number of timer firings at once from 1 to 64',
    }),
    CLOSER_PROCESSING_THREAD: optionalText
      .refine((value) => value === undefined || /^(on|off)$/i.test(value), 'must be on or off')
      .transform((value) => value?.toLowerCase() !== 'off'),
    // Below 5 s a slow Genesys answer would hand work over while it is still going; above an
    // hour a dead replica's work would wait too long.
    CLOSER_CLAIM_LEASE: durationSetting({
      fallback: DEFAULT_CLAIM_LEASE_MS,
      minMs: 5_000,
      maxMs: 60 * 60_000,
      message: 'must be a duration from 5s to 1h (e.g. 60s)',
    }),
    // Below 1 s nothing in flight could finish; above 10 minutes an orchestrator has long since
    // killed the process (Kubernetes waits 30 s by default).
    CLOSER_SHUTDOWN_TIMEOUT: durationSetting({
      fallback: DEFAULT_SHUTDOWN_TIMEOUT_MS,
      minMs: 1_000,
      maxMs: 10 * 60_000,
      message: 'must be a duration from 1s to 10m (e.g. 10s)',
    }),
    CLOSER_RULES_FILE: optionalText,
    CLOSER_LOG_LEVEL: z
      .enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'])
      .optional()
      .default('info'),
    CLOSER_AUDIT_EVENT_BUS: optionalText,
    CLOSER_AUDIT_ENDPOINT: optionalUrl,
    AWS_REGION: optionalText,
    CLOSER_SIMULATOR_PORT: wholeNumberSetting({
      fallback: 0,
      min: 0,
      max: 65535,
      message: 'must be a port number from 0 to 65535',
    }),
    CLOSER_NOTIFICATION_QUEUES: notificationQueues,
    // Bounded: below 10 s it would spend the request budget; above a day it is no safety net
    // (and setInterval cannot take more than ~24.8 days).
    CLOSER_NOTIFICATION_RECONCILE_INTERVAL: durationSetting({
      fallback: DEFAULT_RECONCILE_INTERVAL_MS,
      minMs: 10_000,
      maxMs: 24 * 60 * 60_000,
      message: 'must be a duration from 10s to 24h (e.g. 5m), or 0/off to disable',
      allowOff: true,
    }),
    // Below a minute it would spend the request budget on hours that change a few times a
    // year; above a day an edit in Genesys would wait too long (setInterval's bound too).
    CLOSER_SCHEDULE_GROUP_REFRESH: durationSetting({
      fallback: SCHEDULE_GROUP_REFRESH_MS,
      minMs: 60_000,
      maxMs: 24 * 60 * 60_000,
      message: 'must be a duration from 1m to 24h (e.g. 15m)',
    }),
  })
  .superRefine((env, ctx) => {
    const hasId = env.GENESYS_CLIENT_ID !== undefined;
    const hasSecret = env.GENESYS_CLIENT_SECRET !== undefined;
    if (hasId !== hasSecret) {
      ctx.addIssue({
        code: 'custom',
        path: [hasId ? 'GENESYS_CLIENT_SECRET' : 'GENESYS_CLIENT_ID'],
        message:
          'is required when the other Genesys credential is set (set both, or neither to use the built-in simulator)',
      });
    }
    if (env.CLOSER_METRICS_HOST !== undefined && env.CLOSER_METRICS_PORT === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['CLOSER_METRICS_HOST'],
        message:
          'is used only with CLOSER_METRICS_PORT (the metrics listener); set both, or neither',
      });
    }
    if (
      env.CLOSER_METRICS_PORT !== undefined &&
      env.CLOSER_METRICS_PORT !== 0 &&
      env.CLOSER_METRICS_PORT === env.PORT
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['CLOSER_METRICS_PORT'],
        message: 'must differ from PORT (unset it to serve /metrics on the main listener)',
      });
    }
    if (env.GENESYS_LOGIN_URL !== undefined && env.GENESYS_API_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['GENESYS_API_URL'],
        message: 'is required when GENESYS_LOGIN_URL is set',
      });
    }
  });

/** Validated settings; `genesys` is undefined when no credentials are set (simulator mode). */
export interface Settings {
  port: number;
  host: string;
  databaseUrl: string;
  /**
   * PostgreSQL only: connections of each replica's query pool (`CLOSER_DATABASE_POOL_SIZE`,
   * default 10). Conversation locks hold up to as many more, and wake-ups one; the processing
   * thread (`CLOSER_PROCESSING_THREAD`) opens pools of the same sizes of its own.
   */
  databasePoolSize: number;
  /**
   * How long a claimed timer, inbox batch or audit batch stays one replica's
   * (`CLOSER_CLAIM_LEASE`, ms, default 60 s): a replica that dies has its claimed work taken over
   * by the others after this. Keep it above the slowest timer firing.
   */
  claimLeaseMs: number;
  /**
   * Timer firings each process runs at once (`CLOSER_FIRING_CONCURRENCY`, 1–64, default 4). Each
   * firing waits on Genesys and, on PostgreSQL, on several database round trips: more at once
   * end more conversations per second when many fall due together, at the cost of each one's
   * requests queueing longer behind the others' in the shared request budget (a closing message
   * already sent waits longer for its disconnect).
   */
  firingConcurrency: number;
  /**
   * Process stored events into state and timers on a worker thread of their own
   * (`CLOSER_PROCESSING_THREAD`, `on`/`off`, default on), so a second core takes that work while
   * the main event loop answers intake and acts on Genesys. Off: one event loop does both.
   */
  processingThread: boolean;
  /**
   * The whole graceful shutdown after SIGTERM/SIGINT, exit included (`CLOSER_SHUTDOWN_TIMEOUT`, ms,
   * default 10 s): in-flight answers, timer firings and on-demand endings get until then; what
   * is still running is handed to the next start (timers given back, on-demand endings deferred
   * to their durable records), and closer exits 0. Keep it below the orchestrator's kill delay.
   */
  shutdownTimeoutMs: number;
  /** Explicit rules file, or undefined to use the default for the mode. */
  rulesFile: string | undefined;
  logLevel: string;
  apiToken: string | undefined;
  /**
   * `GET /metrics` and who may read it. `token` (`CLOSER_METRICS_TOKEN`): required as
   * `Authorization: Bearer`; unset, metrics are open. `port` (`CLOSER_METRICS_PORT`): served on a
   * listener of their own on `host` (`CLOSER_METRICS_HOST`, default `HOST`) and not on the main
   * one; unset, on the main listener.
   */
  metrics: { token: string | undefined; port: number | undefined; host: string | undefined };
  genesys: GenesysSettings | undefined;
  /**
   * The OAuth client's sustained Genesys request rate, requests per second
   * (`GENESYS_REQUESTS_PER_SECOND`, 0.1–1000, default 25), shared by every replica: each takes it
   * divided by the live replica count. A ceiling: when Genesys's `inin-ratelimit-allowed` /
   * `inin-ratelimit-reset` headers tell a lower rate, closer uses that; they never raise it
   * (their meaning is undocumented, docs/genesys/facts.md §6).
   */
  genesysRequestsPerSecond: number;
  audit: { eventBus: string; endpoint: string | undefined; region: string | undefined } | undefined;
  simulatorPort: number;
  /**
   * Queue ids whose conversations closer follows over the Genesys notification WebSocket
   * (`CLOSER_NOTIFICATION_QUEUES`); empty = no WebSocket intake. Used only with Genesys credentials.
   */
  notificationQueues: string[];
  /**
   * How often the WebSocket intake reconciles as a safety net, reading active conversations of
   * the followed queues that closer does not know (`CLOSER_NOTIFICATION_RECONCILE_INTERVAL`, ms,
   * default 5 minutes; 0 = only after gaps).
   */
  notificationReconcileIntervalMs: number;
  /**
   * How often schedules taken from Genesys schedule groups are read again
   * (`CLOSER_SCHEDULE_GROUP_REFRESH`, ms, 1 minute to 24 h, default 15 minutes); they are also
   * read at start and on every rules reload.
   */
  scheduleGroupRefreshMs: number;
}

/**
 * Reads and validates settings from an environment (default `process.env`).
 *
 * @throws SettingsError (`CONFIG_INVALID`) listing every problem.
 */
export function parseSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    // Values are never echoed: some of these variables are secrets.
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || '(environment)'}: ${issue.message}`,
    );
    throw new SettingsError(problems);
  }
  const e = parsed.data;
  // The schema checked that the credentials come in pairs: neither (simulator mode) or both.
  const genesys =
    e.GENESYS_CLIENT_ID === undefined ? undefined : requireGenesysSettings(genesysSettingsFrom(e));
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.CLOSER_DATABASE_URL,
    databasePoolSize: e.CLOSER_DATABASE_POOL_SIZE,
    claimLeaseMs: e.CLOSER_CLAIM_LEASE,
    firingConcurrency: e.CLOSER_FIRING_CONCURRENCY,
    processingThread: e.CLOSER_PROCESSING_THREAD,
    shutdownTimeoutMs: e.CLOSER_SHUTDOWN_TIMEOUT,
    rulesFile: e.CLOSER_RULES_FILE,
    logLevel: e.CLOSER_LOG_LEVEL,
    apiToken: e.CLOSER_API_TOKEN,
    metrics: {
      token: e.CLOSER_METRICS_TOKEN,
      port: e.CLOSER_METRICS_PORT,
      host: e.CLOSER_METRICS_HOST,
    },
    genesys,
    genesysRequestsPerSecond: e.GENESYS_REQUESTS_PER_SECOND,
    audit:
      e.CLOSER_AUDIT_EVENT_BUS === undefined
        ? undefined
        : {
            eventBus: e.CLOSER_AUDIT_EVENT_BUS,
            endpoint: e.CLOSER_AUDIT_ENDPOINT,
            region: e.AWS_REGION,
          },
    simulatorPort: e.CLOSER_SIMULATOR_PORT,
    notificationQueues: e.CLOSER_NOTIFICATION_QUEUES,
    notificationReconcileIntervalMs: e.CLOSER_NOTIFICATION_RECONCILE_INTERVAL,
    scheduleGroupRefreshMs: e.CLOSER_SCHEDULE_GROUP_REFRESH,
  };
}

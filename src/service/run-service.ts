import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { parseSettings, SettingsError } from '../config/settings';
import { createLogger, registerSecret, type Logger } from '../observability/logger';
import { openStore, redactUrl } from '../store';
import { ReplicaHeartbeat } from '../replicas';
import { systemClock } from '../timers/clock';
import type { Store } from '../store/store';
import { clientFromSettings } from '../genesys';
import { checkRulesFile } from '../rules';
import { CloserError, coerceError } from '../errors';
import { createMetrics } from '../observability';
import { createCloser, type Closer } from './create-closer';
import { genesysObserver } from './genesys-observer';
import { HttpDrain, listenHttp } from './http-server';
import { exitSoon, runShutdown, SHUTDOWN_GRACE_MS, waitForStopSignal } from './process-lifecycle';
import { withinMs } from '../timers/within-ms';
import { startQueueNotifications, type QueueNotifications } from './queue-notifications';
import { orgProfile, type ServiceProfile } from './service-profile';
import { simulatorProfile } from './simulator-profile';

export { SIMULATOR_DATABASE_URL } from './simulator-profile';

/** Exit codes of the service process (the CLI's table: 0 ok, 1 failure, 2 configuration). */
const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_CONFIG = 2;

/**
 * Part of the shutdown bound kept for what follows the waiting (answers flushed, the store
 * closed, the exit) — at most this, and at most a fifth of the bound (ms).
 */
const CLOSE_RESERVE_MS = 1_500;
/** How long abandoned work may keep the process after the shutdown steps (ms): none, but logs. */
const EXIT_AFTER_STEPS_MS = 50;
/** Shortest wait for the answers of deferred requests to go out before connections are cut (ms). */
const MIN_ANSWER_FLUSH_MS = 200;

/**
 * closer's main job: reads settings, picks the profile (your Genesys org, or the built-in
 * simulator and demo when no credentials are set), opens the store, starts the pipeline and the
 * HTTP server, and runs until SIGINT/SIGTERM (or the demo's end with CLOSER_DEMO_EXIT=1).
 * Resolves with the exit code: 2 for configuration problems found at start (settings, rules,
 * a database in use, a busy port), each told in one line on stderr.
 */
export async function runService(env: NodeJS.ProcessEnv): Promise<number> {
  let settings;
  try {
    settings = parseSettings(env);
  } catch (error: unknown) {
    if (error instanceof SettingsError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT_CONFIG;
    }
    throw error;
  }
  registerSecret(settings.apiToken);
  registerSecret(settings.genesys?.clientSecret);
  registerSecret(settings.metrics.token);
  const profile =
    settings.genesys === undefined
      ? await simulatorProfile(settings, env)
      : orgProfile({ ...settings, genesys: settings.genesys }, env);
  for (const secret of profile.secrets) {
    registerSecret(secret);
  }
  warn(profile);

  const logger = createLogger({ level: profile.logLevel });
  if (profile.name === 'org') {
    // In the log too, where whoever runs closer in production looks.
    for (const line of profile.warnings) {
      logger.warn(line);
    }
  }
  const rulesCheck = checkRulesFile(profile.rulesFile);
  if (!rulesCheck.ok) {
    process.stderr.write(
      `${profile.rulesFile}: invalid rules, closer does not start:\n${rulesCheck.problems.map((p) => `  ${p}`).join('\n')}\n`,
    );
    await profile.close();
    return EXIT_CONFIG;
  }

  let store: Store;
  try {
    store = await openStore(profile.databaseUrl, { logger, poolSize: settings.databasePoolSize });
  } catch (error: unknown) {
    await profile.close();
    if (error instanceof CloserError && error.code === 'STORE_LOCKED') {
      process.stderr.write(`closer: ${error.message}\n`);
      return EXIT_CONFIG;
    }
    throw error;
  }

  const metrics = createMetrics();
  // The client's observer feeds the health monitor, which is built with the pipeline after it.
  const late: { closer?: Closer } = {};
  const genesys = clientFromSettings(profile.genesys, {
    requestsPerSecond: settings.genesysRequestsPerSecond,
    logger,
    observer: genesysObserver(metrics, (status) => {
      late.closer?.genesysHealth.noteRequest(status);
    }),
  });
  // The request rate is the OAuth client's: replicas sharing the database divide it among them.
  const heartbeat = new ReplicaHeartbeat({
    store,
    clock: systemClock,
    logger,
    onCount: (replicas) => {
      genesys.shareRequestBudget(replicas);
    },
  });
  heartbeat.start();
  const running = createCloser({
    store,
    metrics,
    rulesFile: profile.rulesFile,
    genesys,
    logger,
    apiToken: profile.apiToken,
    metricsToken: settings.metrics.token,
    // With a metrics listener of its own, the main one does not serve /metrics.
    serveMetrics: settings.metrics.port === undefined,
    env: profile.env,
    checkGenesys: true,
    claimLeaseMs: settings.claimLeaseMs,
    firingConcurrency: settings.firingConcurrency,
    // A private in-memory database cannot be opened a second time: one thread does both.
    ...(settings.processingThread && !profile.databaseUrl.endsWith(':memory:')
      ? {
          processingThread: {
            databaseUrl: profile.databaseUrl,
            poolSize: settings.databasePoolSize,
          },
        }
      : {}),
    scheduleGroupRefreshMs: settings.scheduleGroupRefreshMs,
    ...(settings.audit === undefined
      ? {}
      : {
          audit: {
            busName: settings.audit.eventBus,
            ...(settings.audit.endpoint === undefined ? {} : { endpoint: settings.audit.endpoint }),
            ...(settings.audit.region === undefined ? {} : { region: settings.audit.region }),
          },
        }),
    ...(profile.onOutcome === undefined ? {} : { onOutcome: profile.onOutcome }),
  });
  late.closer = running;

  let server: Server | undefined;
  let metricsServer: Server | undefined;
  try {
    server = await listenHttp(running.app, settings.port, profile.host);
    if (settings.metrics.port !== undefined) {
      metricsServer = await listenHttp(
        running.metricsApp(),
        settings.metrics.port,
        settings.metrics.host ?? profile.host,
      );
    }
  } catch (error: unknown) {
    server?.close();
    process.stderr.write(`closer: ${coerceError(error).message}\n`);
    await stopAll(logger, settings.shutdownTimeoutMs, [
      ['pipeline', () => running.stop()],
      ['heartbeat', () => heartbeat.stop()],
      ['genesys', () => genesys.close()],
      ['store', () => store.close()],
      ['profile', () => profile.close()],
    ]);
    return EXIT_CONFIG;
  }
  const drain = new HttpDrain(server);
  const address = server.address() as AddressInfo;
  const closerUrl = `http://127.0.0.1:${address.port}`;
  logger.info('closer listening', {
    port: address.port,
    profile: profile.name,
    rulesFile: profile.rulesFile,
    database: redactUrl(profile.databaseUrl),
    metrics:
      metricsServer !== undefined
        ? 'own listener'
        : settings.metrics.token === undefined
          ? 'GET /metrics, open'
          : 'GET /metrics, bearer token',
  });
  if (metricsServer !== undefined) {
    logger.info('metrics listening', {
      port: (metricsServer.address() as AddressInfo).port,
      host: settings.metrics.host ?? profile.host,
      token: settings.metrics.token !== undefined,
    });
  }
  const metricsDrain = metricsServer === undefined ? undefined : new HttpDrain(metricsServer);

  // Second Genesys intake, for orgs without AWS/EventBridge: a notification WebSocket subscribed
  // to `v2.routing.queues.{id}.conversations.messages` of each CLOSER_NOTIFICATION_QUEUES queue.
  let notifications: QueueNotifications | undefined;
  if (profile.notificationQueues.length > 0) {
    notifications = startQueueNotifications({
      genesys,
      store,
      queueIds: profile.notificationQueues,
      reconcileIntervalMs: settings.notificationReconcileIntervalMs,
      metrics,
      logger,
      onAccepted: (count) => {
        metrics.intakeEvents.inc({ source: 'notifications', result: 'accepted' }, count);
        running.inbox.drain().catch((error: unknown) => {
          logger.error('inbox processing failed', { error: coerceError(error).message });
        });
      },
    });
  }

  const signal: { name?: NodeJS.Signals } = {};
  const stopped = waitForStopSignal().then((name) => {
    signal.name = name;
    return EXIT_OK;
  });
  const exitCode = await Promise.race([
    profile.afterListen(closerUrl).then((code) => code ?? stopped),
    stopped,
  ]);

  // One bound for the whole shutdown: waiting steps end `reserve` before it, so closing the store
  // and exiting fit in it too.
  const boundMs = settings.shutdownTimeoutMs;
  const startedAt = Date.now();
  const waitUntil = startedAt + boundMs - Math.min(CLOSE_RESERVE_MS, boundMs / 5);
  const left = (): number => Math.max(0, waitUntil - Date.now());
  logger.info('closer stopping', {
    ...(signal.name === undefined ? {} : { signal: signal.name }),
    shutdownTimeoutMs: boundMs,
  });
  const report: { drained?: boolean } = {};
  await stopAll(logger, boundMs, [
    ['notifications', () => notifications?.stop()],
    // No new connections; answers carry `Connection: close`; idle keep-alive connections end now.
    [
      'http',
      () => {
        drain.start();
        metricsDrain?.start();
      },
    ],
    // Timer firings and on-demand endings in flight get until the bound; the rest is handed to
    // the next start (timers given back, endings deferred and answered ENDING_DEFERRED).
    ['pipeline', () => running.stop(left())],
    [
      'http',
      async () => {
        const [main] = await Promise.all([
          drain.close(Math.max(left(), MIN_ANSWER_FLUSH_MS)),
          metricsDrain?.close(Math.max(left(), MIN_ANSWER_FLUSH_MS)),
        ]);
        report.drained = main;
      },
    ],
    ['heartbeat', () => heartbeat.stop()],
    // In-flight Genesys calls of deferred work are not waited for (their work is recorded).
    ['genesys', () => withinMs(genesys.close(), MIN_ANSWER_FLUSH_MS)],
    // A PostgreSQL pool waits for connections deferred work still holds: the exit ends those.
    ['store', () => withinMs(store.close(), Math.max(0, startedAt + boundMs - Date.now()))],
    ['profile', () => profile.close()],
  ]);
  logger.info('closer stopped', {
    tookMs: Date.now() - startedAt,
    connectionsCut: report.drained === false,
  });
  const code = exitCode === EXIT_OK || exitCode === EXIT_FAILURE ? exitCode : EXIT_FAILURE;
  // Deferred work may still hold a Genesys call open: everything it did or will do is recorded
  // for the next start, so it does not keep the process (nor go on acting) after the steps.
  exitSoon(code, EXIT_AFTER_STEPS_MS);
  return code;
}

function stopAll(
  logger: Logger,
  boundMs: number,
  steps: readonly (readonly [string, () => unknown])[],
): Promise<void> {
  return runShutdown(
    steps,
    (name, error) => {
      logger.error('shutdown error', { step: name, error: coerceError(error).message });
    },
    boundMs + SHUTDOWN_GRACE_MS,
  );
}

/** The profile's warnings, on stderr where a person starting closer sees them (framed: loud). */
function warn(profile: ServiceProfile): void {
  if (profile.warnings.length === 0) {
    return;
  }
  const lines = profile.warnings;
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const rule = '*'.repeat(width);
  process.stderr.write(
    `${rule}\n${lines.map((l) => `* ${l.padEnd(width - 4)} *`).join('\n')}\n${rule}\n`,
  );
}

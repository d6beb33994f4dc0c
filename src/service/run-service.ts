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
import { closeHttpServer, listenHttp } from './http-server';
import { runShutdown, waitForStopSignal } from './process-lifecycle';
import { startQueueNotifications, type QueueNotifications } from './queue-notifications';
import { orgProfile, type ServiceProfile } from './service-profile';
import { simulatorProfile } from './simulator-profile';

export { SHUTDOWN_TIMEOUT_MS } from './process-lifecycle';
export { SIMULATOR_DATABASE_URL } from './simulator-profile';

/** Exit codes of the service process (the CLI's table: 0 ok, 1 failure, 2 configuration). */
const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_CONFIG = 2;

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
    env: profile.env,
    checkGenesys: true,
    claimLeaseMs: settings.claimLeaseMs,
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

  let server: Server;
  try {
    server = await listenHttp(running.app, settings.port, profile.host);
  } catch (error: unknown) {
    process.stderr.write(`closer: ${coerceError(error).message}\n`);
    await stopAll(logger, [
      ['pipeline', () => running.stop()],
      ['heartbeat', () => heartbeat.stop()],
      ['genesys', () => genesys.close()],
      ['store', () => store.close()],
      ['profile', () => profile.close()],
    ]);
    return EXIT_CONFIG;
  }
  const address = server.address() as AddressInfo;
  const closerUrl = `http://127.0.0.1:${address.port}`;
  logger.info('closer listening', {
    port: address.port,
    profile: profile.name,
    rulesFile: profile.rulesFile,
    database: redactUrl(profile.databaseUrl),
  });

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

  const stopped = waitForStopSignal().then(() => EXIT_OK);
  const exitCode = await Promise.race([
    profile.afterListen(closerUrl).then((code) => code ?? stopped),
    stopped,
  ]);
  await stopAll(logger, [
    ['notifications', () => notifications?.stop()],
    ['http', () => closeHttpServer(server)],
    ['pipeline', () => running.stop()],
    ['heartbeat', () => heartbeat.stop()],
    ['genesys', () => genesys.close()],
    ['store', () => store.close()],
    ['profile', () => profile.close()],
  ]);
  return exitCode === EXIT_OK || exitCode === EXIT_FAILURE ? exitCode : EXIT_FAILURE;
}

function stopAll(
  logger: Logger,
  steps: readonly (readonly [string, () => Promise<void> | void])[],
): Promise<void> {
  return runShutdown(steps, (name, error) => {
    logger.error('shutdown error', { step: name, error: coerceError(error).message });
  });
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

import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import {
  parseSettings,
  SettingsError,
  DEFAULT_RULES_FILE,
  DEMO_RULES_FILE,
  DEFAULT_RECONCILE_INTERVAL_MS,
} from '../config/settings';
import { createLogger, registerSecret } from '../observability/logger';
import { openStore, redactUrl } from '../store';
import { GenesysClient, queueConversationsTopic } from '../genesys';
import {
  NotificationReconciler,
  NotificationSocket,
  type ReconcileReport,
  type ReconcileScope,
} from '../intake';
import type { Logger } from '../observability/logger';
import type { Store } from '../store/store';
import { systemClock, type Clock } from '../timers/clock';
import type { Outcome } from '../store/store';
import { checkRulesFile } from '../rules';
import { coerceError } from '../errors';
import { createMetrics, type Metrics } from '../observability';
import { ReplicaHeartbeat } from '../replicas';
import { createCloser } from './create-closer';
import { startSimulatorMode, type SimulatorMode } from './simulator-mode';
import { runDemoScenario } from './demo-scenario';

/** Database of simulator mode (recreated at each start; see runService). */
export const SIMULATOR_DATABASE_URL = 'sqlite:data/closer-simulator.db';

/** Longest a graceful shutdown may take before the process exits anyway (ms). */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/**
 * closer's main job: reads settings, opens the store, starts intake, rules, timers and the API.
 * With no Genesys credentials it starts the built-in simulator, says so loudly, feeds closer the
 * simulator's events and runs the demo scenario. Resolves with the exit code after SIGINT/SIGTERM
 * (or after the demo when CLOSER_DEMO_EXIT=1).
 */
export async function runService(env: NodeJS.ProcessEnv): Promise<number> {
  let settings;
  try {
    settings = parseSettings(env);
  } catch (error: unknown) {
    if (error instanceof SettingsError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const simulated = settings.genesys === undefined;
  // In the demo, closer's JSON log would drown the story the demo prints: warnings and errors only,
  // unless CLOSER_LOG_LEVEL says otherwise.
  const logger = createLogger({
    level: simulated && env.CLOSER_LOG_LEVEL === undefined ? 'warn' : settings.logLevel,
  });
  // The simulator forgets everything when it stops, so closer's state about its conversations is
  // meaningless on the next run: simulator mode uses its own database file, started afresh.
  const databaseUrl =
    simulated && env.CLOSER_DATABASE_URL === undefined
      ? SIMULATOR_DATABASE_URL
      : settings.databaseUrl;
  if (databaseUrl === SIMULATOR_DATABASE_URL) {
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(`${SIMULATOR_DATABASE_URL.slice('sqlite:'.length)}${suffix}`, { force: true });
    }
  }
  registerSecret(settings.apiToken);
  registerSecret(settings.genesys?.clientSecret);

  let simulatorMode: SimulatorMode | undefined;
  if (settings.genesys === undefined) {
    simulatorMode = await startSimulatorMode({
      env,
      port: settings.simulatorPort,
      apiToken: settings.apiToken,
    });
    registerSecret(simulatorMode.clientSecret);
    registerSecret(simulatorMode.apiToken);
    for (const key of ['CLOSER_EVENTBRIDGE_KEY', 'CRM_WEBHOOK_SECRET']) {
      registerSecret(simulatorMode.env[key]);
    }
    banner([
      'NO GENESYS CREDENTIALS SET: closer is running against its BUILT-IN SIMULATOR.',
      `Simulated Genesys Cloud: ${simulatorMode.simulator.url} (nothing leaves this machine).`,
      'To use your org, set GENESYS_REGION, GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET (see README).',
    ]);
  }
  const runEnv = simulatorMode?.env ?? env;
  const rulesFile =
    settings.rulesFile ?? (simulatorMode === undefined ? DEFAULT_RULES_FILE : DEMO_RULES_FILE);
  const rulesCheck = checkRulesFile(rulesFile);
  if (!rulesCheck.ok) {
    process.stderr.write(
      `${rulesFile}: invalid rules, closer does not start:\n${rulesCheck.problems.map((p) => `  ${p}`).join('\n')}\n`,
    );
    await simulatorMode?.simulator.close();
    return 2;
  }

  const store = await openStore(databaseUrl, { logger, poolSize: settings.databasePoolSize });
  const metrics = createMetrics();
  const observer = {
    attempt: (operation: string, status: string) => {
      metrics.genesysRequests.inc({ operation, status });
    },
    retry: (_operation: string, reason: string) => {
      metrics.genesysRetries.inc({ reason });
    },
  };
  const genesysSettings = settings.genesys;
  const genesys = new GenesysClient(
    genesysSettings === undefined
      ? {
          clientId: simulatorMode?.clientId ?? '',
          clientSecret: simulatorMode?.clientSecret ?? '',
          apiUrl: simulatorMode?.simulator.url ?? '',
          loginUrl: simulatorMode?.simulator.url ?? '',
          requestsPerSecond: settings.genesysRequestsPerSecond,
          logger,
          observer,
        }
      : {
          region: genesysSettings.region,
          clientId: genesysSettings.clientId,
          clientSecret: genesysSettings.clientSecret,
          ...(genesysSettings.apiUrl === undefined ? {} : { apiUrl: genesysSettings.apiUrl }),
          ...(genesysSettings.loginUrl === undefined ? {} : { loginUrl: genesysSettings.loginUrl }),
          requestsPerSecond: settings.genesysRequestsPerSecond,
          logger,
          observer,
        },
  );
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
  const seen: Outcome[] = [];
  const closer = createCloser({
    store,
    metrics,
    rulesFile,
    genesys,
    logger,
    apiToken: simulatorMode?.apiToken ?? settings.apiToken,
    env: runEnv,
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
    onOutcome: (outcome) => {
      seen.push(outcome);
      if (simulatorMode !== undefined) {
        say(`[closer] ${describeOutcome(outcome)}`);
      }
    },
  });

  let server: Server;
  try {
    server = await listen(
      closer.app,
      settings.port,
      simulatorMode === undefined ? settings.host : '127.0.0.1',
    );
  } catch (error: unknown) {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    process.stderr.write(
      inUse
        ? `closer: port ${settings.port} is in use; set PORT to another port (PORT=0 picks a free one)\n`
        : `closer: cannot listen on port ${settings.port}: ${coerceError(error).message}\n`,
    );
    await closer.stop();
    await heartbeat.stop();
    await genesys.close();
    await store.close();
    await simulatorMode?.simulator.close();
    return 2;
  }
  const address = server.address() as AddressInfo;
  const closerUrl = `http://127.0.0.1:${address.port}`;
  logger.info('closer listening', {
    port: address.port,
    rulesFile,
    database: redactUrl(databaseUrl),
  });

  // Second Genesys intake, for orgs without AWS/EventBridge: a notification WebSocket subscribed
  // to `v2.routing.queues.{id}.conversations.messages` of each CLOSER_NOTIFICATION_QUEUES queue.
  // Notifications are stored in the inbox (source `notifications`) like EventBridge events, then
  // processed. The socket reconnects (and re-creates an expired channel) by itself; notifications
  // sent while it is disconnected are lost. Simulator mode uses the simulator's EventBridge feed.
  let notifications: QueueNotifications | undefined;
  if (settings.notificationQueues.length > 0) {
    if (simulatorMode === undefined) {
      notifications = startQueueNotifications({
        genesys,
        store,
        queueIds: settings.notificationQueues,
        reconcileIntervalMs: settings.notificationReconcileIntervalMs,
        metrics,
        logger,
        onAccepted: (count) => {
          metrics.intakeEvents.inc({ source: 'notifications', result: 'accepted' }, count);
          closer.inbox.drain().catch((error: unknown) => {
            logger.error('inbox processing failed', { error: coerceError(error).message });
          });
        },
      });
    } else {
      logger.warn('CLOSER_NOTIFICATION_QUEUES is ignored in simulator mode (no credentials)');
    }
  }

  let exitAfterDemo = false;
  if (simulatorMode !== undefined) {
    simulatorMode.simulator.setEventTarget({
      url: `${closerUrl}/events/eventbridge`,
      headers: { 'x-api-key': simulatorMode.env.CLOSER_EVENTBRIDGE_KEY ?? '' },
    });
    say(`closer: ${closerUrl}  (rules: ${rulesFile}; database: ${redactUrl(databaseUrl)})`);
    if (simulatorMode.apiTokenFile !== undefined) {
      say(`API token for /v1 (generated): in ${simulatorMode.apiTokenFile}`);
      say(
        `  curl -H "Authorization: Bearer $(cat ${simulatorMode.apiTokenFile})" ${closerUrl}/v1/outcomes`,
      );
    }
    if (env.CLOSER_DEMO !== 'off') {
      const ok = await runDemoScenario({
        simulator: simulatorMode.simulator,
        closerUrl,
        crmSecret: simulatorMode.env.CRM_WEBHOOK_SECRET ?? '',
        outcomes: () => seen,
        say,
      });
      exitAfterDemo = env.CLOSER_DEMO_EXIT === '1';
      if (exitAfterDemo) {
        await shutdown();
        return ok ? 0 : 1;
      }
      say('closer keeps running against the simulator; Ctrl-C stops it.');
    }
  }

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await shutdown();
  return 0;

  async function shutdown(): Promise<void> {
    const timer = setTimeout(() => {
      process.stderr.write('closer: shutdown took too long, exiting\n');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    try {
      await notifications?.stop();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      server.closeAllConnections();
      await closer.stop();
      await heartbeat.stop();
      await genesys.close();
      await store.close();
      await simulatorMode?.simulator.close();
    } catch (error: unknown) {
      logger.error('shutdown error', { error: coerceError(error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Delay before a failed reconciliation is tried again (ms). */
const RECONCILE_RETRY_MS = 30_000;

/** Options of {@link startQueueNotifications}. */
export interface QueueNotificationsOptions {
  genesys: Pick<
    GenesysClient,
    | 'createNotificationChannel'
    | 'subscribeNotificationChannel'
    | 'queryActiveConversations'
    | 'getMessageConversation'
  >;
  store: Pick<Store, 'insertEvents' | 'getConversation'>;
  /** Queue ids (validated by settings); one topic each. */
  queueIds: readonly string[];
  /** Safety-net reconciliation interval in ms (0 = only after gaps). Default 5 minutes. */
  reconcileIntervalMs?: number;
  /** Time for `receivedAt` (default: system clock). */
  clock?: Clock;
  logger: Logger;
  metrics?: Pick<
    Metrics,
    | 'notificationReconnects'
    | 'notificationGapSeconds'
    | 'reconciledConversations'
    | 'reconcileRuns'
  >;
  /** Called with the number of newly stored notifications (process the inbox here). */
  onAccepted?: (count: number) => void;
  /** Called with what each reconciliation found (tests, logs). */
  onReconciled?: (report: ReconcileReport) => void;
}

/** The running WebSocket intake: the socket and its reconciler. */
export interface QueueNotifications {
  socket: NotificationSocket;
  reconciler: NotificationReconciler;
  stop(): Promise<void>;
}

/**
 * Starts a {@link NotificationSocket} on a new Genesys notification channel subscribed to the
 * queues' message-conversation topics, and a {@link NotificationReconciler} that runs after every
 * subscription (the start, each reconnect: notifications of a gap are lost) and every
 * `reconcileIntervalMs` as a safety net. Stop it with `stop()`.
 */
export function startQueueNotifications(options: QueueNotificationsOptions): QueueNotifications {
  const clock = options.clock ?? systemClock;
  const topics = options.queueIds.map(queueConversationsTopic);
  const reconciler = new NotificationReconciler({
    genesys: options.genesys,
    store: options.store,
    queueIds: options.queueIds,
    clock,
    logger: options.logger,
    ...(options.onAccepted === undefined ? {} : { onAccepted: options.onAccepted }),
    onReconciled: (report) => {
      options.metrics?.reconciledConversations.inc(report.read);
      options.metrics?.reconcileRuns.inc({ result: report.truncated ? 'truncated' : 'ok' });
      options.onReconciled?.(report);
    },
  });
  let retry: NodeJS.Timeout | undefined;
  const reconcile = (since: ReconcileScope): void => {
    reconciler.reconcile(since).catch((error: unknown) => {
      options.metrics?.reconcileRuns.inc({ result: 'failed' });
      options.logger.warn(
        'notification reconciliation failed; its gap stays owed and is retried in 30 s',
        { error: coerceError(error).message },
      );
      // A failed gap reconciliation is owed (the reconciler keeps its scope): retry it soon, not
      // only at the next interval (which may be off).
      retry ??= setTimeout(() => {
        retry = undefined;
        if (reconciler.owes()) {
          reconcile('unknown-only');
        }
      }, RECONCILE_RETRY_MS);
      retry.unref();
    });
  };
  const socket = new NotificationSocket({
    store: options.store,
    createChannel: () => options.genesys.createNotificationChannel(),
    subscribe: async (channelId, channelTopics) => {
      await options.genesys.subscribeNotificationChannel(channelId, channelTopics);
    },
    topics: () => topics,
    clock,
    logger: options.logger,
    ...(options.onAccepted === undefined ? {} : { onAccepted: options.onAccepted }),
    onSubscribed: ({ gapSince, reconnect }) => {
      if (reconnect) {
        options.metrics?.notificationReconnects.inc();
      }
      if (gapSince !== undefined) {
        options.metrics?.notificationGapSeconds.observe((clock.now() - gapSince) / 1000);
      }
      reconcile(gapSince);
    },
  });
  socket.start();
  const intervalMs = options.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS;
  // A plain timer: it paces I/O, not domain time.
  const interval =
    intervalMs > 0
      ? setInterval(() => {
          reconcile('unknown-only');
        }, intervalMs)
      : undefined;
  interval?.unref();
  options.logger.info('notification intake started', { queues: options.queueIds.length });
  return {
    socket,
    reconciler,
    async stop() {
      if (interval !== undefined) {
        clearInterval(interval);
      }
      if (retry !== undefined) {
        clearTimeout(retry);
      }
      await socket.stop();
      await reconciler.idle();
    },
  };
}

/**
 * Requests Node rejects before Express sees them (oversize headers, malformed HTTP) still get a
 * JSON error naming the problem, like every other bad input.
 */
function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const body = JSON.stringify({
      error: tooLarge
        ? { code: 'HTTP_HEADERS_TOO_LARGE', message: 'the request line or headers are too large' }
        : { code: 'HTTP_BAD_REQUEST', message: 'malformed HTTP request' },
    });
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

function listen(
  app: ReturnType<typeof createCloser>['app'],
  port: number,
  host: string,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => {
      resolve(server);
    });
    answerClientErrors(server);
    server.once('error', reject);
  });
}

function describeOutcome(outcome: Outcome): string {
  const what = `${outcome.kind.toUpperCase()} chat ${outcome.conversationId} (rule ${outcome.ruleId})`;
  const sent = outcome.details?.messageSent === true ? ', closing message sent first' : '';
  return outcome.kind === 'terminated' ? `${what}${sent}` : `${what}: ${outcome.reason ?? ''}`;
}

function banner(lines: string[]): void {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const rule = '*'.repeat(width);
  process.stderr.write(
    `${rule}\n${lines.map((l) => `* ${l.padEnd(width - 4)} *`).join('\n')}\n${rule}\n`,
  );
}

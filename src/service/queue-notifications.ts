import { queueConversationsTopic, type GenesysClient } from '../genesys';
import {
  NotificationReconciler,
  NotificationSocket,
  type ReconcileReport,
  type ReconcileScope,
} from '../intake';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability';
import type { Store } from '../store/store';
import { systemClock, type Clock } from '../timers/clock';
import { DEFAULT_RECONCILE_INTERVAL_MS } from '../config/settings';
import { coerceError } from '../errors';

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

import { coerceError } from '../errors';
import type { GenesysClient } from '../genesys';
import { GenesysApiError, queueConversationsTopic } from '../genesys';
import type { Logger } from '../observability/logger';
import type { InboxEventInput, Store } from '../store/store';
import type { Clock } from '../timers/clock';
import { NOTIFICATIONS_SOURCE } from './notification-socket';
import { notifyAccepted, storeEvents } from './store-events';

/** What one reconciliation did (for logs, metrics and tests). */
export interface ReconcileReport {
  /** Active conversations Genesys listed for the followed queues. */
  listed: number;
  /** Conversations read and fed to the pipeline (unknown, or silent since the gap). */
  read: number;
  /** Genesys cut a queue's list short: some active conversations were not seen. */
  truncated: boolean;
}

/** Options of {@link NotificationReconciler}. */
export interface NotificationReconcilerOptions {
  genesys: Pick<GenesysClient, 'queryActiveConversations' | 'getMessageConversation'>;
  store: Pick<Store, 'getConversation' | 'insertEvents'>;
  queueIds: readonly string[];
  clock: Clock;
  logger: Logger;
  /** Called with the number of newly stored events (process the inbox there). */
  onAccepted?: (count: number) => void;
  /** Called with what each reconciliation found (metrics). */
  onReconciled?: (report: ReconcileReport) => void;
}

/**
 * Closes the holes the notification WebSocket leaves: it has no redelivery, so a chat that started
 * (or changed) while the socket was down is never heard of. After every gap — and periodically as
 * a safety net — this lists the active message conversations of the followed queues (the
 * analytics activity query) and reads each one closer does not know, or has not heard from since
 * the gap, feeding the read into the same inbox and pipeline as a notification would. Reads go
 * through the shared Genesys client, so they spend the same request budget as everything else.
 */
export class NotificationReconciler {
  private running: Promise<ReconcileReport> | undefined;

  constructor(private readonly options: NotificationReconcilerOptions) {}

  /**
   * Reconciles once (concurrent calls share one run). `since`: when the gap began (epoch ms) —
   * conversations not heard from since then are read too; undefined after a start with no
   * history: every listed conversation is read; `'unknown-only'`: only conversations closer does
   * not know at all (the periodic safety net).
   *
   * @throws GenesysApiError when the activity query fails (the caller logs it; the next run retries).
   */
  reconcile(since: number | undefined | 'unknown-only'): Promise<ReconcileReport> {
    this.running ??= this.run(since).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(since: number | undefined | 'unknown-only'): Promise<ReconcileReport> {
    const { genesys, store, clock, logger } = this.options;
    const active = await genesys.queryActiveConversations(this.options.queueIds);
    if (active.truncated) {
      logger.warn(
        'notification reconciliation: Genesys truncated the list of active conversations; some may stay unseen until their next event',
        { listed: active.conversations.length },
      );
    }
    const events: InboxEventInput[] = [];
    for (const { conversationId, queueId } of active.conversations) {
      const known = await store.getConversation(conversationId);
      const stale =
        known === undefined ||
        (since !== 'unknown-only' && (since === undefined || known.updatedAt <= since));
      if (!stale) {
        continue;
      }
      let conversation: Record<string, unknown>;
      try {
        conversation = await genesys.getMessageConversation(conversationId);
      } catch (e: unknown) {
        if (e instanceof GenesysApiError && e.status === 404) {
          continue;
        }
        logger.warn('notification reconciliation: conversation not read', {
          conversationId,
          error: coerceError(e).message,
        });
        continue;
      }
      const at = clock.now();
      const topicName =
        queueId === undefined
          ? 'v2.users.closer.conversations.messages'
          : queueConversationsTopic(queueId);
      events.push({
        source: NOTIFICATIONS_SOURCE,
        eventId: `reconcile:${conversationId}:${at}`,
        kind: topicName,
        payload: { type: 'genesys', topicName, eventBody: conversation, time: at },
        receivedAt: at,
      });
    }
    if (events.length > 0) {
      const { inserted } = await storeEvents(store, events, logger);
      notifyAccepted(this.options.onAccepted, inserted, logger);
    }
    const report = {
      listed: active.conversations.length,
      read: events.length,
      truncated: active.truncated,
    };
    logger.info('notification reconciliation', { ...report, since: since ?? 'start' });
    this.options.onReconciled?.(report);
    return report;
  }
}

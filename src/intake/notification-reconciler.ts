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
/** What a reconciliation must cover: `undefined` = everything listed (the widest). */
export type ReconcileScope = number | undefined | 'unknown-only';

/** The wider of two scopes: everything > since the earlier gap > since the later gap > unknown only. */
export function widerScope(a: ReconcileScope, b: ReconcileScope): ReconcileScope {
  if (a === undefined || b === undefined) {
    return undefined;
  }
  if (a === 'unknown-only') {
    return b;
  }
  if (b === 'unknown-only') {
    return a;
  }
  return Math.min(a, b);
}

export class NotificationReconciler {
  private running: Promise<ReconcileReport> | undefined;
  /** A request that arrived during a run, or the scope of a run that failed: done next. */
  private owed: { scope: ReconcileScope } | undefined;

  constructor(private readonly options: NotificationReconcilerOptions) {}

  /**
   * Reconciles. `since`: when the gap began (epoch ms) — conversations not heard from since then
   * are read too; undefined after a start with no history: every listed conversation is read;
   * `'unknown-only'`: only conversations closer does not know (the periodic safety net). A
   * request during a run is not lost: it runs right after, merged with any other owed scope; a
   * failed run's scope is owed until a later run succeeds (`owes()` tells).
   *
   * @throws GenesysApiError when the activity query fails (its scope stays owed).
   */
  async reconcile(since: ReconcileScope): Promise<ReconcileReport> {
    this.owe(since);
    // Wait for a run in flight: what it covered may not include this request.
    while (this.running !== undefined) {
      await this.running.catch(() => undefined);
    }
    const owed = this.owed;
    if (owed === undefined) {
      // Another caller's run (started after this request) covered it.
      return { listed: 0, read: 0, truncated: false };
    }
    this.owed = undefined;
    this.running = this.run(owed.scope)
      .catch((error: unknown) => {
        this.owe(owed.scope);
        throw error;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Whether a failed or pending reconciliation still has to run. */
  owes(): boolean {
    return this.owed !== undefined;
  }

  /** Resolves once no reconciliation is running (shutdown). */
  async idle(): Promise<void> {
    while (this.running !== undefined) {
      await this.running.catch(() => undefined);
    }
  }

  private owe(scope: ReconcileScope): void {
    this.owed = { scope: this.owed === undefined ? scope : widerScope(this.owed.scope, scope) };
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

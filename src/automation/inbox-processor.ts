import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../timers/clock';
import type { Logger } from '../observability/logger';
import type { InboxEvent, Store } from '../store/store';
import type { LoadedRules } from '../rules';
import { applyNotification, conversationIdOf, type GenesysNotification } from '../tracking';
import { genesysEventPayloadSchema } from '../intake';
import { closerMessageIds } from './closer-messages';
import { armInactivityTimers } from './arm-inactivity';
import { armEventRules } from './arm-event-rules';
import { coerceError } from '../errors';

/** Sources whose inbox events are Genesys notifications (the rest are webhooks). */
const GENESYS_SOURCES = new Set(['eventbridge', 'notifications']);

/** Options of {@link InboxProcessor}. */
export interface InboxProcessorOptions {
  store: Store;
  rules: () => LoadedRules;
  clock: Clock;
  logger: Logger;
  /** Called after timers were armed, so the scheduler looks sooner than its next poll. */
  onTimersChanged?: () => void;
  /** Events handled per batch (default 200). */
  batchSize?: number;
}

/**
 * Turns durably stored intake events into state and timers, in arrival order. Intake only
 * stores and acknowledges; this runs after, so a slow rule or database never slows the answer to
 * EventBridge. An event whose handling throws is logged and marked processed (it would fail the
 * same way again); the store keeps it for inspection until pruned.
 */
export class InboxProcessor {
  private running: Promise<number> | undefined;
  private again = false;

  constructor(private readonly options: InboxProcessorOptions) {}

  /** Processes every pending event; concurrent calls share one run. Returns events handled. */
  drain(): Promise<number> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async loop(): Promise<number> {
    let handled = 0;
    const batchSize = this.options.batchSize ?? 200;
    for (;;) {
      this.again = false;
      await nextTurn();
      const events = await this.options.store.pendingEvents(batchSize);
      for (const event of events) {
        // The processor shares the event loop with intake, and SQLite calls resolve without I/O:
        // without a turn between events a backlog would be worked off in one run while intake
        // requests wait. Yielding here answers requests between events; under more load than the
        // processor can take, the backlog waits in the inbox instead.
        await nextTurn();
        await this.handle(event);
      }
      if (events.length > 0) {
        await this.options.store.markEventsProcessed(events.map((e) => e.seq));
        handled += events.length;
      }
      if (events.length < batchSize && !this.requestedAgain()) {
        return handled;
      }
    }
  }

  /** Whether `drain()` was called while this run was going (read through a call: it changes across awaits). */
  private requestedAgain(): boolean {
    return this.again;
  }

  private async handle(event: InboxEvent): Promise<void> {
    const { logger } = this.options;
    try {
      if (GENESYS_SOURCES.has(event.source)) {
        await this.handleNotification(event);
      } else {
        const armed = await armEventRules(event, this.options);
        if (armed > 0) {
          this.options.onTimersChanged?.();
        }
      }
    } catch (thrown: unknown) {
      const error = coerceError(thrown);
      logger.error('inbox event could not be processed', {
        source: event.source,
        eventId: event.eventId,
        kind: event.kind,
        error: error.message,
      });
    }
  }

  private async handleNotification(event: InboxEvent): Promise<void> {
    const { store } = this.options;
    const notification = readNotification(event.payload);
    if (notification === undefined) {
      return;
    }
    const conversationId = conversationIdOf(notification);
    const previous =
      conversationId === undefined ? undefined : await store.getConversation(conversationId);
    const ignore =
      conversationId === undefined
        ? new Set<string>()
        : await closerMessageIds(store, conversationId);
    const next = applyNotification(previous, notification, { ignoreMessageIds: ignore });
    if (next === undefined) {
      return;
    }
    await store.putConversation(next);
    const changed = await armInactivityTimers(next, this.options);
    if (changed) {
      this.options.onTimersChanged?.();
    }
  }
}

/**
 * The stored payload of a Genesys event, as intake wrote it (`genesysEventPayloadSchema` is the
 * single source of its shape); undefined for anything else.
 */
function readNotification(payload: unknown): GenesysNotification | undefined {
  const parsed = genesysEventPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    return undefined;
  }
  const { topicName, eventBody, time } = parsed.data;
  return time === undefined ? { topicName, eventBody } : { topicName, eventBody, time };
}

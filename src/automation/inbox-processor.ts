import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from '../observability/logger';
import { systemClock, type Clock } from '../timers/clock';
import type { InboxEvent, Store } from '../store/store';
import { inboxOrderKey, readInboxPayload } from '../inbox';
import type { InboxPayload } from '../inbox';
import { coerceError } from '../errors';
import { isStoreUnavailable } from '../store';
import type { EventPlanner } from './event-planner';

/** What the processor hands each event to (an `EventPlanner`: state and timers, never Genesys). */
export type InboxHandler = Pick<EventPlanner, 'handleNotification' | 'handleWebhook'>;

/**
 * What runs the inbox for the service: an `InboxProcessor` on this event loop, or the processing
 * thread that runs one (`service/processing-thread.ts`).
 */
export interface InboxDrainer {
  /** Processes every pending event; resolves with how many were handled. */
  drain(): Promise<number>;
  /** `drain()` without waiting (after each accepted intake request); `onError` hears of failures. */
  drainInBackground(onError: (error: Error) => void): void;
  /** Stops processing after the event in hand; with `waitMs`, waits at most that long (ms). */
  stop(waitMs?: number): Promise<void>;
}

/** Options of {@link InboxProcessor}. */
export interface InboxProcessorOptions {
  store: Store;
  logger: Logger;
  /** Plans from each event: state, timers and outcomes in one transaction per event. */
  handler: InboxHandler;
  /** Called after timers were armed, so the scheduler looks sooner than its next poll. */
  onTimersChanged?: () => void;
  /** Events claimed per batch (default 200). */
  batchSize?: number;
  /**
   * Events of different conversations handled side by side, at most (default 32): their
   * decisions reach the store in the same turn and share one transaction (SQLite), or run on
   * separate pool connections (PostgreSQL). One conversation's events stay one after the other.
   */
  concurrency?: number;
  /** Source of the claims' "now" (default: the system clock). */
  clock?: Clock;
  /**
   * How long a claimed batch stays this process's, in ms: if it dies mid-batch, another process
   * sharing the database takes the events over after this. Keep it above the slowest batch.
   * Default 60_000.
   */
  leaseMs?: number;
}

/** Events per group while intake requests keep arriving (see `underIntake`). */
const BUSY_GROUP = 4;

/** Default {@link InboxProcessorOptions.concurrency}. */
export const DEFAULT_INBOX_CONCURRENCY = 32;

/** Default {@link InboxProcessorOptions.leaseMs}. */
export const INBOX_LEASE_MS = 60_000;

/**
 * Turns durably stored intake events into state and timers, in arrival order. Intake only
 * stores and acknowledges; this runs after, so a slow rule or database never slows the answer to
 * EventBridge. An event whose handling throws is logged and marked processed (it would fail the
 * same way again); the store keeps it for inspection until pruned.
 *
 * Events are claimed (`Store.claimEvents`), not just read: processes sharing a PostgreSQL
 * database each take different events, one conversation's events in order, and a process that
 * dies mid-batch leaves its events to the others once the lease ends (handled at least once).
 */
export class InboxProcessor implements InboxDrainer {
  private running: Promise<number> | undefined;
  private again = false;
  private stopped = false;
  /** Intake requests accepted since the last group started (`drainInBackground` calls). */
  private intakeSinceGroup = 0;

  constructor(private readonly options: InboxProcessorOptions) {}

  /** Processes every pending event; concurrent calls share one run. Returns events handled. */
  drain(): Promise<number> {
    if (this.stopped) {
      return Promise.resolve(0);
    }
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
      // Only requests accepted during a run say intake is busy now.
      this.intakeSinceGroup = 0;
    });
    return this.running;
  }

  /**
   * Ends the running drain after the event it is handling (a shutdown past its bound); later
   * drains do nothing. Its claimed events not handled yet stay claimed: the store gives them back
   * when it closes (or their lease ends). Resolves when the drain has ended.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => 0);
  }

  /** Read through a call: `stop()` changes it across awaits. */
  private isStopped(): boolean {
    return this.stopped;
  }

  /**
   * `drain()` in the background, for callers that do not wait (every accepted intake request):
   * `onError` hears once of a run that failed. While a run is going it only asks for another
   * pass and attaches nothing to the running promise: a handler per call piled up for as long
   * as sustained intake kept the run going (about 150 bytes per request, never freed).
   */
  drainInBackground(onError: (error: Error) => void): void {
    this.intakeSinceGroup += 1;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.drain().catch((error: unknown) => {
      onError(coerceError(error));
    });
  }

  private async loop(): Promise<number> {
    let handled = 0;
    const batchSize = this.options.batchSize ?? 200;
    const concurrency = Math.max(1, this.options.concurrency ?? DEFAULT_INBOX_CONCURRENCY);
    for (;;) {
      this.again = false;
      await nextTurn();
      const events = await this.options.store.claimEvents(
        (this.options.clock ?? systemClock).now(),
        batchSize,
        this.options.leaseMs ?? INBOX_LEASE_MS,
      );
      const done: number[] = [];
      let interrupted = false;
      for (const group of this.underIntake(sideBySide(events.map(readEvent), concurrency))) {
        // The processor shares the event loop with intake, and SQLite calls resolve without I/O:
        // without a turn between groups a backlog would be worked off in one run while intake
        // requests wait. Yielding here answers requests between groups; under more load than the
        // processor can take, the backlog waits in the inbox instead.
        await nextTurn();
        if (this.isStopped()) {
          interrupted = true;
          break;
        }
        const results = await Promise.all(group.map((read) => this.handle(read)));
        group.forEach((read, index) => {
          if (results[index] === 'handled') {
            done.push(read.event.seq);
          }
        });
        if (results.includes('store-unavailable')) {
          interrupted = true;
          break;
        }
      }
      if (done.length > 0) {
        await this.options.store.markEventsProcessed(done);
        handled += done.length;
      }
      if (interrupted) {
        // The database went away mid-batch (or stop()): the rest stays claimed by this process
        // (claimable again by it at once, by others after the lease) and is handled later.
        return handled;
      }
      if (this.isStopped()) {
        return handled;
      }
      if (events.length < batchSize && !this.requestedAgain()) {
        return handled;
      }
    }
  }

  /**
   * The groups, cut to {@link BUSY_GROUP} events while intake requests keep arriving (some came
   * in since the previous group started): each group runs between two turns of the event loop,
   * so smaller groups leave acknowledgements the larger share of it under sustained intake,
   * and whole groups (one transaction each) work a backlog off faster once intake is quiet.
   */
  private *underIntake<T>(groups: T[][]): Generator<T[]> {
    for (const group of groups) {
      for (let at = 0; at < group.length;) {
        const busy = this.intakeSinceGroup > 0;
        this.intakeSinceGroup = 0;
        const size = busy ? BUSY_GROUP : group.length;
        yield group.slice(at, at + size);
        at += size;
      }
    }
  }

  /** Whether `drain()` was called while this run was going (read through a call: it changes across awaits). */
  private requestedAgain(): boolean {
    return this.again;
  }

  /**
   * Handles one event. `store-unavailable`: the database could not be reached, so the event was
   * not handled and must not be marked processed (any other failure would repeat: it is logged
   * and the event marked processed).
   */
  private async handle({ event, payload }: ReadEvent): Promise<'handled' | 'store-unavailable'> {
    const { logger, handler } = this.options;
    try {
      let changed = false;
      if (payload === undefined) {
        logger.warn('inbox event with an unreadable payload skipped', {
          source: event.source,
          eventId: event.eventId,
        });
      } else if (payload.type === 'genesys') {
        const { topicName, eventBody, time } = payload;
        changed = await handler.handleNotification(
          time === undefined ? { topicName, eventBody } : { topicName, eventBody, time },
          { source: event.source, eventId: event.eventId, receivedAt: event.receivedAt },
        );
      } else {
        changed = await handler.handleWebhook({
          source: event.source,
          eventId: event.eventId,
          body: payload.body,
          receivedAt: payload.signedAt ?? event.receivedAt,
        });
      }
      if (changed) {
        this.options.onTimersChanged?.();
      }
    } catch (thrown: unknown) {
      const error = coerceError(thrown);
      if (isStoreUnavailable(error)) {
        logger.warn('inbox processing paused: the database is unavailable', {
          source: event.source,
          eventId: event.eventId,
          error: error.message,
        });
        return 'store-unavailable';
      }
      logger.error('inbox event could not be processed', {
        source: event.source,
        eventId: event.eventId,
        kind: event.kind,
        error: error.message,
      });
    }
    return 'handled';
  }
}

/** A claimed event with its payload read (undefined: unreadable) and its order key. */
interface ReadEvent {
  event: InboxEvent;
  payload: InboxPayload | undefined;
  /** The conversation whose events must stay in order; none for webhooks (handled alone). */
  key: string | undefined;
}

function readEvent(event: InboxEvent): ReadEvent {
  const payload = readInboxPayload(event.source, event.payload);
  let key: string | undefined;
  try {
    key = payload === undefined ? undefined : inboxOrderKey(payload);
  } catch {
    // Handled alone, where its failure is logged.
  }
  return { event, payload, key };
}

/**
 * Splits claimed events, in order, into groups that may be handled side by side: at most `size`
 * events, no two of one conversation (the second starts the next group, so it sees the first's
 * writes), and an event without a key (a webhook, whose conversation only a rule can tell) alone.
 */
export function sideBySide<T extends { key: string | undefined }>(reads: T[], size: number): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  const keys = new Set<string>();
  const close = (): void => {
    if (group.length > 0) {
      groups.push(group);
    }
    group = [];
    keys.clear();
  };
  for (const read of reads) {
    if (read.key === undefined) {
      close();
      groups.push([read]);
      continue;
    }
    if (keys.has(read.key) || group.length >= size) {
      close();
    }
    group.push(read);
    keys.add(read.key);
  }
  close();
  return groups;
}

import { setTimeout as delay } from 'node:timers/promises';

import WebSocket from 'ws';
import type { RawData } from 'ws';

import { coerceError } from '../errors';
import { silentLogger } from '../observability/logger';
import type { Logger } from '../observability/logger';
import type { Store } from '../store/store';
import type { Clock } from '../timers/clock';
import { toInboxEvents } from './eventbridge/to-inbox-events';
import { notifyAccepted, storeEvents } from './store-events';

/** Intake source name of notifications received over the WebSocket. */
export const NOTIFICATIONS_SOURCE = 'notifications';

/** A notification channel (`POST /api/v2/notifications/channels` → `{id, connectUri}`). */
export interface NotificationChannel {
  id: string;
  connectUri: string;
}

/** Options of {@link NotificationSocket}. */
export interface NotificationSocketOptions {
  store: Pick<Store, 'insertEvents'>;
  /** Creates a channel (the Genesys client's `createChannel`). */
  createChannel: () => Promise<NotificationChannel>;
  /** Sets the channel's topic subscriptions (the Genesys client's `subscribe`). */
  subscribe: (channelId: string, topics: string[]) => Promise<void>;
  /** Topics to subscribe; called at every (re)subscription so rule changes apply on reconnect. */
  topics: () => string[];
  /** Time for `receivedAt`. */
  clock: Clock;
  logger?: Logger;
  /** Called with the number of newly stored notifications. */
  onAccepted?: (count: number) => void;
  /** First reconnect delay in ms (default 1000); doubles per failed attempt, with jitter. */
  initialBackoffMs?: number;
  /** Largest reconnect delay in ms (default 60000). */
  maxBackoffMs?: number;
  /**
   * Reconnect when nothing (not even a `channel.metadata` heartbeat) arrived for this long, in ms
   * (default 90000: Genesys is reported to send heartbeats about every 30 s). 0 disables it.
   */
  idleTimeoutMs?: number;
  /** Jitter source in [0, 1) (default Math.random); tests pin it. */
  random?: () => number;
  /**
   * Called each time the socket is subscribed: `gapSince` is when the previous subscribed session
   * was lost (epoch ms), undefined on the first subscription of this process (nothing is known of
   * what happened before it started). Notifications of the gap are lost: reconcile here.
   */
  onSubscribed?: (event: { gapSince: number | undefined; reconnect: boolean }) => void;
}

const DEFAULT_INITIAL_BACKOFF_MS = 1000;
const DEFAULT_MAX_BACKOFF_MS = 60_000;
const DEFAULT_IDLE_TIMEOUT_MS = 90_000;

function rawDataText(data: RawData): string {
  if (Array.isArray(data)) {
    return Buffer.concat(data).toString('utf8');
  }
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/**
 * Subscribes to Genesys notifications over a channel WebSocket and stores each notification as an
 * inbox event (source `notifications`, dedupe id = hash of topic, body and correlation id), like
 * the EventBridge intake does. `channel.metadata` heartbeats are ignored.
 *
 * When the socket closes it reconnects with exponential backoff (reusing the channel after a
 * healthy session, creating a new one after a failure) and subscribes again. Notifications sent
 * while disconnected are lost (the WebSocket has no redelivery): `onSubscribed` reports each gap
 * so the caller can reconcile (`notification-reconciler.ts`); EventBridge is the durable path.
 * Backoff and idle timers are real timers (transport, not domain time) so `stop()` can cancel them.
 */
export class NotificationSocket {
  private readonly logger: Logger;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private socket: WebSocket | undefined;
  private channel: NotificationChannel | undefined;
  private writes: Promise<void> = Promise.resolve();
  private isSubscribed = false;
  /** When the last subscribed session was lost (epoch ms); undefined while subscribed or at start. */
  private lostAt: number | undefined;
  private everSubscribed = false;

  constructor(private readonly options: NotificationSocketOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Whether the socket is open and subscribed right now. */
  get subscribed(): boolean {
    return this.isSubscribed;
  }

  private isStopped(): boolean {
    return this.abort.signal.aborted;
  }

  /** Starts connecting (idempotent). */
  start(): void {
    if (this.loop === undefined && !this.isStopped()) {
      this.loop = this.run();
    }
  }

  /** Closes the socket, cancels reconnects and waits for pending store writes. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.socket?.close(1000, 'closer stopping');
    await this.loop;
    await this.writes;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.isStopped()) {
      let healthy = false;
      try {
        healthy = await this.session();
      } catch (e: unknown) {
        this.logger.warn('notification socket session failed', { error: coerceError(e) });
      }
      if (this.isStopped()) {
        return;
      }
      failures = healthy ? 0 : failures + 1;
      if (!healthy) {
        this.channel = undefined;
      }
      try {
        await delay(this.backoffMs(failures), undefined, { signal: this.abort.signal });
      } catch {
        return; // aborted by stop()
      }
    }
  }

  private backoffMs(failures: number): number {
    const initial = this.options.initialBackoffMs ?? DEFAULT_INITIAL_BACKOFF_MS;
    const max = this.options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
    const ceiling = Math.min(max, initial * 2 ** Math.min(failures, 30));
    const random = this.options.random ?? Math.random;
    return Math.round(ceiling / 2 + (ceiling / 2) * random());
  }

  /** One connection: resolves `true` when a subscribed socket later closed, throws on failure. */
  private async session(): Promise<boolean> {
    const channel = this.channel ?? (await this.options.createChannel());
    this.channel = channel;
    if (this.isStopped()) {
      return false;
    }
    const socket = new WebSocket(channel.connectUri);
    this.socket = socket;
    const closed = new Promise<void>((resolve) => {
      socket.once('close', () => {
        resolve();
      });
    });
    socket.on('error', (error) => {
      this.logger.warn('notification socket error', { error: coerceError(error) });
    });
    socket.on('message', (data) => {
      this.onMessage(data);
    });
    const opened = new Promise<boolean>((resolve) => {
      socket.once('open', () => {
        resolve(true);
      });
      void closed.then(() => {
        resolve(false);
      });
    });
    const stopWatchdog = this.watchIdle(socket);
    try {
      if (!(await opened)) {
        throw new Error('notification socket closed before it opened');
      }
      await this.options.subscribe(channel.id, this.options.topics());
      this.isSubscribed = socket.readyState === WebSocket.OPEN;
      this.logger.info('notification socket subscribed', { channelId: channel.id });
      if (this.isSubscribed) {
        const gapSince = this.lostAt;
        const reconnect = this.everSubscribed;
        this.everSubscribed = true;
        this.lostAt = undefined;
        try {
          this.options.onSubscribed?.({ gapSince, reconnect });
        } catch (e: unknown) {
          this.logger.warn('notification gap handler failed', { error: coerceError(e) });
        }
      }
      await closed;
      this.logger.info('notification socket closed', { channelId: channel.id });
      return this.isSubscribed;
    } finally {
      if (this.isSubscribed) {
        this.lostAt = this.options.clock.now();
      }
      this.isSubscribed = false;
      stopWatchdog();
      if (socket.readyState !== WebSocket.CLOSED) {
        socket.terminate();
      }
      this.socket = undefined;
    }
  }

  /** Terminates the socket when nothing arrived for `idleTimeoutMs`; returns the cancel function. */
  private watchIdle(socket: WebSocket): () => void {
    const idleMs = this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    if (idleMs <= 0) {
      return () => undefined;
    }
    const timer = setTimeout(() => {
      this.logger.warn('notification socket idle; reconnecting', { idleMs });
      socket.terminate();
    }, idleMs);
    const refresh = (): void => {
      timer.refresh();
    };
    socket.on('message', refresh);
    return () => {
      clearTimeout(timer);
      socket.off('message', refresh);
    };
  }

  private onMessage(data: RawData): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawDataText(data));
    } catch {
      this.logger.warn('notification socket: message is not JSON; ignored');
      return;
    }
    let events;
    try {
      ({ events } = toInboxEvents(parsed, this.options.clock.now(), NOTIFICATIONS_SOURCE));
    } catch (e: unknown) {
      this.logger.warn('notification socket: message is not a notification; ignored', {
        error: coerceError(e),
      });
      return;
    }
    if (events.length === 0) {
      return; // heartbeat
    }
    // Chained so that notifications are stored in arrival order and stop() can wait for them.
    this.writes = this.writes
      .then(async () => {
        const { inserted } = await storeEvents(this.options.store, events, this.logger);
        notifyAccepted(this.options.onAccepted, inserted, this.logger);
      })
      .catch(() => {
        // storeEvents logged it; a WebSocket notification cannot be redelivered.
      });
  }
}

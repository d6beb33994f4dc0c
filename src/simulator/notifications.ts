/**
 * Notification channels (docs/genesys/facts.md §7): REST-created channels, topic subscriptions, and a WebSocket
 * at each channel's connectUri that pushes `{topicName, version, eventBody, metadata}` for
 * subscribed topics, `channel.metadata` heartbeats, and a `pong` answer to `{"message":"ping"}`.
 * `drop()` / `restore()` simulate a gap: sockets cut, upgrades refused with 503, notifications
 * meanwhile lost (Genesys's WebSocket has no redelivery).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Models } from 'purecloud-platform-client-v2';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Clock } from '../timers/clock';
import { SimHttpError } from './errors';
import type { SimNotificationStatus } from './types';

/** Channel lifetime (third-party reports: 24 h). */
export const CHANNEL_TTL_MS = 24 * 60 * 60 * 1000;
/** Channels per OAuth client before the oldest is removed (JS-SDK NotificationsApi.md). */
export const MAX_CHANNELS_PER_CLIENT = 20;
/** Real-time interval between `channel.metadata` heartbeats (Genesys: ~30 s). */
export const HEARTBEAT_INTERVAL_MS = 30_000;

/** One notification as it travels on the socket and inside EventBridge `detail`. */
export interface TopicMessage {
  topicName: string;
  /** Topic with `{id}` in place of ids, used as EventBridge `detail-type`. */
  topicPattern: string;
  eventBody: unknown;
}

interface Channel {
  id: string;
  clientId: string;
  expires: number;
  topics: Set<string>;
  sockets: Set<WebSocket>;
  lastUsed: number;
}

export class NotificationHub {
  private readonly channels = new Map<string, Channel>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly heartbeat: NodeJS.Timeout;
  private useCounter = 0;
  private dropped = false;

  constructor(
    private readonly clock: Clock,
    private readonly wsBase: () => string,
    heartbeatIntervalMs: number = HEARTBEAT_INTERVAL_MS,
  ) {
    this.heartbeat = setInterval(() => {
      this.broadcastHeartbeat();
    }, heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  /** @internal SDK-typed (see models.ts); left out of the published types. */
  createChannel(clientId: string): Models.Channel {
    const owned = [...this.channels.values()].filter((c) => c.clientId === clientId);
    if (owned.length >= MAX_CHANNELS_PER_CLIENT) {
      const oldest = owned.sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (oldest) {
        this.removeChannel(oldest.id);
      }
    }
    const channel: Channel = {
      id: randomUUID(),
      clientId,
      expires: this.clock.now() + CHANNEL_TTL_MS,
      topics: new Set(),
      sockets: new Set(),
      lastUsed: ++this.useCounter,
    };
    this.channels.set(channel.id, channel);
    return this.describe(channel);
  }

  /** @internal SDK-typed (see models.ts); left out of the published types. */
  listChannels(clientId: string): Models.ChannelEntityListing {
    return {
      entities: [...this.channels.values()]
        .filter((c) => c.clientId === clientId)
        .map((c) => this.describe(c)),
    };
  }

  /** Answers 404 unless the channel exists and belongs to `clientId`. */
  requireChannel(clientId: string, channelId: string): void {
    this.owned(clientId, channelId);
  }

  /** @internal SDK-typed (see models.ts); left out of the published types. */
  subscriptions(clientId: string, channelId: string): Models.ChannelTopicEntityListing {
    return listing(this.owned(clientId, channelId).topics);
  }

  /**
   * PUT replaces, POST adds, DELETE removes all.
   *
   * @internal SDK-typed (see models.ts); left out of the published types.
   */
  subscribe(
    clientId: string,
    channelId: string,
    topics: string[],
    mode: 'replace' | 'add' | 'clear',
  ): Models.ChannelTopicEntityListing {
    const channel = this.owned(clientId, channelId);
    if (mode !== 'add') {
      channel.topics.clear();
    }
    if (mode !== 'clear') {
      topics.forEach((t) => channel.topics.add(t));
    }
    channel.lastUsed = ++this.useCounter;
    return listing(channel.topics);
  }

  /** Sends `message` to every socket subscribed to its topic; nothing while dropped (lost). */
  publish(message: TopicMessage): void {
    if (this.dropped) {
      return;
    }
    const frame = JSON.stringify({
      topicName: message.topicName,
      version: '2',
      eventBody: message.eventBody,
      metadata: { CorrelationId: randomUUID() },
    });
    for (const channel of this.channels.values()) {
      if (channel.topics.has(message.topicName)) {
        channel.sockets.forEach((socket) => {
          socket.send(frame);
        });
      }
    }
  }

  /** Handles an HTTP upgrade at `/channels/<id>`; refuses unknown or expired channels. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const id = /^\/channels\/([^/?]+)/.exec(req.url ?? '')?.[1];
    const channel = id === undefined ? undefined : this.channels.get(id);
    if (this.dropped) {
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    if (!channel || channel.expires <= this.clock.now()) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (this.dropped || !this.channels.has(channel.id)) {
        ws.terminate();
        return;
      }
      channel.sockets.add(ws);
      ws.on('close', () => channel.sockets.delete(ws));
      ws.on('message', (data: Buffer) => {
        if (isPing(data)) {
          ws.send(
            JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'pong' } }),
          );
        }
      });
    });
  }

  /** Starts a gap: cuts every socket (no close frame) and refuses upgrades until `restore()`. */
  drop(): void {
    this.dropped = true;
    for (const channel of this.channels.values()) {
      channel.sockets.forEach((socket) => {
        socket.terminate();
      });
      channel.sockets.clear();
    }
  }

  /** Ends the gap: upgrades are accepted again. */
  restore(): void {
    this.dropped = false;
  }

  /** Removes a channel as if it expired; 404 `not.found` when there is none. */
  expireChannel(channelId: string): void {
    if (!this.channels.has(channelId)) {
      throw new SimHttpError(404, 'not.found');
    }
    this.removeChannel(channelId);
  }

  status(): SimNotificationStatus {
    return {
      dropped: this.dropped,
      channels: [...this.channels.values()].map((c) => ({
        id: c.id,
        clientId: c.clientId,
        topics: [...c.topics],
        sockets: c.sockets.size,
        expires: new Date(c.expires).toISOString(),
      })),
    };
  }

  /** Closes every socket and stops the heartbeat. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const client of this.wss.clients) {
      client.terminate();
    }
    await new Promise<void>((resolve) => {
      this.wss.close(() => {
        resolve();
      });
    });
  }

  private broadcastHeartbeat(): void {
    const frame = JSON.stringify({
      topicName: 'channel.metadata',
      eventBody: { message: 'WebSocket Heartbeat' },
    });
    for (const channel of this.channels.values()) {
      channel.sockets.forEach((socket) => {
        socket.send(frame);
      });
    }
  }

  private owned(clientId: string, channelId: string): Channel {
    const channel = this.channels.get(channelId);
    if (!channel || channel.clientId !== clientId) {
      throw new SimHttpError(404, 'not.found');
    }
    return channel;
  }

  private removeChannel(id: string): void {
    const channel = this.channels.get(id);
    channel?.sockets.forEach((socket) => {
      socket.close(1000, 'channel removed');
    });
    this.channels.delete(id);
  }

  private describe(channel: Channel): Models.Channel {
    return {
      id: channel.id,
      connectUri: `${this.wsBase()}/channels/${channel.id}`,
      expires: new Date(channel.expires).toISOString(),
    };
  }
}

function listing(topics: Set<string>): Models.ChannelTopicEntityListing {
  return { entities: [...topics].map((id) => ({ id, state: 'Permitted' })) };
}

function isPing(data: Buffer): boolean {
  try {
    const parsed: unknown = JSON.parse(data.toString('utf8'));
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      (parsed as { message?: unknown }).message === 'ping'
    );
  } catch {
    return false;
  }
}

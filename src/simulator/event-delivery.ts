/**
 * Delivers topic messages to an HTTP receiver as Amazon EventBridge envelopes (docs/genesys/facts.md §7), one
 * envelope per POST, as an EventBridge API destination does. Deliveries run in the background in
 * one queue (so per-conversation order holds) — or one per lane with `concurrency`, a
 * conversation always in the same lane — retry a bounded number of times, and never block the API
 * answer that caused them.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import type { Clock } from '../timers/clock';
import type { TopicMessage } from './notifications';
import type { SimEventTarget } from './types';

/** Attempts per envelope (first try + retries). */
export const DELIVERY_ATTEMPTS = 4;
/** Real-time backoff before retry n (ms): 50, 100, 200. */
export const DELIVERY_BACKOFF_MS = 50;
/** 4xx answers an API destination retries (others 4xx are final); 5xx are always retried. */
const RETRIED_STATUSES = new Set([401, 407, 409, 429]);
/** Defaults for the envelope fields the target does not set. */
export const DEFAULT_ORG_ID = '00000000-0000-4000-8000-00000000a1a1';
export const DEFAULT_SOURCE_SUFFIX = 'closer-sim';
export const SIM_AWS_ACCOUNT = '123456789012';
export const SIM_AWS_REGION = 'us-east-1';

/** The EventBridge envelope posted for each topic message. */
export interface EventBridgeEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    topicName: string;
    version: '2';
    eventBody: unknown;
    metadata: { CorrelationId: string };
    timestamp: string;
  };
}

/** Outcome of one envelope, kept for tests (`deliveryLog`). */
export interface DeliveryRecord {
  envelope: EventBridgeEnvelope;
  attempts: number;
  /** Last HTTP status, or undefined when the connection failed. */
  status?: number;
  delivered: boolean;
}

export function buildEnvelope(
  target: SimEventTarget,
  message: TopicMessage,
  now: number,
): EventBridgeEnvelope {
  const orgId = target.orgId ?? DEFAULT_ORG_ID;
  const suffix = target.sourceSuffix ?? DEFAULT_SOURCE_SUFFIX;
  const at = new Date(now).toISOString();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': message.topicPattern,
    source: `aws.partner/genesys.com/cloud/${orgId}/${suffix}`,
    account: SIM_AWS_ACCOUNT,
    // EventBridge `time` has second precision; `detail.timestamp` keeps milliseconds.
    time: `${at.slice(0, 19)}Z`,
    region: SIM_AWS_REGION,
    resources: [],
    detail: {
      topicName: message.topicName,
      version: '2',
      eventBody: message.eventBody,
      metadata: { CorrelationId: randomUUID() },
      timestamp: at,
    },
  };
}

/** The lane of a message: its conversation's, so one conversation's events stay in order. */
function laneOf(message: TopicMessage, lanes: number): number {
  if (lanes <= 1) {
    return 0;
  }
  const key = /conversation\.([^.]+)\./.exec(message.topicName)?.[1] ?? message.topicName;
  let hash = 0;
  for (let i = 0; i < key.length; i += 1) {
    hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
  }
  return hash % lanes;
}

export class EventDelivery {
  private target: SimEventTarget | undefined;
  /** One delivery queue per lane (`SimEventTarget.concurrency`, default 1). */
  private tails: Promise<void>[] = [Promise.resolve()];
  private closed = false;
  private readonly agent = new Agent({ keepAliveTimeout: 1000 });
  /** Every envelope handled so far, in order. */
  readonly log: DeliveryRecord[] = [];

  constructor(
    private readonly clock: Clock,
    target: SimEventTarget | undefined,
  ) {
    this.target = target;
  }

  setTarget(target: SimEventTarget | undefined): void {
    this.target = target === undefined ? undefined : { ...target };
  }

  /** Queues `messages` for delivery to the current target (no-op without one). */
  enqueue(messages: TopicMessage[]): void {
    const target = this.target;
    if (target === undefined || this.closed) {
      return;
    }
    const lanes = Math.max(1, Math.floor(target.concurrency ?? 1));
    while (this.tails.length < lanes) {
      this.tails.push(Promise.resolve());
    }
    const byLane = new Map<number, EventBridgeEnvelope[]>();
    for (const message of messages) {
      const lane = laneOf(message, lanes);
      byLane.set(lane, [
        ...(byLane.get(lane) ?? []),
        buildEnvelope(target, message, this.clock.now()),
      ]);
    }
    for (const [lane, envelopes] of byLane) {
      this.tails[lane] = (this.tails[lane] ?? Promise.resolve()).then(async () => {
        for (const envelope of envelopes) {
          await this.deliver(target, envelope);
        }
      });
    }
  }

  /** Resolves once everything queued so far was delivered or given up. */
  async flush(): Promise<void> {
    await Promise.all(this.tails);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.agent.close();
  }

  private async deliver(target: SimEventTarget, envelope: EventBridgeEnvelope): Promise<void> {
    const record: DeliveryRecord = { envelope, attempts: 0, delivered: false };
    this.log.push(record);
    const body = JSON.stringify(envelope);
    while (record.attempts < DELIVERY_ATTEMPTS && !this.closed) {
      if (record.attempts > 0) {
        await new Promise((resolve) =>
          setTimeout(resolve, DELIVERY_BACKOFF_MS * 2 ** (record.attempts - 1)),
        );
      }
      record.attempts += 1;
      try {
        const response = await request(target.url, {
          method: 'POST',
          dispatcher: this.agent,
          headers: { ...target.headers, 'content-type': 'application/json' },
          body,
          headersTimeout: 5000,
          bodyTimeout: 5000,
        });
        await response.body.dump();
        record.status = response.statusCode;
        if (response.statusCode >= 200 && response.statusCode < 300) {
          record.delivered = true;
          return;
        }
        if (!RETRIED_STATUSES.has(response.statusCode) && response.statusCode < 500) {
          return;
        }
      } catch {
        delete record.status;
      }
    }
  }
}

import type { InboxEventInput } from '../../store/store';
import { contentHashId } from '../dedupe';
import { formatPath, invalidPayload, toPayloadIssues } from '../http/invalid-payload';
import type { PayloadIssue } from '../http/invalid-payload';
import {
  envelopeArraySchema,
  eventBridgeEnvelopeSchema,
  genesysNotificationSchema,
  HEARTBEAT_TOPIC,
} from './schema';
import type { GenesysEventPayload, GenesysNotification } from './schema';

/** Intake source name of EventBridge deliveries. */
export const EVENTBRIDGE_SOURCE = 'eventbridge';

/** The inbox events of one request body, and how many heartbeats were dropped. */
export interface EventBridgeBatch {
  events: InboxEventInput[];
  ignored: number;
}

const SHAPE_HINT =
  'expected an EventBridge envelope (with `detail`), an array of envelopes, or a Genesys notification (with `topicName`)';

type Parsed =
  | { kind: 'event'; event: InboxEventInput }
  | { kind: 'ignored' }
  | { kind: 'invalid'; issues: PayloadIssue[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether `value` is a `channel.metadata` heartbeat: the same test as `heartbeatSchema` (an object
 * whose `topicName` is the heartbeat topic), done by hand because it runs on every event.
 */
function isHeartbeat(value: unknown): boolean {
  return isRecord(value) && value.topicName === HEARTBEAT_TOPIC;
}

function payloadOf(
  notification: GenesysNotification,
  extra: { detailType?: string | undefined; times: readonly (string | undefined)[] },
): GenesysEventPayload {
  const payload: GenesysEventPayload = {
    type: 'genesys',
    topicName: notification.topicName,
    eventBody: notification.eventBody,
  };
  if (notification.version !== undefined) {
    payload.version = notification.version;
  }
  const correlationId = notification.metadata?.CorrelationId;
  if (correlationId !== undefined) {
    payload.correlationId = correlationId;
  }
  if (extra.detailType !== undefined) {
    payload.detailType = extra.detailType;
  }
  const time = firstEpochMs(extra.times);
  if (time !== undefined) {
    payload.time = time;
  }
  return payload;
}

/** The first ISO 8601 timestamp that parses, as epoch ms. */
function firstEpochMs(candidates: readonly (string | undefined)[]): number | undefined {
  for (const candidate of candidates) {
    const ms = candidate === undefined ? Number.NaN : Date.parse(candidate);
    if (Number.isFinite(ms)) {
      return ms;
    }
  }
  return undefined;
}

/** Dedupe id of a bare notification: a hash of what identifies it (no envelope id exists). */
export function notificationEventId(notification: GenesysNotification): string {
  return contentHashId({
    topicName: notification.topicName,
    eventBody: notification.eventBody,
    correlationId: notification.metadata?.CorrelationId,
  });
}

function parseOne(
  value: unknown,
  path: readonly PropertyKey[],
  receivedAt: number,
  source: string,
): Parsed {
  if (!isRecord(value)) {
    return { kind: 'invalid', issues: [{ path: formatPath(path), message: SHAPE_HINT }] };
  }
  if ('detail' in value || 'detail-type' in value) {
    if (isHeartbeat(value.detail)) {
      return { kind: 'ignored' };
    }
    const parsed = eventBridgeEnvelopeSchema.safeParse(value);
    if (!parsed.success) {
      return { kind: 'invalid', issues: toPayloadIssues(parsed.error.issues, path) };
    }
    const envelope = parsed.data;
    const payload = payloadOf(envelope.detail, {
      detailType: envelope['detail-type'],
      times: [envelope.detail.timestamp, envelope.time],
    });
    return {
      kind: 'event',
      event: { source, eventId: envelope.id, kind: envelope.detail.topicName, payload, receivedAt },
    };
  }
  if ('topicName' in value) {
    if (isHeartbeat(value)) {
      return { kind: 'ignored' };
    }
    const parsed = genesysNotificationSchema.safeParse(value);
    if (!parsed.success) {
      return { kind: 'invalid', issues: toPayloadIssues(parsed.error.issues, path) };
    }
    const notification = parsed.data;
    const timestamp = typeof value.timestamp === 'string' ? value.timestamp : undefined;
    return {
      kind: 'event',
      event: {
        source,
        eventId: notificationEventId(notification),
        kind: notification.topicName,
        payload: payloadOf(notification, { times: [timestamp] }),
        receivedAt,
      },
    };
  }
  return { kind: 'invalid', issues: [{ path: formatPath(path), message: SHAPE_HINT }] };
}

/**
 * Validates an EventBridge request body and converts it to inbox events (`kind` = concrete
 * topic name, `eventId` = envelope `id`, or a content hash for bare notifications).
 * `channel.metadata` heartbeats are counted in `ignored`, not returned.
 *
 * @throws IntakeError `INTAKE_INVALID_PAYLOAD` listing every problem with its path.
 */
export function toInboxEvents(
  body: unknown,
  receivedAt: number,
  source: string = EVENTBRIDGE_SOURCE,
): EventBridgeBatch {
  const items: readonly unknown[] = Array.isArray(body) ? checkArray(body) : [body];
  const events: InboxEventInput[] = [];
  const issues: PayloadIssue[] = [];
  let ignored = 0;
  items.forEach((item, index) => {
    const parsed = parseOne(item, Array.isArray(body) ? [index] : [], receivedAt, source);
    if (parsed.kind === 'event') {
      events.push(parsed.event);
    } else if (parsed.kind === 'ignored') {
      ignored += 1;
    } else {
      issues.push(...parsed.issues);
    }
  });
  if (issues.length > 0) {
    throw invalidPayload(issues);
  }
  return { events, ignored };
}

function checkArray(body: unknown[]): readonly unknown[] {
  const parsed = envelopeArraySchema.safeParse(body);
  if (!parsed.success) {
    throw invalidPayload(toPayloadIssues(parsed.error.issues));
  }
  return parsed.data;
}

import {
  contentHashId,
  genesysEventPayloadSchema,
  IntakeError,
  toInboxEvents,
} from '../../../src/intake';
import {
  DEFAULT_NOW_MS,
  eventBridgeEnvelope,
  genesysNotification,
  heartbeatNotification,
} from '../../helpers/payloads';

const RECEIVED_AT = DEFAULT_NOW_MS + 1000;

function invalid(body: unknown): IntakeError {
  try {
    toInboxEvents(body, RECEIVED_AT);
  } catch (e: unknown) {
    if (e instanceof IntakeError) {
      return e;
    }
    throw e;
  }
  throw new Error('expected an IntakeError');
}

test('an envelope becomes one inbox event keyed by its id, with a payload the pipeline can parse', () => {
  const envelope = eventBridgeEnvelope({
    id: 'eb-1',
    conversationId: 'c-1',
    correlationId: 'corr-1',
  });
  const { events, ignored } = toInboxEvents(envelope, RECEIVED_AT);
  expect(ignored).toBe(0);
  expect(events).toHaveLength(1);
  const [event] = events;
  expect(event).toMatchObject({
    source: 'eventbridge',
    eventId: 'eb-1',
    kind: 'v2.detail.events.conversation.c-1.customer.end',
    receivedAt: RECEIVED_AT,
  });
  const payload = genesysEventPayloadSchema.parse(event?.payload);
  expect(payload).toMatchObject({
    correlationId: 'corr-1',
    version: '2',
    time: DEFAULT_NOW_MS + 395,
  });
});

test('the envelope time is used when detail.timestamp is absent or unparsable', () => {
  const envelope = eventBridgeEnvelope({ timestamp: 'not a date', time: '2026-01-01T00:00:07Z' });
  const { events } = toInboxEvents(envelope, RECEIVED_AT);
  expect(genesysEventPayloadSchema.parse(events[0]?.payload).time).toBe(DEFAULT_NOW_MS + 7000);
});

test('extra fields are tolerated (forward compatible)', () => {
  const envelope = { ...eventBridgeEnvelope(), 'replay-name': 'r1', newField: { a: 1 } };
  expect(toInboxEvents(envelope, RECEIVED_AT).events).toHaveLength(1);
});

test('a bare notification is keyed by a content hash that ignores key order', () => {
  const notification = genesysNotification({ correlationId: 'corr-2' });
  const reordered = {
    metadata: notification.metadata,
    eventBody: Object.fromEntries(Object.entries(notification.eventBody).reverse()),
    topicName: notification.topicName,
    version: notification.version,
  };
  const a = toInboxEvents(notification, RECEIVED_AT).events[0];
  const b = toInboxEvents(reordered, RECEIVED_AT).events[0];
  expect(a?.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(a?.eventId).toBe(b?.eventId);
  expect(a?.eventId).not.toBe(
    toInboxEvents(genesysNotification({ correlationId: 'corr-3' }), RECEIVED_AT).events[0]?.eventId,
  );
});

test('heartbeats are counted, not returned, in envelopes and bare', () => {
  const envelope = { ...eventBridgeEnvelope(), detail: heartbeatNotification() };
  expect(
    toInboxEvents([heartbeatNotification(), envelope, eventBridgeEnvelope()], RECEIVED_AT),
  ).toMatchObject({
    ignored: 2,
    events: [expect.objectContaining({ source: 'eventbridge' })],
  });
});

test('every invalid field is reported with its path', () => {
  const error = invalid({ ...eventBridgeEnvelope(), id: '', detail: { eventBody: [] } });
  expect(error.code).toBe('INTAKE_INVALID_PAYLOAD');
  expect(error.status).toBe(400);
  const paths = (error.details.issues as { path: string }[]).map((issue) => issue.path);
  expect(paths).toEqual(expect.arrayContaining(['id', 'detail.topicName', 'detail.eventBody']));
});

test('a scalar or an empty array is rejected', () => {
  expect(invalid('hello').message).toContain('expected an EventBridge envelope');
  expect(invalid([]).message).toContain('at least one envelope');
  expect(invalid([1]).details.issues).toEqual([expect.objectContaining({ path: '[0]' })]);
});

test('contentHashId is stable across key order and distinguishes values', () => {
  expect(contentHashId({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(
    contentHashId({ b: [1, { d: 3, c: 2 }], a: 1 }),
  );
  expect(contentHashId({ a: 1 })).not.toBe(contentHashId({ a: '1' }));
  expect(contentHashId([1, 2])).not.toBe(contentHashId([2, 1]));
});

import { randomUUID } from 'node:crypto';

import request from 'supertest';

import {
  basicAuthorization,
  DEFAULT_NOW_MS,
  eventBridgeEnvelope,
  genesysNotification,
  heartbeatNotification,
} from '../../helpers/payloads';
import { errorOf, sourcesConfig, startIntake } from './intake-app';
import type { IntakeHarness } from './intake-app';

const API_KEY = 'eb-api-key-0123456789abcdef';
const BASIC_USER = 'eventbridge-user';
const BASIC_PASSWORD = 'basic-password-s3cret';

let h: IntakeHarness;

beforeAll(async () => {
  h = await startIntake(
    { eventbridge: { auth: { header: 'x-api-key', valueEnv: 'EB_API_KEY' } } },
    { EB_API_KEY: API_KEY, EB_USER: BASIC_USER, EB_PASSWORD: BASIC_PASSWORD },
    { maxBodyBytes: 64 * 1024 },
  );
});

afterAll(async () => {
  await h.close();
});

beforeEach(() => {
  h.sources = sourcesConfig({
    eventbridge: { auth: { header: 'x-api-key', valueEnv: 'EB_API_KEY' } },
  });
  h.env.EB_API_KEY = API_KEY;
  h.failStore = undefined;
  h.accepted.length = 0;
});

function post(body: unknown, headers: Record<string, string> = { 'x-api-key': API_KEY }) {
  const req = request(h.baseUrl).post('/events/eventbridge').set(headers);
  return typeof body === 'string'
    ? req.set('content-type', headers['content-type'] ?? 'application/json').send(body)
    : req.send(body as object);
}

test('an envelope is stored, then acknowledged with 202', async () => {
  const envelope = eventBridgeEnvelope({ conversationId: 'conv-accepted' });
  const res = await post(envelope);
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
  const [event, ...rest] = await h.stored('eventbridge', envelope.id as string);
  expect(rest).toHaveLength(0);
  expect(event).toMatchObject({
    source: 'eventbridge',
    kind: 'v2.detail.events.conversation.conv-accepted.customer.end',
    receivedAt: h.clock.now(),
    payload: {
      topicName: 'v2.detail.events.conversation.conv-accepted.customer.end',
      detailType: 'v2.detail.events.conversation.{id}.customer.end',
      version: '2',
      time: DEFAULT_NOW_MS + 395,
      eventBody: { conversationId: 'conv-accepted' },
    },
  });
  expect(h.accepted).toEqual([1]);
});

test('an array of envelopes is stored in one go', async () => {
  const envelopes = [1, 2, 3].map((n) =>
    eventBridgeEnvelope({ conversationId: `conv-array-${n}` }),
  );
  const res = await post(envelopes);
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ accepted: 3, duplicates: 0, ignored: 0 });
  for (const envelope of envelopes) {
    expect(await h.stored('eventbridge', envelope.id as string)).toHaveLength(1);
  }
});

test('a bare Genesys notification is stored under a content hash, once', async () => {
  const notification = genesysNotification({ conversationId: `conv-bare-${randomUUID()}` });
  const first = await post(notification);
  expect(first.status).toBe(202);
  const again = await post(notification);
  expect(again.status).toBe(200);
  expect(again.body).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
  const stored = (await h.stored('eventbridge')).filter((e) => e.kind === notification.topicName);
  expect(stored).toHaveLength(1);
  expect(stored[0]?.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
});

test('a redelivered envelope is a 200 duplicate and is not stored twice', async () => {
  const envelope = eventBridgeEnvelope();
  expect((await post(envelope)).status).toBe(202);
  const res = await post(envelope);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
  expect(await h.stored('eventbridge', envelope.id as string)).toHaveLength(1);
  expect(h.accepted).toEqual([1]);
});

test('channel.metadata heartbeats are acknowledged and ignored', async () => {
  const before = (await h.stored('eventbridge')).length;
  const res = await post([
    heartbeatNotification(),
    { ...eventBridgeEnvelope(), detail: heartbeatNotification() },
  ]);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ accepted: 0, duplicates: 0, ignored: 2 });
  expect(await h.stored('eventbridge')).toHaveLength(before);
});

test('a wrong or missing API key is 401 and never echoes the key', async () => {
  const wrong = await post(eventBridgeEnvelope(), { 'x-api-key': 'not-the-key' });
  expect(wrong.status).toBe(401);
  expect(errorOf(wrong).code).toBe('INTAKE_UNAUTHENTICATED');
  expect(wrong.text).not.toContain(API_KEY);
  expect(wrong.text).not.toContain('not-the-key');
  const missing = await post(eventBridgeEnvelope(), {});
  expect(missing.status).toBe(401);
  expect(errorOf(missing).message).toContain('x-api-key');
});

test('authentication is checked before the body is read', async () => {
  const res = await post('x'.repeat(200 * 1024), {
    'x-api-key': 'wrong',
    'content-type': 'application/json',
  });
  expect(res.status).toBe(401);
});

test('a rotated API key takes effect without a restart', async () => {
  h.env.EB_API_KEY = 'rotated-key-abcdef';
  expect((await post(eventBridgeEnvelope())).status).toBe(401);
  expect((await post(eventBridgeEnvelope(), { 'x-api-key': 'rotated-key-abcdef' })).status).toBe(
    202,
  );
});

test('Basic auth: right credentials pass, wrong ones are 401 with a challenge', async () => {
  h.sources = sourcesConfig({
    eventbridge: { auth: { basic: { usernameEnv: 'EB_USER', passwordEnv: 'EB_PASSWORD' } } },
  });
  const ok = await post(eventBridgeEnvelope(), {
    authorization: basicAuthorization(BASIC_USER, BASIC_PASSWORD),
  });
  expect(ok.status).toBe(202);
  const wrong = await post(eventBridgeEnvelope(), {
    authorization: basicAuthorization(BASIC_USER, 'nope'),
  });
  expect(wrong.status).toBe(401);
  expect(wrong.headers['www-authenticate']).toBe('Basic realm="closer"');
  expect(wrong.text).not.toContain(BASIC_PASSWORD);
  const missing = await post(eventBridgeEnvelope(), {});
  expect(missing.status).toBe(401);
});

test('eventbridge not configured is 404 INTAKE_UNKNOWN_SOURCE', async () => {
  h.sources = sourcesConfig({});
  const res = await post(eventBridgeEnvelope());
  expect(res.status).toBe(404);
  expect(errorOf(res).code).toBe('INTAKE_UNKNOWN_SOURCE');
  expect(errorOf(res).message).toContain('not configured');
});

test('a missing secret env var is 503 INTAKE_SOURCE_MISCONFIGURED (retryable), naming the variable', async () => {
  Reflect.deleteProperty(h.env, 'EB_API_KEY');
  const res = await post(eventBridgeEnvelope());
  expect(res.status).toBe(503);
  expect(errorOf(res).code).toBe('INTAKE_SOURCE_MISCONFIGURED');
  expect(errorOf(res).message).toContain('EB_API_KEY');
  expect(res.headers['retry-after']).toBe('5');
});

test('malformed JSON is 400 with the position', async () => {
  const res = await post('{"id": "x",}');
  expect(res.status).toBe(400);
  expect(errorOf(res).code).toBe('INTAKE_MALFORMED_JSON');
  expect(errorOf(res).position).toBe(11);
});

test('an empty body is 400 INTAKE_MALFORMED_JSON', async () => {
  const res = await request(h.baseUrl).post('/events/eventbridge').set('x-api-key', API_KEY);
  expect(res.status).toBe(400);
  expect(errorOf(res).code).toBe('INTAKE_MALFORMED_JSON');
});

test('a missing detail.topicName is 400 naming the field', async () => {
  const envelope = eventBridgeEnvelope();
  const detail = { ...(envelope.detail as Record<string, unknown>) };
  delete detail.topicName;
  const res = await post({ ...envelope, detail });
  expect(res.status).toBe(400);
  expect(errorOf(res).code).toBe('INTAKE_INVALID_PAYLOAD');
  expect(errorOf(res).message).toContain('detail.topicName: Required');
  expect(errorOf(res).issues).toEqual([{ path: 'detail.topicName', message: 'Required' }]);
});

test('an envelope from a non-Genesys source is 400 naming `source`', async () => {
  const res = await post(eventBridgeEnvelope({ source: 'aws.ec2' }));
  expect(res.status).toBe(400);
  expect(errorOf(res).message).toContain('source: must start with aws.partner/genesys.com/');
});

test('a bad element of an array is reported with its index, and nothing is stored', async () => {
  const good = eventBridgeEnvelope();
  const bad = { ...eventBridgeEnvelope(), detail: { topicName: 'v2.x', eventBody: 'text' } };
  const res = await post([good, bad]);
  expect(res.status).toBe(400);
  expect((errorOf(res).issues as { path: string }[])[0]?.path).toBe('[1].detail.eventBody');
  expect(await h.stored('eventbridge', good.id as string)).toHaveLength(0);
});

test('more than 100 envelopes is 400', async () => {
  const res = await post(Array.from({ length: 101 }, () => ({ id: 'x' })));
  expect(res.status).toBe(400);
  expect(errorOf(res).message).toContain('at most 100');
});

test('a body of another shape is 400 with a hint', async () => {
  const res = await post({ hello: 'world' });
  expect(res.status).toBe(400);
  expect(errorOf(res).message).toContain('expected an EventBridge envelope');
});

test('a non-JSON content type is 415; +json and a missing content type are accepted', async () => {
  const text = await post('hello', { 'x-api-key': API_KEY, 'content-type': 'text/plain' });
  expect(text.status).toBe(415);
  expect(errorOf(text).code).toBe('INTAKE_UNSUPPORTED_MEDIA_TYPE');
  const plusJson = await post(JSON.stringify(eventBridgeEnvelope()), {
    'x-api-key': API_KEY,
    'content-type': 'application/cloudevents+json; charset=utf-8',
  });
  expect(plusJson.status).toBe(202);
  // supertest always sets a content type for string bodies: send one without it via fetch.
  const raw = await fetch(`${h.baseUrl}/events/eventbridge`, {
    method: 'POST',
    headers: { 'x-api-key': API_KEY },
    body: new Blob([JSON.stringify(eventBridgeEnvelope())]),
  });
  await raw.text();
  expect(raw.status).toBe(202);
});

test('an oversize body is 413', async () => {
  const big = eventBridgeEnvelope({ eventBody: { padding: 'x'.repeat(70 * 1024) } });
  const res = await post(big);
  expect(res.status).toBe(413);
  expect(errorOf(res).code).toBe('INTAKE_BODY_TOO_LARGE');
  expect(errorOf(res).limitBytes).toBe(64 * 1024);
});

test('a store failure is 503 INTAKE_STORE_UNAVAILABLE without internals', async () => {
  h.failStore = new Error('SQLITE_BUSY: database is locked at /secret/path.db');
  const res = await post(eventBridgeEnvelope());
  expect(res.status).toBe(503);
  expect(res.body).toEqual({
    error: {
      code: 'INTAKE_STORE_UNAVAILABLE',
      message: 'the event could not be stored durably; retry later',
    },
  });
  expect(res.text).not.toContain('SQLITE_BUSY');
  expect(h.accepted).toEqual([]);
});

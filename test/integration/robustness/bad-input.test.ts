import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import type { Test } from 'supertest';
import { startTestCloser, TEST_ENV, type TestCloser } from '../../helpers/closer';
import { GENESYS_PARTNER_SOURCE_PREFIX, MAX_JSON_DEPTH } from '../../../src/intake';
import {
  eventBridgeEnvelope,
  genesysNotification,
  heartbeatNotification,
} from '../../helpers/payloads';
import {
  deepObjectJson,
  hostileValues,
  jsonDepthOf,
  mulberry32,
  mutateText,
  structuralBodies,
  type HostileValue,
} from './hostile-corpus';
import {
  EB_HEADERS,
  healthProblems,
  isRecord,
  prototypeSnapshot,
  secretsInLogs,
  Verdicts,
} from './verdicts';

/**
 * Bad input never crashes closer's intake and never loses data: every hostile request gets a
 * clear 4xx `{error: {code, message}}` (or a 2xx when the input is in fact acceptable, decided
 * per case below), nothing rejected is stored, everything acknowledged is stored exactly once,
 * and no secret reaches a response or a log line.
 *
 * Acceptance decisions (where the spec leaves a choice):
 * - EventBridge envelopes are validated strictly on the fields intake uses (`id`, `detail-type`,
 *   `source`, `detail.topicName`, `detail.eventBody`…) and leniently elsewhere: unknown fields and
 *   anything inside `eventBody` are opaque (Genesys adds fields; the pipeline reads defensively),
 *   so those are 202. Optional metadata must still have its documented type.
 * - Webhook bodies are opaque: any JSON object or array with a valid signature is 202; scalars,
 *   malformed JSON and bodies nested deeper than MAX_JSON_DEPTH are 400.
 * - A missing content type is accepted (forwarders send none); a non-JSON one is 415.
 */

const MIB = 1024 * 1024;

let t: TestCloser;
const verdicts = new Verdicts();
const prototypeBefore = prototypeSnapshot();
/** New events each endpoint acknowledged (sum of `accepted`); checked against the store. */
const acknowledged = { eventbridge: 0, crm: 0 };
const rng = mulberry32(0xc105e4);
const hostile = hostileValues(rng);
let sequence = 0;
const nextId = (prefix: string): string => {
  sequence += 1;
  return `${prefix}-${sequence}`;
};

beforeAll(async () => {
  t = await startTestCloser();
});

afterAll(async () => {
  await t.close();
});

function countAccepted(source: 'eventbridge' | 'crm', status: number, body: unknown): void {
  if (status >= 200 && status < 300 && isRecord(body) && typeof body.accepted === 'number') {
    acknowledged[source] += body.accepted;
  }
}

/** POSTs a raw body (string or bytes, sent as is) to the EventBridge endpoint. */
function postEventBridge(
  body: string | Buffer,
  headers: Record<string, string> = EB_HEADERS,
): Test {
  return request(t.closer.app)
    .post('/events/eventbridge')
    .set(headers)
    .serialize((x: unknown) => x as string)
    .send(body);
}

async function eventBridge(
  name: string,
  body: string | Buffer,
  allowed: number | readonly number[],
  headers: Record<string, string> = EB_HEADERS,
): Promise<void> {
  const res = await verdicts.check(
    `eventbridge ${name}`,
    () => postEventBridge(body, headers),
    allowed,
  );
  countAccepted('eventbridge', res.status, res.body);
}

/** A valid envelope's JSON text with the value at `path` replaced by `value` (removed if none). */
function envelopeWith(path: readonly string[], value: HostileValue | undefined): string {
  const id = nextId('eb-field');
  const envelope = eventBridgeEnvelope({ id, correlationId: `${id}-corr` });
  let parent: Record<string, unknown> = envelope;
  for (const key of path.slice(0, -1)) {
    parent = parent[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1] ?? '';
  if (value === undefined) {
    parent[last] = undefined; // JSON.stringify leaves the key out
    return JSON.stringify(envelope);
  }
  parent[last] = '@@hostile@@';
  return JSON.stringify(envelope).replace('"@@hostile@@"', () => value.json);
}

const optionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const isObject = (v: unknown): boolean => isRecord(v);

/** Which values intake must accept at each envelope field (the rest are 400). */
const ENVELOPE_FIELDS: readonly { path: readonly string[]; accepts: (v: unknown) => boolean }[] = [
  { path: ['version'], accepts: optionalString },
  { path: ['id'], accepts: (v) => typeof v === 'string' && v.length >= 1 && v.length <= 256 },
  { path: ['detail-type'], accepts: (v) => typeof v === 'string' && v.length >= 1 },
  {
    path: ['source'],
    accepts: (v) => typeof v === 'string' && v.startsWith(GENESYS_PARTNER_SOURCE_PREFIX),
  },
  { path: ['account'], accepts: optionalString },
  { path: ['time'], accepts: optionalString },
  { path: ['region'], accepts: optionalString },
  {
    path: ['resources'],
    accepts: (v) => v === undefined || (Array.isArray(v) && v.every((r) => typeof r === 'string')),
  },
  { path: ['detail'], accepts: () => false },
  {
    path: ['detail', 'topicName'],
    accepts: (v) => typeof v === 'string' && v.length >= 1 && v.length <= 512,
  },
  { path: ['detail', 'version'], accepts: optionalString },
  { path: ['detail', 'eventBody'], accepts: isObject },
  {
    path: ['detail', 'metadata'],
    accepts: (v) => v === undefined || (isRecord(v) && optionalString(v.CorrelationId)),
  },
  { path: ['detail', 'metadata', 'CorrelationId'], accepts: optionalString },
  { path: ['detail', 'timestamp'], accepts: optionalString },
  { path: ['detail', 'eventBody', 'conversationId'], accepts: () => true },
];

describe('POST /events/eventbridge with hostile input', () => {
  it('answers every structurally bad body with 400 and stores nothing', async () => {
    for (const { name, body } of structuralBodies(rng)) {
      await eventBridge(name, body, 400);
    }
    expect(verdicts.take()).toEqual([]);
  });

  it('mutates one envelope field at a time: 202 exactly where the value is acceptable', async () => {
    for (const field of ENVELOPE_FIELDS) {
      const label = field.path.join('.');
      await eventBridge(
        `${label} removed`,
        envelopeWith(field.path, undefined),
        field.accepts(undefined) ? 202 : 400,
      );
      for (const value of hostile) {
        const tooDeep = field.path.length + jsonDepthOf(value.json) > MAX_JSON_DEPTH;
        const ok = !tooDeep && field.accepts(JSON.parse(value.json) as unknown);
        await eventBridge(
          `${label} = ${value.name}`,
          envelopeWith(field.path, value),
          ok ? 202 : 400,
        );
      }
    }
    expect(verdicts.take()).toEqual([]);
  });

  it('survives seeded byte-level mutations of a valid envelope (never 5xx)', async () => {
    for (let i = 0; i < 100; i += 1) {
      const id = nextId('eb-bytes');
      const text = JSON.stringify(eventBridgeEnvelope({ id, correlationId: `${id}-corr` }));
      const mutation = mutateText(rng, text);
      // A mutation inside a string can leave a valid envelope (202); anything else is a 400.
      await eventBridge(`mutation ${mutation.name}`, mutation.text, [200, 202, 400]);
    }
    expect(verdicts.take()).toEqual([]);
  });

  it('handles arrays, bare notifications, heartbeats, prototype keys and big bodies', async () => {
    const env = (prefix: string): Record<string, unknown> => {
      const id = nextId(prefix);
      return eventBridgeEnvelope({ id, correlationId: `${id}-corr` });
    };
    const cases: { name: string; body: string; status: number }[] = [
      // Unknown fields are opaque, prototype keys included: JSON.parse makes them own data keys.
      {
        name: 'envelope with __proto__/constructor keys',
        body: JSON.stringify(env('eb-proto')).replace(
          /^\{/,
          '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},',
        ),
        status: 202,
      },
      {
        name: 'bare notification',
        body: JSON.stringify(genesysNotification({ correlationId: nextId('bare') })),
        status: 202,
      },
      {
        name: 'bare notification, eventBody nested 90',
        body: JSON.stringify(
          genesysNotification({ correlationId: nextId('bare'), eventBody: { x: 1 } }),
        ).replace('{"x":1}', deepObjectJson(90)),
        status: 202,
      },
      { name: 'heartbeat (ignored)', body: JSON.stringify(heartbeatNotification()), status: 200 },
      {
        name: 'heartbeat envelope (ignored)',
        body: JSON.stringify({ ...env('eb-hb'), detail: heartbeatNotification() }),
        status: 200,
      },
      {
        name: 'array of 100 envelopes',
        body: JSON.stringify(Array.from({ length: 100 }, () => env('eb-array'))),
        status: 202,
      },
      {
        name: 'array of 101 envelopes',
        body: JSON.stringify(Array.from({ length: 101 }, () => env('eb-array-over'))),
        status: 400,
      },
      {
        // All or nothing: the valid one must not be stored either.
        name: 'array with one invalid envelope',
        body: JSON.stringify([env('eb-mixed'), { ...env('eb-mixed'), source: 'evil' }]),
        status: 400,
      },
      {
        name: 'array repeating one id',
        body: JSON.stringify(
          [env('eb-twice'), env('eb-twice')].map((e, _i, all) => ({ ...e, id: all[0]?.id })),
        ),
        status: 202,
      },
      {
        name: '900 KiB string in eventBody',
        body: JSON.stringify(
          eventBridgeEnvelope({
            id: nextId('eb-big'),
            eventBody: { conversationId: 'big-1', note: 'n'.repeat(900 * 1024) },
          }),
        ),
        status: 202,
      },
      {
        name: 'envelope of 1 MiB + 1 byte',
        body: JSON.stringify(eventBridgeEnvelope({ id: nextId('eb-over') })).padEnd(MIB + 1, ' '),
        status: 413,
      },
      { name: '3 MiB of JSON', body: `[${'1,'.repeat(1.5 * MIB)}1]`, status: 413 },
    ];
    for (const c of cases) {
      await eventBridge(c.name, c.body, c.status);
    }
    expect(verdicts.take()).toEqual([]);
  });

  it('refuses bad credentials, content types, encodings and methods without reading on', async () => {
    const valid = (): string => JSON.stringify(eventBridgeEnvelope({ id: nextId('eb-hdr') }));
    const key = TEST_ENV.CLOSER_EVENTBRIDGE_KEY;
    const json = { 'content-type': 'application/json' };
    const headerCases: { name: string; headers: Record<string, string>; status: number }[] = [
      { name: 'no api key', headers: json, status: 401 },
      { name: 'empty api key', headers: { ...json, 'x-api-key': '' }, status: 401 },
      { name: 'wrong api key', headers: { ...json, 'x-api-key': 'nope' }, status: 401 },
      { name: 'api key + suffix', headers: { ...json, 'x-api-key': `${key}x` }, status: 401 },
      {
        name: 'api key upper-cased',
        headers: { ...json, 'x-api-key': key.toUpperCase() },
        status: 401,
      },
      { name: '8 KiB api key', headers: { ...json, 'x-api-key': 'k'.repeat(8192) }, status: 401 },
      // Another source's secret in the wrong place: 401, and (checked at the end) never logged.
      {
        name: 'crm secret as api key',
        headers: { ...json, 'x-api-key': TEST_ENV.CRM_WEBHOOK_SECRET },
        status: 401,
      },
      {
        name: 'key in Authorization',
        headers: { ...json, authorization: `Bearer ${key}` },
        status: 401,
      },
      { name: 'text/plain', headers: { ...EB_HEADERS, 'content-type': 'text/plain' }, status: 415 },
      { name: 'xml', headers: { ...EB_HEADERS, 'content-type': 'application/xml' }, status: 415 },
      {
        name: 'form',
        headers: { ...EB_HEADERS, 'content-type': 'application/x-www-form-urlencoded' },
        status: 415,
      },
      {
        name: 'multipart',
        headers: { ...EB_HEADERS, 'content-type': 'multipart/form-data; boundary=x' },
        status: 415,
      },
      {
        name: 'application/jsonx',
        headers: { ...EB_HEADERS, 'content-type': 'application/jsonx' },
        status: 415,
      },
      {
        name: 'upper-case JSON type',
        headers: { ...EB_HEADERS, 'content-type': 'APPLICATION/JSON' },
        status: 202,
      },
      {
        name: '+json type',
        headers: { ...EB_HEADERS, 'content-type': 'application/cloudevents+json' },
        status: 202,
      },
      { name: 'no content type', headers: { 'x-api-key': key }, status: 202 },
      {
        name: 'charset parameter',
        headers: { ...EB_HEADERS, 'content-type': 'application/json; charset=utf-8' },
        status: 202,
      },
      {
        name: 'content-encoding compress',
        headers: { ...EB_HEADERS, 'content-encoding': 'compress' },
        status: 415,
      },
      {
        name: 'gzip header over plain bytes',
        headers: { ...EB_HEADERS, 'content-encoding': 'gzip' },
        status: 400,
      },
      {
        name: 'deflate header over plain bytes',
        headers: { ...EB_HEADERS, 'content-encoding': 'deflate' },
        status: 400,
      },
      {
        name: 'br header over plain bytes',
        headers: { ...EB_HEADERS, 'content-encoding': 'br' },
        status: 400,
      },
      {
        name: 'identity encoding',
        headers: { ...EB_HEADERS, 'content-encoding': 'identity' },
        status: 202,
      },
    ];
    for (const c of headerCases) {
      // Bytes, so that supertest adds no content type of its own.
      await eventBridge(c.name, Buffer.from(valid()), c.status, c.headers);
    }
    await eventBridge('real gzip', gzipSync(valid()), 202, {
      ...EB_HEADERS,
      'content-encoding': 'gzip',
    });
    await eventBridge('unauthenticated 2 MiB body', 'x'.repeat(2 * MIB), 401, json);

    const app = t.closer.app;
    const other: { name: string; build: () => Test; status: number; shape?: 'none' }[] = [
      {
        name: 'GET',
        build: () => request(app).get('/events/eventbridge').set(EB_HEADERS),
        status: 404,
      },
      {
        name: 'PUT',
        build: () => request(app).put('/events/eventbridge').set(EB_HEADERS).send(valid()),
        status: 404,
      },
      {
        name: 'PATCH',
        build: () => request(app).patch('/events/eventbridge').set(EB_HEADERS).send(valid()),
        status: 404,
      },
      {
        name: 'DELETE',
        build: () => request(app).delete('/events/eventbridge').set(EB_HEADERS),
        status: 404,
      },
      {
        name: 'HEAD',
        build: () => request(app).head('/events/eventbridge').set(EB_HEADERS),
        status: 404,
        shape: 'none',
      },
      // Express answers OPTIONS itself with the allowed methods.
      {
        name: 'OPTIONS',
        build: () => request(app).options('/events/eventbridge'),
        status: 200,
        shape: 'none',
      },
      // Express routing is not strict about a trailing slash.
      {
        name: 'trailing slash',
        build: () => request(app).post('/events/eventbridge/').set(EB_HEADERS).send(valid()),
        status: 202,
      },
      {
        name: 'NUL in path',
        build: () => request(app).post('/events/eventbridge%00').set(EB_HEADERS).send(valid()),
        status: 404,
      },
      {
        name: 'dot segments in path',
        build: () => request(app).post('/events/x/../eventbridge').set(EB_HEADERS).send(valid()),
        status: 404,
      },
      {
        name: 'bad %-escape in path',
        build: () => request(app).post('/events/%E0%A4%A').set(EB_HEADERS).send(valid()),
        status: 404,
      },
    ];
    for (const c of other) {
      const res = await verdicts.check(
        `eventbridge ${c.name}`,
        c.build,
        c.status,
        c.shape ?? 'error',
      );
      countAccepted('eventbridge', res.status, res.body);
    }
    expect(verdicts.take()).toEqual([]);
  });
});

/** Standard Webhooks signature over the exact bytes (written here, independent of src). */
function signBytes(bytes: Buffer, id: string, timestampSeconds: number, secret: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key)
    .update(`${id}.${timestampSeconds}.`)
    .update(bytes)
    .digest('base64');
  return `v1,${mac}`;
}

interface WebhookOptions {
  path?: string;
  /** Headers replacing (or, with '', removing) the signed ones. */
  headers?: Record<string, string>;
  secret?: string;
  /** Signed timestamp offset from now, in seconds. */
  skewSeconds?: number;
  /** Bytes actually sent, when they differ from the signed ones. */
  sentBody?: string;
}

/** The answer intake must give a validly signed webhook body (see the decisions above). */
function webhookVerdict(bytes: Buffer): number {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
  }
  if (bytes.length > MIB) {
    return 413;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return 400;
  }
  if (typeof parsed !== 'object' || parsed === null) {
    return 400;
  }
  return jsonDepthOf(text) > MAX_JSON_DEPTH ? 400 : 202;
}

async function webhook(
  name: string,
  body: string | Buffer,
  allowed: number | readonly number[] | 'oracle',
  options: WebhookOptions = {},
): Promise<void> {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const id = nextId('wh');
  const timestamp = Math.floor(t.clock.now() / 1000) + (options.skewSeconds ?? 0);
  const signed: Record<string, string> = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signBytes(
      bytes,
      id,
      timestamp,
      options.secret ?? TEST_ENV.CRM_WEBHOOK_SECRET,
    ),
  };
  const headers = { ...signed, ...options.headers };
  const sent = options.sentBody === undefined ? bytes : Buffer.from(options.sentBody, 'utf8');
  const build = (): Test => {
    let req = request(t.closer.app).post(options.path ?? '/webhooks/crm');
    for (const [header, value] of Object.entries(headers)) {
      if (value !== '') {
        req = req.set(header, value);
      }
    }
    return req.serialize((x: unknown) => x as string).send(sent);
  };
  const res = await verdicts.check(
    `webhook ${name}`,
    build,
    allowed === 'oracle' ? webhookVerdict(bytes) : allowed,
  );
  countAccepted('crm', res.status, res.body);
}

describe('POST /webhooks/crm with hostile input', () => {
  it('validly signed garbage bodies: 400 unless a JSON object or array (then 202)', async () => {
    for (const { name, body } of structuralBodies(rng)) {
      await webhook(name, body, 'oracle');
    }
    await webhook('1 MiB + 1 byte', `{"a":"${'a'.repeat(MIB)}"}`, 413);
    await webhook(
      'array of 101 envelopes (opaque here)',
      JSON.stringify(Array.from({ length: 101 }, () => ({ a: 1 }))),
      202,
    );
    expect(verdicts.take()).toEqual([]);
  });

  it('a ticket event with one hostile field at a time is stored as is (opaque payload)', async () => {
    const fields: readonly (readonly string[])[] = [['type'], ['data'], ['data', 'conversationId']];
    for (const path of fields) {
      for (const value of hostile) {
        const ticket: Record<string, unknown> = {
          type: 'ticket.closed',
          data: { conversationId: 'c-1' },
        };
        const parent = path.length === 1 ? ticket : (ticket.data as Record<string, unknown>);
        parent[path[path.length - 1] ?? ''] = '@@hostile@@';
        const text = JSON.stringify(ticket).replace('"@@hostile@@"', () => value.json);
        await webhook(`${path.join('.')} = ${value.name}`, text, 'oracle');
      }
    }
    expect(verdicts.take()).toEqual([]);
  });

  it('refuses every bad signature with 401 and stores nothing', async () => {
    const body = JSON.stringify({ type: 'ticket.closed', data: { conversationId: 'sig-1' } });
    const cases: { name: string; options: WebhookOptions; status?: number }[] = [
      {
        name: 'no signature headers',
        options: {
          headers: { 'webhook-id': '', 'webhook-timestamp': '', 'webhook-signature': '' },
        },
      },
      { name: 'no webhook-id', options: { headers: { 'webhook-id': '' } } },
      { name: 'no webhook-timestamp', options: { headers: { 'webhook-timestamp': '' } } },
      { name: 'no webhook-signature', options: { headers: { 'webhook-signature': '' } } },
      {
        name: 'wrong secret',
        options: { secret: `whsec_${Buffer.from('not-the-secret').toString('base64')}` },
      },
      { name: 'body changed after signing', options: { sentBody: body.replace('sig-1', 'sig-2') } },
      {
        name: 'webhook-id changed after signing',
        options: { headers: { 'webhook-id': 'other-id' } },
      },
      { name: 'timestamp 301 s old', options: { skewSeconds: -301 } },
      { name: 'timestamp 301 s ahead', options: { skewSeconds: 301 } },
      { name: 'timestamp 0', options: { headers: { 'webhook-timestamp': '0' } } },
      { name: 'negative timestamp', options: { headers: { 'webhook-timestamp': '-5' } } },
      { name: 'non-numeric timestamp', options: { headers: { 'webhook-timestamp': 'yesterday' } } },
      { name: 'exponent timestamp', options: { headers: { 'webhook-timestamp': '1e9' } } },
      {
        name: '13-digit timestamp',
        options: { headers: { 'webhook-timestamp': '1234567890123' } },
      },
      { name: 'empty v1 signature', options: { headers: { 'webhook-signature': 'v1,' } } },
      { name: 'v2 signature only', options: { headers: { 'webhook-signature': 'v2,AAAA' } } },
      {
        name: 'non-base64 signature',
        options: { headers: { 'webhook-signature': 'v1,!!!!****' } },
      },
      {
        name: 'no version prefix',
        options: {
          headers: { 'webhook-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
        },
      },
      {
        name: '1,500 bogus signatures',
        options: {
          headers: { 'webhook-signature': Array.from({ length: 1500 }, () => 'v1,AAAA').join(' ') },
        },
      },
      // The secret itself where a signature belongs: 401, and never echoed or logged.
      {
        name: 'the secret as signature',
        options: { headers: { 'webhook-signature': `v1,${TEST_ENV.CRM_WEBHOOK_SECRET}` } },
      },
      {
        name: 'text/plain with a valid signature',
        options: { headers: { 'content-type': 'text/plain' } },
        status: 415,
      },
    ];
    for (const c of cases) {
      await webhook(c.name, body, c.status ?? 401, c.options);
    }
    expect(verdicts.take()).toEqual([]);
  });

  it('answers unknown, inherited and malformed source names with a 4xx', async () => {
    const body = JSON.stringify({ type: 'ticket.closed' });
    const paths: { path: string; status: number }[] = [
      { path: '/webhooks/eventbridge', status: 404 },
      { path: '/webhooks/__proto__', status: 404 },
      { path: '/webhooks/constructor', status: 404 },
      { path: '/webhooks/hasOwnProperty', status: 404 },
      { path: '/webhooks/toString', status: 404 },
      { path: '/webhooks/CRM', status: 404 },
      { path: `/webhooks/${'s'.repeat(5000)}`, status: 404 },
      { path: '/webhooks/..%2F..%2Fetc%2Fpasswd', status: 404 },
      { path: '/webhooks/%00', status: 404 },
      { path: '/webhooks/', status: 404 },
      { path: '/webhooks/crm/extra', status: 404 },
      // A malformed %-escape cannot be decoded into a source name: the router's 400.
      { path: '/webhooks/%E0%A4%A', status: 400 },
    ];
    for (const { path, status } of paths) {
      await webhook(`path ${path.slice(0, 60)}`, body, status, { path });
    }
    expect(verdicts.take()).toEqual([]);
  });
});

describe('after the whole intake corpus', () => {
  it('stored exactly what it acknowledged, stays healthy and leaks no secret', async () => {
    expect(verdicts.requests).toBeLessThanOrEqual(1000);
    const stored = await t.store.pendingEvents(100_000);
    expect({
      eventbridge: stored.filter((e) => e.source === 'eventbridge').length,
      crm: stored.filter((e) => e.source === 'crm').length,
    }).toEqual(acknowledged);
    expect(acknowledged.eventbridge).toBeGreaterThan(300);
    expect(acknowledged.crm).toBeGreaterThan(100);

    expect(await healthProblems(t, prototypeBefore, 'eb-final-1')).toEqual([]);
    // The pipeline digests every accepted hostile event without crashing.
    await t.settle();
    expect(await healthProblems(t, prototypeBefore, 'eb-final-2')).toEqual([]);
    // No conversation id from a payload made closer call another Genesys endpoint (`..`, `.`).
    const paths = t.sim.apiRequests().map((r) => r.path);
    expect(paths.filter((p) => p.endsWith('/') || p === '/api/v2/conversations/messages')).toEqual(
      [],
    );

    expect(secretsInLogs(t)).toEqual([]);
    expect(t.logs.filter((l) => /INTAKE_INTERNAL|unexpected API error/.test(l))).toEqual([]);
  });
});

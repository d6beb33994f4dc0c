import fc from 'fast-check';
import { INTAKE_ERRORS } from '../../../src/intake/errors';
import { TEST_ENV, testRulesYaml } from '../../helpers/closer';
import { eventBridgeEnvelope, webhookSignatureHeaders } from '../../helpers/payloads';
import { jsonDepthOf } from '../../integration/robustness/hostile-corpus';
import {
  aliasBomb,
  bodyEncoding,
  contentType,
  deepJson,
  deepYaml,
  encodeBody,
  extraHeaders,
  hostileJson,
  hostileString,
  hugeString,
  isJsonType,
  mutated,
  oversizeBody,
  pathSegment,
  queryString,
  sendable,
  splice,
  structuralBody,
  yamlSoup,
  type BodyEncoding,
} from './arbitraries';
import {
  API_TOKEN,
  VENDOR_SOURCES,
  WEBHOOK_SOURCES,
  type WebhookSourceSpec,
} from './closer-under-fuzz';
import type { Expectation, FuzzCase } from './judge';

/**
 * One generator of {@link FuzzCase}s per endpoint. Most requests are authenticated (right key,
 * valid signature, right token) so they reach the parsers, the schemas and the rules; a share
 * has bad credentials. Where the outcome follows from how the request was built (bad credentials,
 * a non-JSON type, an oversize body, a valid payload) the case says which statuses and codes it
 * must get; otherwise any 2xx or 4xx that follows the rules of `judge.ts` will do.
 */

const KIB = 1024;
const MIB = 1024 * KIB;
/** Intake's body limit (`DEFAULT_MAX_BODY_BYTES`) and the API's (`express.json` 256 KiB). */
export const INTAKE_LIMIT = MIB;
const API_LIMIT = 256 * KIB;

export const INTAKE_CODES = Object.keys(INTAKE_ERRORS);
export const HTTP_CODES = ['HTTP_BAD_REQUEST', 'HTTP_HEADERS_TOO_LARGE'];

/** A generated endpoint: its name and its cases. */
export interface FuzzEndpoint {
  name: string;
  cases: fc.Arbitrary<FuzzCase>;
}

export const CONVERSATIONS = [
  'c0nv-0000-4000-8000-000000000001',
  'c0nv-0000-4000-8000-000000000002',
  '7f3c1d2e-0000-4000-8000-00000000beef',
];

/** Whether `text` is JSON at all. */
function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const byteLength = (body: string | Buffer): number =>
  typeof body === 'string' ? Buffer.byteLength(body) : body.length;

/** Whether `extras` change how a body is decoded (then only the general rules apply). */
export const recodes = (extras: Record<string, string>): boolean =>
  Object.keys(extras).some((name) => name === 'content-encoding');

/** Request headers: the extras first, the request's own on top (content type only if given). */
export function headersOf(
  extras: Record<string, string>,
  own: Record<string, string | undefined>,
): Record<string, string> {
  const dropped = new Set(Object.keys(own));
  const headers = Object.entries(sendable(extras)).filter(([name]) => !dropped.has(name));
  const mine = Object.entries(own).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  return Object.fromEntries([...headers, ...mine]);
}

/** Extras: none most of the time. */
export const someExtras = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Record<string, string>>({}) },
  { weight: 1, arbitrary: extraHeaders },
);

// ---------------------------------------------------------------------------------------------
// Credentials

/** Bearer values closer accepts (the scheme is case-insensitive, spaces around are trimmed). */
const GOOD_BEARERS = [
  `Bearer ${API_TOKEN}`,
  `bearer ${API_TOKEN}`,
  `BEARER    ${API_TOKEN}`,
  `Bearer ${API_TOKEN}\t`,
];
const BAD_BEARERS: readonly (string | undefined)[] = [
  undefined,
  '',
  'Bearer',
  'Bearer wrong-token',
  `Bearer ${API_TOKEN}x`,
  `Bearer ${API_TOKEN.slice(0, -1)}`,
  `Bearer ${API_TOKEN} ${API_TOKEN}`,
  `Basic ${Buffer.from(`user:${API_TOKEN}`).toString('base64')}`,
  `Token ${API_TOKEN}`,
  API_TOKEN,
  `Bearer ${'t'.repeat(8 * KIB)}`,
  `Bearer \u00e9\u00ff${API_TOKEN}`,
];

/** An Authorization value: right 85% of the time. */
const bearer: fc.Arbitrary<{ value: string | undefined; ok: boolean }> = fc.oneof(
  { weight: 17, arbitrary: fc.constantFrom(...GOOD_BEARERS).map((value) => ({ value, ok: true })) },
  { weight: 3, arbitrary: fc.constantFrom(...BAD_BEARERS).map((value) => ({ value, ok: false })) },
);

const UNAUTHENTICATED: Expectation = { statuses: [401], codes: ['API_UNAUTHENTICATED'] };

// ---------------------------------------------------------------------------------------------
// POST /events/eventbridge

const KEY = TEST_ENV.CLOSER_EVENTBRIDGE_KEY;
const BAD_KEYS: readonly (string | undefined)[] = [
  undefined,
  '',
  'wrong',
  `${KEY}x`,
  KEY.toUpperCase(),
  KEY.slice(1),
  'k'.repeat(8 * KIB),
  `\u00e9${KEY}`,
  `${KEY}, ${KEY}`,
];

/** Places in an envelope where a hostile value goes. */
const ENVELOPE_PATHS: readonly (readonly string[])[] = [
  ['id'],
  ['detail-type'],
  ['source'],
  ['time'],
  ['account'],
  ['region'],
  ['version'],
  ['resources'],
  ['detail'],
  ['detail', 'topicName'],
  ['detail', 'version'],
  ['detail', 'timestamp'],
  ['detail', 'metadata'],
  ['detail', 'eventBody'],
  ['detail', 'eventBody', 'conversationId'],
  ['detail', 'eventBody', 'eventTime'],
  ['detail', 'eventBody', 'participantId'],
  ['detail', 'eventBody', 'mediaType'],
  ['__proto__'],
];

/** A valid envelope (a new id, one of a few conversations). */
const validEnvelope = fc
  .record({
    id: fc.uuid(),
    conversationId: fc.constantFrom(...CONVERSATIONS),
    event: fc.constantFrom('customer.end', 'agent.end', 'customer.start', 'acw'),
  })
  .map((o) => eventBridgeEnvelope(o));

/** An envelope with one hostile value at one place, as JSON text. */
const envelopeWithHostileField = fc
  .record({ envelope: validEnvelope, path: fc.constantFrom(...ENVELOPE_PATHS), json: hostileJson })
  .map(({ envelope, path, json }) => {
    let parent: Record<string, unknown> = envelope;
    for (const key of path.slice(0, -1)) {
      parent = parent[key] as Record<string, unknown>;
    }
    parent[path[path.length - 1] ?? 'id'] = '@@';
    return splice(envelope, json);
  });

export interface GeneratedBody {
  text: string | Buffer;
  /** Acceptable as is (when sent as UTF-8 with the right credentials). */
  valid: boolean;
}

const eventBridgeBody: fc.Arbitrary<GeneratedBody> = fc.oneof(
  { weight: 40, arbitrary: validEnvelope.map((e) => ({ text: JSON.stringify(e), valid: true })) },
  { weight: 40, arbitrary: envelopeWithHostileField.map((text) => ({ text, valid: false })) },
  {
    weight: 10,
    arbitrary: fc
      .array(validEnvelope, { minLength: 1, maxLength: 8 })
      .map((list) => ({ text: JSON.stringify(list), valid: true })),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 99, max: 104 }).map((n) => ({
      text: JSON.stringify(Array.from({ length: n }, () => eventBridgeEnvelope())),
      valid: n <= 100,
    })),
  },
  {
    weight: 25,
    arbitrary: validEnvelope
      .chain((e) => mutated(JSON.stringify(e)))
      .map((text) => ({ text, valid: false })),
  },
  { weight: 20, arbitrary: hostileJson.map((text) => ({ text, valid: false })) },
  { weight: 8, arbitrary: structuralBody.map((text) => ({ text, valid: false })) },
  { weight: 4, arbitrary: deepJson.map((text) => ({ text, valid: false })) },
  {
    weight: 1,
    arbitrary: oversizeBody(INTAKE_LIMIT + 1, INTAKE_LIMIT + 64 * KIB).map((text) => ({
      text,
      valid: false,
    })),
  },
);

export const eventBridgeEndpoint: FuzzEndpoint = {
  name: 'POST /events/eventbridge',
  cases: fc
    .record({
      key: fc.oneof(
        { weight: 17, arbitrary: fc.constant<string | undefined>(KEY) },
        { weight: 3, arbitrary: fc.constantFrom(...BAD_KEYS) },
      ),
      keyHeader: fc.constantFrom('x-api-key', 'X-Api-Key'),
      type: contentType,
      body: eventBridgeBody,
      encoding: bodyEncoding,
      extras: someExtras,
    })
    .map(({ key, keyHeader, type, body, encoding, extras }): FuzzCase => {
      const wire =
        typeof body.text === 'string'
          ? encodeBody(body.text, encoding.encoding, encoding.at)
          : body.text;
      const headers = headersOf(extras, {
        'x-api-key': undefined,
        [keyHeader]: key,
        'content-type': type,
      });
      return {
        label: `eventbridge key=${key === KEY ? 'ok' : String(key).slice(0, 20)} type=${String(type)} ${encoding.encoding}`,
        request: { method: 'POST', path: '/events/eventbridge', headers, body: wire },
        expect: intakeExpectation({
          authenticated: key === KEY,
          unauthenticatedCode: 'INTAKE_UNAUTHENTICATED',
          type,
          bytes: byteLength(wire),
          extras,
          valid: body.valid && isPlain(encoding.encoding),
        }),
      };
    }),
};

export const isPlain = (encoding: BodyEncoding): boolean =>
  encoding === 'utf8' || encoding === 'bom';

/** Intake checks credentials, then the content type, then the size, then the body. */
function intakeExpectation(o: {
  authenticated: boolean;
  unauthenticatedCode: string | readonly string[];
  type: string | undefined;
  bytes: number;
  extras: Record<string, string>;
  valid: boolean;
}): Expectation {
  if (!o.authenticated) {
    return {
      statuses: [401],
      codes:
        typeof o.unauthenticatedCode === 'string' ? [o.unauthenticatedCode] : o.unauthenticatedCode,
    };
  }
  if (!isJsonType(o.type)) {
    return { statuses: [415], codes: ['INTAKE_UNSUPPORTED_MEDIA_TYPE'] };
  }
  if (recodes(o.extras)) {
    // The body is decoded as it is read: an unknown encoding is refused before its size counts.
    return { codes: INTAKE_CODES };
  }
  if (o.bytes > INTAKE_LIMIT) {
    return { statuses: [413], codes: ['INTAKE_BODY_TOO_LARGE'] };
  }
  return o.valid ? { statuses: [200, 202] } : { codes: INTAKE_CODES };
}

// ---------------------------------------------------------------------------------------------
// POST /webhooks/:source

type SignatureMode =
  | 'valid'
  | 'missing'
  | 'garbage'
  | 'other-body'
  | 'stale'
  | 'future'
  | 'wrong-secret'
  | 'huge'
  | 'extra-garbage';

/** A webhook body: a CRM event (valid), or anything hostile. */
export const webhookBody: fc.Arbitrary<GeneratedBody> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc
      .record({
        type: fc.constantFrom('ticket.closed', 'ticket.opened', 'x'),
        conversationId: fc.constantFrom(...CONVERSATIONS),
        id: fc.uuid(),
      })
      .map(({ type, conversationId, id }) => ({
        text: JSON.stringify({
          id,
          type,
          data: { conversationId, closedAt: new Date().toISOString() },
        }),
        valid: true,
      })),
  },
  {
    weight: 15,
    arbitrary: fc
      .oneof(
        fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
        fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
      )
      .map((value) => ({ text: JSON.stringify(value), valid: true })),
  },
  {
    weight: 30,
    arbitrary: fc
      .record({
        json: hostileJson,
        key: fc.constantFrom('type', 'data', 'id', '__proto__', 'constructor'),
      })
      .map(({ json, key }) => {
        const text = splice({ [key]: '@@', type: 'ticket.closed' }, json);
        return { text, valid: parses(text) && jsonDepthOf(text) <= 100 };
      }),
  },
  { weight: 20, arbitrary: hostileJson.map((text) => ({ text, valid: false })) },
  {
    weight: 15,
    arbitrary: mutated('{"type":"ticket.closed","data":{"conversationId":"c1"}}').map((text) => ({
      text,
      valid: false,
    })),
  },
  { weight: 8, arbitrary: structuralBody.map((text) => ({ text, valid: false })) },
  { weight: 4, arbitrary: deepJson.map((text) => ({ text, valid: false })) },
  {
    weight: 1,
    arbitrary: oversizeBody(INTAKE_LIMIT + 1, INTAKE_LIMIT + 64 * KIB).map((text) => ({
      text,
      valid: false,
    })),
  },
);

const VENDOR_SOURCE_NAMES: ReadonlySet<string> = new Set(
  Object.values(VENDOR_SOURCES).map((source) => source.name),
);

/** Whether the scheme signs a timestamp (a stale or future one is refused). */
const timestamped = (source: WebhookSourceSpec): boolean =>
  source.scheme === 'standard-webhooks' || source.scheme === 'stripe';

/** Signature headers for `mode`; `bytes` is the body as sent. */
function signatureHeaders(
  source: WebhookSourceSpec,
  mode: SignatureMode,
  bytes: Buffer,
  id: string,
): Record<string, string> {
  const nowMs = Date.now();
  const sign = (secret: string, body: Buffer, atMs: number): Record<string, string> =>
    webhookSignatureHeaders(source.scheme, secret, body, {
      nowMs: atMs,
      id,
      contentType: null,
      header: 'x-signature',
      idHeader: 'x-delivery-id',
    });
  switch (mode) {
    case 'valid':
      return sign(source.secret, bytes, nowMs);
    case 'missing':
      return {};
    case 'garbage':
      return Object.fromEntries(
        Object.keys(sign(source.secret, bytes, nowMs)).map((name) => [
          name,
          'v1,garbage=,sha256=zz',
        ]),
      );
    case 'other-body':
      return sign(source.secret, Buffer.concat([bytes, Buffer.from(' ')]), nowMs);
    case 'stale':
      return sign(source.secret, bytes, nowMs - 3_600_000);
    case 'future':
      return sign(source.secret, bytes, nowMs + 3_600_000);
    case 'wrong-secret':
      return sign(
        source.scheme === 'standard-webhooks'
          ? `whsec_${Buffer.from('another-secret-0123456789').toString('base64')}`
          : 'another-secret-0123456789',
        bytes,
        nowMs,
      );
    case 'huge':
      return Object.fromEntries(
        Object.keys(sign(source.secret, bytes, nowMs)).map((name) => [name, 'a'.repeat(4 * KIB)]),
      );
    default: {
      // Many wrong signatures next to no right one.
      const headers = sign('another-secret-0123456789', bytes, nowMs);
      for (const name of ['webhook-signature', 'stripe-signature']) {
        const value = headers[name];
        if (value !== undefined) {
          headers[name] =
            `${value}${name === 'stripe-signature' ? ',v1=' : ' v1,'}${'ab'.repeat(32)}`.repeat(20);
        }
      }
      return headers;
    }
  }
}

export const webhookEndpoint: FuzzEndpoint = {
  name: 'POST /webhooks/:source',
  cases: fc
    .record({
      source: fc.oneof(
        {
          weight: 17,
          arbitrary: fc
            .constantFrom(...WEBHOOK_SOURCES)
            .map((s) => ({ known: s, segment: s.name })),
        },
        {
          weight: 3,
          arbitrary: fc
            .oneof(
              pathSegment,
              fc.constantFrom('eventbridge', 'CRM', 'crm%20', '__proto__', 'hasOwnProperty'),
            )
            // The vendor sources have a lane of their own (vendor-webhooks.ts).
            .filter((segment) => !VENDOR_SOURCE_NAMES.has(segment))
            .map((segment) => ({
              known: WEBHOOK_SOURCES.find((s) => s.name === segment),
              segment,
            })),
        },
      ),
      mode: fc.oneof(
        { weight: 16, arbitrary: fc.constant<SignatureMode>('valid') },
        {
          weight: 4,
          arbitrary: fc.constantFrom<SignatureMode>(
            'missing',
            'garbage',
            'other-body',
            'stale',
            'future',
            'wrong-secret',
            'huge',
            'extra-garbage',
          ),
        },
      ),
      id: fc.uuid(),
      type: contentType,
      body: webhookBody,
      encoding: bodyEncoding,
      extras: someExtras,
      replay: fc.boolean(),
    })
    .map(({ source, mode, id, type, body, encoding, extras, replay }): FuzzCase => {
      const wire =
        typeof body.text === 'string'
          ? encodeBody(body.text, encoding.encoding, encoding.at)
          : body.text;
      const bytes = typeof wire === 'string' ? Buffer.from(wire) : wire;
      const known = source.known;
      const signature =
        known === undefined ? {} : signatureHeaders(known, mode, bytes, `msg_${id}`);
      const signed =
        mode === 'valid' ||
        ((mode === 'stale' || mode === 'future') && known !== undefined && !timestamped(known));
      const headers = headersOf(extras, { ...signature, 'content-type': type });
      const expect: Expectation =
        known === undefined
          ? {
              statuses: [400, 404],
              codes: ['INTAKE_UNKNOWN_SOURCE', 'API_BAD_REQUEST', 'NOT_FOUND', ...HTTP_CODES],
            }
          : !isJsonType(type)
            ? { statuses: [415], codes: ['INTAKE_UNSUPPORTED_MEDIA_TYPE'] }
            : recodes(extras)
              ? { codes: INTAKE_CODES }
              : bytes.length > INTAKE_LIMIT
                ? { statuses: [413], codes: ['INTAKE_BODY_TOO_LARGE'] }
                : !signed
                  ? { statuses: [401], codes: ['INTAKE_BAD_SIGNATURE', 'INTAKE_STALE_TIMESTAMP'] }
                  : !(body.valid && isPlain(encoding.encoding))
                    ? { codes: INTAKE_CODES }
                    : { statuses: [200, 202] };
      return {
        label: `webhook ${source.segment.slice(0, 30)} signature=${mode} type=${String(type)} ${encoding.encoding}`,
        request: { method: 'POST', path: `/webhooks/${source.segment}`, headers, body: wire },
        expect,
        // A replay of a stored delivery must be answered as a duplicate.
        replay: replay && signed && known !== undefined,
      };
    }),
};

// ---------------------------------------------------------------------------------------------
// POST /v1/rules/validate

const VALID_RULES = [
  testRulesYaml(),
  testRulesYaml({ dryRun: true, idleSide: 'agent' }),
  testRulesYaml({ idleWhile: ['agent', 'parked'] }),
];

const YAML_TYPES = ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/plain'] as const;

/**
 * Whether the API's body parsers read a body of this type (`express.json` and `express.text`);
 * other bodies are never read, so their size does not matter.
 */
function apiParses(type: string | undefined): boolean {
  const media = (type ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || (YAML_TYPES as readonly string[]).includes(media);
}

/** A body over the API's limit, read by its parser: 413 (415 first for an unknown charset). */
const TOO_LARGE_FOR_API: Expectation = {
  statuses: [413, 415],
  codes: ['API_BODY_TOO_LARGE', 'API_UNSUPPORTED_ENCODING'],
};

interface RulesText {
  text: string;
  /** Valid rules (200); otherwise the text may still happen to be valid. */
  valid: boolean;
}

/** Rules text: valid, mutated, token soup, deep, huge, alias bombs, hostile strings. */
const rulesText: fc.Arbitrary<RulesText> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...VALID_RULES).map((text) => ({ text, valid: true })) },
  {
    weight: 30,
    arbitrary: fc
      .constantFrom(...VALID_RULES)
      .chain((text) => mutated(text))
      .map((text) => ({ text, valid: false })),
  },
  { weight: 25, arbitrary: yamlSoup.map((text) => ({ text, valid: false })) },
  {
    weight: 10,
    arbitrary: fc
      .record({
        value: hostileJson,
        at: fc.constantFrom('id', 'after', 'message', 'source', 'pattern'),
      })
      .map(({ value, at }) => ({
        text: testRulesYaml().replace(
          at === 'id'
            ? 'idle-web-customer'
            : at === 'after'
              ? '20m'
              : at === 'message'
                ? '"Are you still there?"'
                : at === 'source'
                  ? 'source: crm'
                  : '{ type: [ticket.closed] }',
          at === 'source' ? `source: ${value.slice(0, 2_000)}` : value.slice(0, 20_000),
        ),
        valid: false,
      })),
  },
  { weight: 8, arbitrary: hostileString.map((text) => ({ text, valid: false })) },
  {
    weight: 3,
    arbitrary: deepYaml
      .filter((text) => text.length <= API_LIMIT)
      .map((text) => ({ text, valid: false })),
  },
  { weight: 2, arbitrary: aliasBomb.map((text) => ({ text, valid: false })) },
  {
    weight: 1,
    arbitrary: hugeString(20_000, 200_000).map((filler) => ({
      text: `${testRulesYaml()}\n# ${filler.replace(/\n/g, ' ')}`,
      valid: false,
    })),
  },
);

export const validateEndpoint: FuzzEndpoint = {
  name: 'POST /v1/rules/validate',
  cases: fc
    .record({
      auth: bearer,
      rules: rulesText,
      form: fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .constantFrom(...YAML_TYPES)
            .map((type) => ({ kind: 'yaml' as const, type })),
        },
        { weight: 3, arbitrary: fc.constant({ kind: 'json' as const, type: 'application/json' }) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            { kind: 'hostile json' as const, type: 'application/json' },
            { kind: 'other' as const, type: 'application/x-www-form-urlencoded' },
            { kind: 'other' as const, type: 'text/yaml; charset=utf-42' },
            { kind: 'other' as const, type: 'application/octet-stream' },
            { kind: 'oversize' as const, type: 'text/yaml' },
          ),
        },
      ),
      hostile: hostileJson,
      oversize: oversizeBody(API_LIMIT + 1, API_LIMIT + 32 * KIB),
      encoding: bodyEncoding,
      extras: someExtras,
    })
    .map(({ auth, rules, form, hostile, oversize, encoding, extras }): FuzzCase => {
      const text =
        form.kind === 'json'
          ? JSON.stringify({ text: rules.text })
          : form.kind === 'hostile json'
            ? hostile
            : form.kind === 'oversize'
              ? oversize
              : rules.text;
      const wire = encodeBody(text, encoding.encoding, encoding.at);
      const headers = headersOf(extras, { authorization: auth.value, 'content-type': form.type });
      const bytes = byteLength(wire);
      const expect: Expectation = !auth.ok
        ? UNAUTHENTICATED
        : bytes > API_LIMIT && !recodes(extras) && apiParses(form.type)
          ? TOO_LARGE_FOR_API
          : rules.valid &&
              (form.kind === 'yaml' || form.kind === 'json') &&
              isPlain(encoding.encoding) &&
              !recodes(extras)
            ? { statuses: [200] }
            : { statuses: [200, 400, 413, 415, 422], errorShape: 'validation' };
      return {
        label: `validate ${form.kind} ${form.type} ${encoding.encoding} auth=${auth.ok}`,
        request: { method: 'POST', path: '/v1/rules/validate', headers, body: wire },
        expect,
      };
    }),
};

// ---------------------------------------------------------------------------------------------
// POST /v1/rules/test

const rulesTestBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: validEnvelope.map((event) => JSON.stringify({ event })) },
  { weight: 6, arbitrary: envelopeWithHostileField.map((text) => `{"event":${text}}`) },
  { weight: 4, arbitrary: hostileJson.map((json) => `{"event":${json}}`) },
  {
    weight: 6,
    arbitrary: fc
      .record({
        source: fc.oneof(
          fc.constantFrom('crm', 'gh', 'eventbridge', 'nope'),
          hostileString.map((s) => s.slice(0, 100)),
        ),
        body: fc.oneof(
          hostileJson,
          fc.constant(
            '{"type":"ticket.closed","data":{"conversationId":"c1","closedAt":"2026-01-01T00:00:00Z"}}',
          ),
        ),
      })
      .map(({ source, body }) => `{"webhook":{"source":${JSON.stringify(source)},"body":${body}}}`),
  },
  {
    weight: 4,
    arbitrary: fc
      .oneof(
        fc.constantFrom(...CONVERSATIONS),
        hostileString.map((s) => s.slice(0, 200)),
      )
      .map((conversationId) => JSON.stringify({ conversationId })),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({ event: validEnvelope, rules: rulesText })
      .filter(({ rules }) => rules.text.length < 64 * KIB)
      .map(({ event, rules }) => JSON.stringify({ event, rules: rules.text })),
  },
  { weight: 3, arbitrary: hostileJson },
  { weight: 2, arbitrary: mutated('{"event":{"detail":{"topicName":"x"}},"rules":"rules: []"}') },
  { weight: 1, arbitrary: deepJson.map((json) => `{"event":${json}}`) },
);

export const rulesTestEndpoint: FuzzEndpoint = {
  name: 'POST /v1/rules/test',
  cases: fc
    .record({
      auth: bearer,
      body: rulesTestBody,
      query: fc.oneof(
        { weight: 9, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: queryString(['live']) },
      ),
      type: fc.oneof(
        { weight: 9, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: contentType },
      ),
      encoding: bodyEncoding,
      extras: someExtras,
    })
    .map(({ auth, body, query, type, encoding, extras }): FuzzCase => {
      const wire = encodeBody(body, encoding.encoding, encoding.at);
      return {
        label: `rules/test ${type ?? 'untyped'} ${encoding.encoding} auth=${auth.ok}`,
        request: {
          method: 'POST',
          path: `/v1/rules/test${query === '' ? '' : `?${query}`}`,
          headers: headersOf(extras, { authorization: auth.value, 'content-type': type }),
          body: wire,
        },
        expect: !auth.ok
          ? UNAUTHENTICATED
          : byteLength(wire) > API_LIMIT && !recodes(extras) && apiParses(type)
            ? TOO_LARGE_FOR_API
            : {},
      };
    }),
};

// ---------------------------------------------------------------------------------------------
// POST /v1/conversations/:id/terminate and GET /v1/conversations/:id

/** Whether closer takes `segment` as a well-formed conversation id (its own rule, restated). */
const wellFormedId = (segment: string): boolean => /^(?!\.+$)[A-Za-z0-9._-]{1,64}$/.test(segment);

const terminateBody: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('{}', '{"dryRun":true}', '{"leg":"customer","dryRun":true}', ''),
  },
  {
    weight: 8,
    arbitrary: fc
      .record({
        field: fc.constantFrom(
          'message',
          'leg',
          'wrapupCode',
          'wrapup',
          'dryRun',
          'force',
          '__proto__',
        ),
        json: hostileJson,
      })
      .map(({ field, json }) => splice({ dryRun: true, [field]: '@@' }, json)),
  },
  { weight: 3, arbitrary: hostileJson },
  { weight: 2, arbitrary: mutated('{"message":"bye","leg":"agent","dryRun":true}') },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: structuralBody.map((body) => body.toString()) },
);

export const terminateEndpoint: FuzzEndpoint = {
  name: 'POST /v1/conversations/:id/terminate',
  cases: fc
    .record({
      auth: bearer,
      id: pathSegment,
      body: terminateBody,
      type: contentType,
      encoding: bodyEncoding,
      extras: someExtras,
    })
    .map(({ auth, id, body, type, encoding, extras }): FuzzCase => {
      const wire = encodeBody(body, encoding.encoding, encoding.at);
      return {
        label: `terminate id=${id.slice(0, 40)} ${type ?? 'untyped'} ${encoding.encoding} auth=${auth.ok}`,
        request: {
          method: 'POST',
          path: `/v1/conversations/${id}/terminate`,
          headers: headersOf(extras, { authorization: auth.value, 'content-type': type }),
          body: wire,
        },
        // No conversation exists in the simulator: nothing can ever be ended (no 2xx).
        expect: !auth.ok ? UNAUTHENTICATED : { statuses: [400, 404, 413, 415] },
      };
    }),
};

export const conversationEndpoint: FuzzEndpoint = {
  name: 'GET /v1/conversations/:id',
  cases: fc
    .record({ auth: bearer, id: pathSegment, query: queryString(['x']), extras: someExtras })
    .map(({ auth, id, query, extras }): FuzzCase => ({
      label: `conversation ${id.slice(0, 40)} auth=${auth.ok}`,
      request: {
        method: 'GET',
        path: `/v1/conversations/${id}${query === '' ? '' : `?${query}`}`,
        headers: headersOf(extras, { authorization: auth.value }),
      },
      expect: !auth.ok
        ? UNAUTHENTICATED
        : wellFormedId(id)
          ? { statuses: [200, 304, 404, 400] }
          : { statuses: [400, 404] },
    })),
};

// ---------------------------------------------------------------------------------------------
// GETs with a query, and the rest of the surface

/** Methods for a GET route; anything but GET, HEAD and OPTIONS is a 404 `NOT_FOUND`. */
const METHODS = [
  'GET',
  'HEAD',
  'OPTIONS',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'TRACE',
  'PROPFIND',
  'PURGE',
] as const;
const method = fc.oneof(
  { weight: 14, arbitrary: fc.constant<(typeof METHODS)[number]>('GET') },
  { weight: 6, arbitrary: fc.constantFrom(...METHODS) },
);

/** What a GET route answers to `verb` once authenticated (`ok`: its statuses when it is a GET). */
function getRouteExpectation(
  verb: string,
  ok: readonly number[],
  successShape: Expectation['successShape'] = 'json',
): Expectation {
  switch (verb) {
    case 'GET':
      return { statuses: [...ok, 304], successShape };
    case 'HEAD':
      return { statuses: [...ok, 304], successShape: 'none', errorShape: 'none' };
    case 'OPTIONS':
      // Express answers OPTIONS for the routes of a router, not for the app's own.
      return { statuses: [200, 204, 404], codes: ['NOT_FOUND'], successShape: 'none' };
    default:
      return { statuses: [404], codes: ['NOT_FOUND'] };
  }
}

/** A GET route of the API: method, query and header fuzz; `ok` are its statuses for a GET. */
function apiGetEndpoint(
  path: string,
  keys: readonly string[],
  ok: readonly number[],
): FuzzEndpoint {
  return {
    name: `GET ${path}`,
    cases: fc
      .record({
        auth: bearer,
        verb: method,
        query: queryString(keys),
        extras: someExtras,
        body: fc.oneof(
          { weight: 9, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: hostileJson },
        ),
      })
      .map(({ auth, verb, query, extras, body }): FuzzCase => {
        const withBody = body !== null && verb !== 'GET' && verb !== 'HEAD';
        const expectation = !auth.ok
          ? { ...UNAUTHENTICATED, ...(verb === 'HEAD' ? { errorShape: 'none' as const } : {}) }
          : withBody
            ? { successShape: 'none' as const }
            : getRouteExpectation(verb, ok);
        return {
          label: `${verb} ${path}?${query.slice(0, 60)} auth=${auth.ok}`,
          request: {
            method: verb,
            path: `${path}${query === '' ? '' : `?${query}`}`,
            headers: headersOf(extras, {
              authorization: auth.value,
              ...(withBody ? { 'content-type': 'application/json' } : {}),
            }),
            ...(withBody ? { body } : {}),
          },
          expect: expectation,
        };
      }),
  };
}

export const outcomesEndpoint = apiGetEndpoint(
  '/v1/outcomes',
  ['since', 'limit', 'conversationId'],
  [200, 400],
);
export const unmatchedEndpoint = apiGetEndpoint(
  '/v1/deliveries/unmatched',
  ['since', 'limit'],
  [200, 400],
);
export const rulesEndpoint = apiGetEndpoint('/v1/rules', ['version'], [200]);
export const genesysEndpoint = apiGetEndpoint('/v1/genesys', ['verbose'], [200]);
export const auditEndpoint = apiGetEndpoint('/v1/audit', ['limit'], [200]);

/** An unauthenticated operations route: `/healthz`, `/readyz`, `/metrics`. */
function opsEndpoint(path: string, successShape: Expectation['successShape']): FuzzEndpoint {
  return {
    name: `GET ${path}`,
    cases: fc
      .record({
        verb: method,
        query: queryString(['verbose', 'name[]']),
        extras: someExtras,
        auth: fc.option(bearer, { freq: 4 }),
      })
      .map(({ verb, query, extras, auth }): FuzzCase => ({
        label: `${verb} ${path}?${query.slice(0, 60)}`,
        request: {
          method: verb,
          path: `${path}${query === '' ? '' : `?${query}`}`,
          headers: headersOf(extras, { authorization: auth?.value }),
        },
        expect: getRouteExpectation(verb, [200], successShape),
      })),
  };
}

export const healthzEndpoint = opsEndpoint('/healthz', 'json');
export const readyzEndpoint = opsEndpoint('/readyz', 'json');
export const metricsEndpoint = opsEndpoint('/metrics', 'text');

/** Paths closer serves: an unknown-path case that hits one by chance is not unknown. */
const KNOWN =
  /^\/(healthz|readyz|metrics|events\/eventbridge|webhooks\/[^/]+|v1\/(rules(\/validate|\/test)?|genesys|audit|outcomes|deliveries\/unmatched|conversations\/[^/]+(\/terminate)?))\/?$/i;

export const unknownPathEndpoint: FuzzEndpoint = {
  name: 'unknown paths',
  cases: fc
    .record({
      prefix: fc.constantFrom(
        '/',
        '/v1/',
        '/events/',
        '/webhooks/crm/',
        '/v1/conversations/x/',
        '//',
        '/V1/',
      ),
      segments: fc.array(pathSegment, { minLength: 1, maxLength: 3 }),
      verb: method,
      auth: bearer,
    })
    .filter(({ prefix, segments }) => !KNOWN.test(`${prefix}${segments.join('/')}`))
    .map(({ prefix, segments, verb, auth }): FuzzCase => {
      const path = `${prefix}${segments.join('/')}`;
      const underApi = /^\/v1\//i.test(path);
      // `POST /webhooks/:source/:token` is a route (path-token sources): a source that takes no
      // token there, or none by that name, is refused as unknown at this path.
      const tokenRoute = verb === 'POST' && /^\/webhooks\/[^/]+\/[^/]+\/?$/i.test(path);
      return {
        label: `${verb} ${path.slice(0, 80)} auth=${auth.ok}`,
        request: { method: verb, path, headers: headersOf({}, { authorization: auth.value }) },
        expect: {
          statuses:
            underApi && !auth.ok ? [401] : verb === 'OPTIONS' ? [200, 204, 400, 404] : [400, 404],
          codes:
            underApi && !auth.ok
              ? ['API_UNAUTHENTICATED']
              : [
                  'NOT_FOUND',
                  'API_BAD_REQUEST',
                  ...HTTP_CODES,
                  ...(tokenRoute ? ['INTAKE_UNKNOWN_SOURCE'] : []),
                ],
          ...(verb === 'HEAD' ? { errorShape: 'none' as const } : {}),
          successShape: 'none',
        },
      };
    }),
};

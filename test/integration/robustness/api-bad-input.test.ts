import request from 'supertest';
import type { Test } from 'supertest';
import { startTestCloser, testRulesYaml, type TestCloser } from '../../helpers/closer';
import { deepArrayJson, hostileValues, mulberry32, structuralBodies } from './hostile-corpus';
import { API_AUTH, healthProblems, prototypeSnapshot, secretsInLogs, Verdicts } from './verdicts';

/**
 * The ops and termination API under hostile input: every answer is a 2xx for input that is in
 * fact valid, otherwise a 4xx `{error: {code, message}}` naming the problem (the rules validator
 * answers invalid rules with its own 422 `{valid: false, problems}`), never a 5xx, never a secret.
 *
 * Decisions where the spec leaves a choice:
 * - The terminate target is a well-formed id Genesys does not know, so every valid request
 *   ends in 404 CONVERSATION_NOT_FOUND (a real Genesys round trip) and nothing is ended.
 * - An empty JSON body on terminate means "no options" (valid). A non-empty body that no parser
 *   reads (form, XML, no content type) is 415: ignoring it would drop a `dryRun`.
 * - Ids: 1–64 of `[A-Za-z0-9._-]`, not only dots (`.`/`..` would be dot segments in a Genesys
 *   URL). `__proto__` or `-1` are well-formed, so they get the normal 404.
 */

const KIB = 1024;
const UNKNOWN = 'robust-unknown-conv';

let t: TestCloser;
const verdicts = new Verdicts();
const prototypeBefore = prototypeSnapshot();
const rng = mulberry32(0x0a9b1);
const hostile = hostileValues(rng);

beforeAll(async () => {
  t = await startTestCloser();
});

afterAll(async () => {
  await t.close();
});

/** Path ids and the status each must get (on terminate and on GET /v1/conversations/:id). */
const IDS: readonly { id: string; status: number }[] = [
  { id: UNKNOWN, status: 404 },
  { id: '..', status: 400 },
  { id: '.', status: 400 },
  { id: '...', status: 400 },
  { id: '%2e%2e', status: 400 },
  { id: '.%2E', status: 400 },
  { id: '..%2F..%2Fetc%2Fpasswd', status: 400 },
  { id: 'a%2Fb', status: 400 },
  { id: '%00', status: 400 },
  { id: 'abc%00def', status: 400 },
  { id: '%E0%A4%A', status: 400 },
  { id: '%F0%9F%92%A5', status: 400 },
  { id: '%20', status: 400 },
  { id: '%3Cscript%3E', status: 400 },
  { id: 'x'.repeat(64), status: 404 },
  { id: 'x'.repeat(65), status: 400 },
  { id: 'y'.repeat(5000), status: 400 },
  { id: '__proto__', status: 404 },
  { id: 'constructor', status: 404 },
  { id: '-1', status: 404 },
];

function terminate(id: string): Test {
  return request(t.closer.app).post(`/v1/conversations/${id}/terminate`).set(API_AUTH);
}

/** A terminate request with a raw body sent as is. */
function terminateRaw(body: string | Buffer, contentType?: string): Test {
  let req = terminate(UNKNOWN);
  if (contentType !== undefined) {
    req = req.set('content-type', contentType);
  }
  return req.serialize((x: unknown) => x as string).send(body);
}

/** What terminate must answer for a JSON body (express.json limit 256 KiB; strict schema). */
function terminateVerdict(text: string, field: string, value: unknown): number {
  if (Buffer.byteLength(text) > 256 * KIB) {
    return 413;
  }
  const trimmed = typeof value === 'string' ? value.trim() : undefined;
  switch (field) {
    case 'message':
      return trimmed !== undefined && trimmed.length >= 1 && trimmed.length <= 2000 ? 404 : 400;
    case 'wrapup':
      return trimmed !== undefined && trimmed.length >= 1 && trimmed.length <= 200 ? 404 : 400;
    case 'dryRun':
      return typeof value === 'boolean' ? 404 : 400;
    default:
      return value === 'customer' || value === 'agent' ? 404 : 400;
  }
}

describe('the API refuses bad credentials on every endpoint', () => {
  it('401 for a missing, malformed or wrong bearer token', async () => {
    const app = t.closer.app;
    const endpoints: { name: string; build: () => Test }[] = [
      {
        name: 'terminate',
        build: () => request(app).post(`/v1/conversations/${UNKNOWN}/terminate`).send({}),
      },
      {
        name: 'validate',
        build: () => request(app).post('/v1/rules/validate').send({ text: 'rules: []' }),
      },
      { name: 'outcomes', build: () => request(app).get('/v1/outcomes?since=0') },
      { name: 'conversation', build: () => request(app).get(`/v1/conversations/${UNKNOWN}`) },
      { name: 'rules', build: () => request(app).get('/v1/rules') },
    ];
    const token = API_AUTH.Authorization.replace('Bearer ', '');
    const authorizations = [
      undefined,
      'Bearer',
      'Bearer ',
      'Bearer wrong-token',
      `Bearer ${token}x`,
      `Bearer ${'t'.repeat(8 * KIB)}`,
      `Basic ${Buffer.from(`user:${token}`).toString('base64')}`,
      token,
    ];
    for (const endpoint of endpoints) {
      for (const authorization of authorizations) {
        await verdicts.check(
          `${endpoint.name} with authorization ${String(authorization).slice(0, 30)}`,
          () =>
            authorization === undefined
              ? endpoint.build()
              : endpoint.build().set('Authorization', authorization),
          401,
        );
      }
    }
    expect(verdicts.take()).toEqual([]);
  });
});

describe('POST /v1/conversations/:id/terminate with hostile input', () => {
  it('400 for malformed ids, 404 for well-formed unknown ones', async () => {
    for (const { id, status } of IDS) {
      await verdicts.check(`terminate id ${id.slice(0, 40)}`, () => terminate(id).send({}), status);
    }
    await verdicts.check('terminate empty id', () => terminate('').send({}), 404);
    expect(verdicts.take()).toEqual([]);
  });

  it('checks each body field against hostile values', async () => {
    for (const field of ['message', 'leg', 'wrapup', 'dryRun']) {
      for (const value of hostile) {
        const text = JSON.stringify({ [field]: '@@hostile@@' }).replace(
          '"@@hostile@@"',
          () => value.json,
        );
        const parsed = JSON.parse(value.json) as unknown;
        await verdicts.check(
          `terminate ${field} = ${value.name}`,
          () => terminateRaw(text, 'application/json'),
          terminateVerdict(text, field, parsed),
        );
      }
    }
    expect(verdicts.take()).toEqual([]);
  });

  it('answers structurally bad bodies with 400 (an empty body is "no options")', async () => {
    // Bodies express.json reads as an empty object (it drops a BOM): a request with no options.
    const noOptions = new Set(['empty', 'BOM only', 'empty object']);
    for (const { name, body } of structuralBodies(rng)) {
      await verdicts.check(
        `terminate body ${name}`,
        () => terminateRaw(body, 'application/json'),
        noOptions.has(name) ? 404 : 400,
      );
    }
    const extra: { name: string; body: string; status: number }[] = [
      { name: 'unknown key', body: '{"dryRun":true,"force":true}', status: 400 },
      { name: 'own __proto__ key', body: '{"__proto__":{"dryRun":true}}', status: 400 },
      { name: 'duplicate keys', body: '{"leg":"agent","leg":"nobody"}', status: 400 },
      {
        name: 'message of 2001 chars',
        body: JSON.stringify({ message: 'm'.repeat(2001) }),
        status: 400,
      },
      {
        name: '300 KiB body',
        body: JSON.stringify({ message: 'm'.repeat(300 * KIB) }),
        status: 413,
      },
      { name: '3 MiB body', body: `[${'1,'.repeat(1536 * KIB)}1]`, status: 413 },
      { name: 'deep arrays 10k', body: deepArrayJson(10_000), status: 400 },
    ];
    for (const c of extra) {
      await verdicts.check(
        `terminate body ${c.name}`,
        () => terminateRaw(c.body, 'application/json'),
        c.status,
      );
    }
    expect(verdicts.take()).toEqual([]);
  });

  it('refuses bodies it cannot read instead of ignoring them', async () => {
    const dryRun = '{"dryRun":true}';
    const cases: { name: string; build: () => Test; status: number; shape?: 'none' }[] = [
      { name: 'text/plain JSON', build: () => terminateRaw(dryRun, 'text/plain'), status: 400 },
      {
        name: 'form',
        build: () => terminateRaw('dryRun=true', 'application/x-www-form-urlencoded'),
        status: 415,
      },
      {
        name: 'xml',
        build: () => terminateRaw('<dryRun>true</dryRun>', 'application/xml'),
        status: 415,
      },
      {
        name: 'merge-patch+json',
        build: () => terminateRaw(dryRun, 'application/merge-patch+json'),
        status: 415,
      },
      { name: 'no content type', build: () => terminateRaw(Buffer.from(dryRun)), status: 415 },
      // iconv-lite decodes UTF-7, so this one is read (as a dry run: 404 for the unknown id).
      {
        name: 'charset utf-7',
        build: () => terminateRaw(dryRun, 'application/json; charset=utf-7'),
        status: 404,
      },
      {
        name: 'charset utf-42',
        build: () => terminateRaw(dryRun, 'application/json; charset=utf-42'),
        status: 415,
      },
      {
        name: 'charset latin1',
        build: () => terminateRaw(dryRun, 'application/json; charset=latin1'),
        status: 415,
      },
      {
        name: 'gzip header over plain bytes',
        build: () => terminateRaw(dryRun, 'application/json').set('content-encoding', 'gzip'),
        status: 400,
      },
      {
        name: 'unknown content-encoding',
        build: () => terminateRaw(dryRun, 'application/json').set('content-encoding', 'compress'),
        status: 415,
      },
      // No body at all is "no options": a real (404) termination attempt.
      { name: 'no body', build: () => terminate(UNKNOWN), status: 404 },
      {
        name: 'GET',
        build: () =>
          request(t.closer.app).get(`/v1/conversations/${UNKNOWN}/terminate`).set(API_AUTH),
        status: 404,
      },
      {
        name: 'PUT',
        build: () =>
          request(t.closer.app)
            .put(`/v1/conversations/${UNKNOWN}/terminate`)
            .set(API_AUTH)
            .send({}),
        status: 404,
      },
      {
        name: 'DELETE',
        build: () =>
          request(t.closer.app).delete(`/v1/conversations/${UNKNOWN}/terminate`).set(API_AUTH),
        status: 404,
      },
      {
        name: 'HEAD',
        build: () =>
          request(t.closer.app).head(`/v1/conversations/${UNKNOWN}/terminate`).set(API_AUTH),
        status: 404,
        shape: 'none',
      },
      // Express answers OPTIONS itself (Allow: POST) once authenticated.
      {
        name: 'OPTIONS',
        build: () =>
          request(t.closer.app).options(`/v1/conversations/${UNKNOWN}/terminate`).set(API_AUTH),
        status: 200,
        shape: 'none',
      },
    ];
    for (const c of cases) {
      await verdicts.check(`terminate ${c.name}`, c.build, c.status, c.shape ?? 'error');
    }
    expect(verdicts.take()).toEqual([]);
  });
});

describe('POST /v1/rules/validate with hostile input', () => {
  function validate(body: string | Buffer, contentType: string): Test {
    return request(t.closer.app)
      .post('/v1/rules/validate')
      .set(API_AUTH)
      .set('content-type', contentType)
      .serialize((x: unknown) => x as string)
      .send(body);
  }

  it('200 for valid rules, 422 with problems for invalid YAML, 4xx for unreadable requests', async () => {
    const laughs = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from({ length: 8 }, (_, i) => {
        const prev = String.fromCharCode(97 + i);
        const next = String.fromCharCode(98 + i);
        return `${next}: &${next} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`;
      }),
      'rules: *i',
    ].join('\n');
    const yamlCases: { name: string; text: string; status: number }[] = [
      { name: 'valid rules', text: testRulesYaml(), status: 200 },
      { name: 'empty', text: '', status: 422 },
      { name: 'colon', text: ':', status: 422 },
      { name: 'unclosed flow', text: 'rules: [', status: 422 },
      { name: 'tab indentation', text: 'rules:\n\t- id: x', status: 422 },
      { name: 'unknown alias', text: 'rules: *nope', status: 422 },
      { name: 'billion laughs', text: laughs, status: 422 },
      { name: 'deep flow sequences', text: deepArrayJson(100_000), status: 422 },
      { name: '__proto__ key', text: '__proto__: {polluted: yes}\nrules: []', status: 422 },
      { name: 'constructor key', text: 'constructor: {prototype: {polluted: yes}}', status: 422 },
      { name: 'duplicate keys', text: 'rules: []\nrules: []', status: 422 },
      { name: 'NUL bytes', text: 'rules:\u0000\u0000', status: 422 },
      { name: 'scalar document', text: '42', status: 422 },
      { name: 'list document', text: '- a\n- b', status: 422 },
      { name: 'unknown rule kind', text: 'rules:\n  - id: x\n    kind: explode', status: 422 },
      { name: 'random text', text: JSON.stringify(hostile.map((v) => v.name)), status: 422 },
      { name: '300 KiB', text: `# ${'c'.repeat(300 * KIB)}`, status: 413 },
    ];
    for (const c of yamlCases) {
      await verdicts.check(
        `validate yaml ${c.name}`,
        () => validate(c.text, 'text/yaml'),
        c.status,
        'validation',
      );
    }
    const jsonCases: { name: string; body: string; status: number; shape?: 'validation' }[] = [
      { name: 'text: valid rules', body: JSON.stringify({ text: testRulesYaml() }), status: 200 },
      {
        name: 'text: garbage',
        body: JSON.stringify({ text: 'rules: [' }),
        status: 422,
        shape: 'validation',
      },
      { name: 'empty object', body: '{}', status: 400 },
      { name: 'text: number', body: '{"text":1}', status: 400 },
      { name: 'text: null', body: '{"text":null}', status: 400 },
      { name: 'text: object', body: '{"text":{"rules":[]}}', status: 400 },
      { name: 'extra key', body: '{"text":"rules: []","x":1}', status: 400 },
      { name: 'array', body: '[]', status: 400 },
      { name: 'string', body: '"rules: []"', status: 400 },
      { name: 'truncated', body: '{"text":"rul', status: 400 },
      { name: '__proto__ key', body: '{"__proto__":{"text":"rules: []"}}', status: 400 },
      { name: 'deep arrays 10k', body: deepArrayJson(10_000), status: 400 },
    ];
    for (const c of jsonCases) {
      await verdicts.check(
        `validate json ${c.name}`,
        () => validate(c.body, 'application/json'),
        c.status,
        c.shape ?? 'error',
      );
    }
    await verdicts.check(
      'validate form',
      () => validate('text=rules', 'application/x-www-form-urlencoded'),
      400,
    );
    await verdicts.check(
      'validate GET',
      () => request(t.closer.app).get('/v1/rules/validate').set(API_AUTH),
      404,
    );
    expect(verdicts.take()).toEqual([]);
  });
  it('refuses rules text over the size or nesting limit before parsing it, naming the code', async () => {
    // Regression: ~200 KB of nested `[` made the YAML parser overflow its stack, take seconds and
    // hundreds of MB per request, and could abort the process (V8 RegExpCompiler OOM).
    const cases: { name: string; text: string; code: string }[] = [
      { name: 'deep flow lists, 120 KB', text: deepArrayJson(60_000), code: 'RULES_TOO_DEEP' },
      { name: 'unclosed flow lists, 120 KB', text: '['.repeat(120_000), code: 'RULES_TOO_DEEP' },
      {
        name: 'compact block lists',
        text: `rules:\n${'- '.repeat(50_000)}x`,
        code: 'RULES_TOO_DEEP',
      },
      { name: '200 KB', text: deepArrayJson(100_000), code: 'RULES_TOO_LARGE' },
    ];
    for (const c of cases) {
      const res = await verdicts.check(
        `validate limit ${c.name}`,
        () => validate(c.text, 'text/yaml'),
        422,
        'validation',
      );
      const body = res.body as { diagnostics?: { code: string }[] };
      expect([c.name, body.diagnostics?.map((d) => d.code)]).toEqual([c.name, [c.code]]);
    }
    expect(verdicts.take()).toEqual([]);
  });
});

describe('GET /v1/outcomes and GET /v1/conversations/:id with hostile input', () => {
  it('validates every query parameter', async () => {
    const queries: { query: string; status: number }[] = [
      { query: '', status: 200 },
      { query: 'since=0', status: 200 },
      { query: 'since=2026-01-01T00:00:00Z', status: 200 },
      { query: 'since=99999999999999999999999', status: 200 },
      { query: 'since=', status: 400 },
      { query: 'since=yesterday', status: 400 },
      { query: 'since=2026-13-45T99:99:99Z', status: 400 },
      { query: 'since=%00', status: 400 },
      { query: `since=${'9a'.repeat(2000)}`, status: 400 },
      { query: 'since=1&since=2', status: 400 },
      { query: 'since[a]=1', status: 400 },
      { query: 'since=%E0%A4%A', status: 400 },
      { query: 'limit=1000', status: 200 },
      { query: 'limit=0', status: 400 },
      { query: 'limit=1001', status: 400 },
      { query: 'limit=1.5', status: 400 },
      { query: 'limit=-1', status: 400 },
      { query: 'limit=abc', status: 400 },
      { query: 'limit=', status: 400 },
      { query: 'reasonCode=idle-customer', status: 200 },
      { query: 'reasonCode=crm-event&conversationId=ok-id&since=0', status: 200 },
      { query: 'reasonCode=', status: 400 },
      { query: 'reasonCode=IDLE-CUSTOMER', status: 400 },
      { query: 'reasonCode=idle-customer&reasonCode=idle-agent', status: 400 },
      { query: 'reasonCode[a]=1', status: 400 },
      { query: 'conversationId=ok-id', status: 200 },
      { query: 'conversationId=..', status: 400 },
      { query: `conversationId=${'x'.repeat(65)}`, status: 400 },
      { query: 'unknown=1', status: 400 },
      { query: '__proto__=1', status: 400 },
      { query: '__proto__[polluted]=yes', status: 400 },
      { query: 'constructor[prototype][polluted]=yes', status: 400 },
    ];
    for (const { query, status } of queries) {
      await verdicts.check(
        `outcomes ?${query.slice(0, 60)}`,
        () => request(t.closer.app).get(`/v1/outcomes?${query}`).set(API_AUTH),
        status,
      );
    }
    // Node's HTTP parser answers a request line over 16 KiB with a bare 431 before closer sees
    // it (no JSON body possible there): documented here, kept out of the JSON-checked corpus.
    await verdicts.check(
      'outcomes with a 20 KiB query',
      () =>
        request(t.closer.app)
          .get(`/v1/outcomes?since=${'1'.repeat(20 * KIB)}`)
          .set(API_AUTH),
      431,
      'none',
    );
    const strings = hostile.filter((v) => v.json.startsWith('"') && v.json.length < 8 * KIB);
    for (const value of strings) {
      const since = JSON.parse(value.json) as string;
      await verdicts.check(
        `outcomes since = ${value.name}`,
        () => request(t.closer.app).get('/v1/outcomes').query({ since }).set(API_AUTH),
        /^\d+$/.test(since) || !Number.isNaN(Date.parse(since)) ? 200 : 400,
      );
    }
    expect(verdicts.take()).toEqual([]);
  });

  it('400 for malformed conversation ids, 404 for unknown ones', async () => {
    for (const { id, status } of IDS) {
      await verdicts.check(
        `conversation ${id.slice(0, 40)}`,
        () => request(t.closer.app).get(`/v1/conversations/${id}`).set(API_AUTH),
        // Terminate recorded a not-found outcome for the well-formed ids: closer knows of them now.
        status === 404 ? 200 : status,
      );
    }
    await verdicts.check(
      'conversation never seen',
      () => request(t.closer.app).get('/v1/conversations/never-seen').set(API_AUTH),
      404,
    );
    await verdicts.check(
      'conversation sub-path',
      () => request(t.closer.app).get(`/v1/conversations/${UNKNOWN}/timers`).set(API_AUTH),
      404,
    );
    expect(verdicts.take()).toEqual([]);
  });
});

describe('after the whole API corpus', () => {
  it('stays healthy, ended nothing and leaks no secret', async () => {
    expect(verdicts.requests).toBeLessThanOrEqual(1000);
    expect(await healthProblems(t, prototypeBefore, 'api-final-1')).toEqual([]);
    await t.settle();
    // Every termination attempt was a read that found nothing: no disconnect was ever sent.
    const writes = t.sim.apiRequests().filter((r) => r.method === 'PATCH' || r.method === 'POST');
    expect(writes.filter((r) => r.path !== '/oauth/token')).toEqual([]);
    const paths = t.sim.apiRequests().map((r) => r.path);
    expect(paths.filter((p) => p.endsWith('/') || p === '/api/v2/conversations/messages')).toEqual(
      [],
    );
    expect(secretsInLogs(t)).toEqual([]);
    expect(t.logs.filter((l) => /unexpected API error/.test(l))).toEqual([]);
  });
});

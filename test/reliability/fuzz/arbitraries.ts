import fc from 'fast-check';
import {
  deepArrayJson,
  deepObjectJson,
  hostileValues,
  mulberry32,
  mutateText,
  randomText,
  structuralBodies,
} from '../../integration/robustness/hostile-corpus';

/**
 * Building blocks of hostile requests: strings, JSON text, YAML text, bodies in odd encodings,
 * content types, header values and path segments. Values are generated as text (JSON and YAML are
 * spliced as text, so nesting can go far deeper than `JSON.stringify` can recurse), and large
 * values are built with `repeat`, never character by character.
 */

const KIB = 1024;

/** The hand-written hostile corpus (robustness tests), as JSON text fragments. */
const CORPUS = hostileValues(mulberry32(0xf022));
/** Whole request bodies from the corpus: malformed, scalar, mis-encoded, deep. */
const STRUCTURAL = structuralBodies(mulberry32(0xf023));

/** Characters that break parsers, escapes and logs. */
const NASTY_UNITS = [
  '\u0000',
  '\u0001',
  '\u001b[31m',
  '\r\n',
  '\n',
  '\t',
  '\\',
  '"',
  "'",
  '`',
  '%',
  '%00',
  '%2e%2e%2f',
  '../',
  '${',
  '{{',
  '<',
  '&',
  '\u202e',
  '\ufeff',
  '\ud800',
  '\udfff',
  '💥',
  'é',
  '\u2028',
  '__proto__',
  'constructor',
  '*',
  '#',
  ':',
] as const;

/** A string of `length` units made with `repeat`. */
export const hugeString = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc
    .record({
      unit: fc.constantFrom('x', 'é', '💥', '\u0000', '\\', '"', '\ud800', ' ', 'ab'),
      length: fc.integer({ min: minLength, max: maxLength }),
    })
    .map(({ unit, length }) => unit.repeat(Math.max(1, Math.ceil(length / unit.length))));

/** A hostile string: random (any code point, lone surrogates), nasty units, corpus, or huge. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...NASTY_UNITS), maxLength: 12 }) },
  {
    weight: 2,
    arbitrary: fc.integer().map((seed) => randomText(mulberry32(seed), 1 + (Math.abs(seed) % 60))),
  },
  { weight: 1, arbitrary: hugeString(1_000, 20_000) },
);

/** Nesting far beyond any limit, as JSON text (also valid YAML flow). */
export const deepJson: fc.Arbitrary<string> = fc
  .record({
    kind: fc.constantFrom('array', 'object', 'open arrays', 'mixed'),
    depth: fc.oneof(
      fc.integer({ min: 90, max: 130 }),
      fc.integer({ min: 1_000, max: 5_000 }),
      fc.integer({ min: 20_000, max: 120_000 }),
    ),
  })
  .map(({ kind, depth }) => {
    switch (kind) {
      case 'array':
        return deepArrayJson(depth);
      case 'object':
        return deepObjectJson(depth);
      case 'open arrays':
        return '['.repeat(depth);
      default:
        return `${'[{"a":'.repeat(depth)}1${'}]'.repeat(depth)}`;
    }
  });

/** A JSON value as text: generated JSON, a corpus fragment, a hostile string, or deep nesting. */
export const hostileJson: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 4, arbitrary: fc.constantFrom(...CORPUS.map((value) => value.json)) },
  { weight: 3, arbitrary: hostileString.map((text) => JSON.stringify(text)) },
  { weight: 1, arbitrary: deepJson },
);

/** Valid JSON text with one byte-level mutation (truncate, delete, insert, replace, duplicate). */
export function mutated(text: string): fc.Arbitrary<string> {
  return fc.integer().map((seed) => mutateText(mulberry32(seed), text).text);
}

/** A whole hostile body from the corpus (malformed, scalar, mis-encoded, deep). */
export const structuralBody: fc.Arbitrary<string | Buffer> = fc.constantFrom(
  ...STRUCTURAL.map((entry) => entry.body),
);

/**
 * JSON text of `value` with the string `"@@"` replaced by `json` (a hostile fragment), so a
 * valid payload carries one hostile value at a chosen place.
 */
export function splice(value: unknown, json: string): string {
  return JSON.stringify(value).replace('"@@"', () => json);
}

/** Bytes a UTF-8 decoder refuses: stray continuation, overlong, surrogate, truncated sequences. */
const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0x80],
] as const;

/** How a body is put on the wire; `utf8` is the usual one, the others are hostile. */
export type BodyEncoding = 'utf8' | 'bom' | 'utf16le' | 'latin1' | 'invalid-utf8' | 'truncated';

/** Encodes `text`; `at` (0..1) places the invalid bytes or the cut. */
export function encodeBody(text: string, encoding: BodyEncoding, at: number): string | Buffer {
  const cut = Math.floor(text.length * at);
  switch (encoding) {
    case 'utf8':
      return text;
    case 'bom':
      return `\ufeff${text}`;
    case 'utf16le':
      return Buffer.from(text, 'utf16le');
    case 'latin1':
      return Buffer.from(text, 'latin1');
    case 'invalid-utf8': {
      const bad = INVALID_UTF8[Math.floor(at * INVALID_UTF8.length) % INVALID_UTF8.length] ?? [
        0xff,
      ];
      return Buffer.concat([
        Buffer.from(text.slice(0, cut)),
        Buffer.from(bad),
        Buffer.from(text.slice(cut)),
      ]);
    }
    default: {
      const bytes = Buffer.from(text);
      return bytes.subarray(0, Math.floor(bytes.length * at));
    }
  }
}

/** An encoding, mostly `utf8`. */
export const bodyEncoding: fc.Arbitrary<{ encoding: BodyEncoding; at: number }> = fc.record({
  encoding: fc.oneof(
    { weight: 12, arbitrary: fc.constant<BodyEncoding>('utf8') },
    {
      weight: 3,
      arbitrary: fc.constantFrom<BodyEncoding>(
        'bom',
        'utf16le',
        'latin1',
        'invalid-utf8',
        'truncated',
      ),
    },
  ),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
});

/** An oversize body: `bytes` long, either filler or a JSON array of that size. */
export function oversizeBody(minBytes: number, maxBytes: number): fc.Arbitrary<string> {
  return fc
    .record({
      bytes: fc.integer({ min: minBytes, max: maxBytes }),
      json: fc.boolean(),
    })
    .map(({ bytes, json }) =>
      json ? `[${'1,'.repeat(Math.ceil(bytes / 2))}1]` : 'o'.repeat(bytes),
    );
}

/** `application/json` and friends intake treats as JSON (a missing type too). */
export const JSON_CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/cloudevents+json',
  ' application/json ; charset=whatever',
] as const;

/** Content types that are not JSON, some malformed. */
export const OTHER_CONTENT_TYPES = [
  'text/plain',
  'text/yaml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  'application/jsonx',
  'json',
  '*/*',
  ';',
  'application/json/x',
  'application/json; charset=utf-42',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'text/html; charset="\u00e9"',
  'a'.repeat(2_000),
] as const;

/** A content type: mostly JSON (undefined = no header), sometimes anything else. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 2, arbitrary: fc.constantFrom<string | undefined>(undefined, ...JSON_CONTENT_TYPES) },
  { weight: 3, arbitrary: fc.constantFrom(...OTHER_CONTENT_TYPES) },
);

/** Whether intake reads `type` as JSON (missing, `application/json`, `+json`): the spec's rule. */
export function isJsonType(type: string | undefined): boolean {
  if (type === undefined || type.trim() === '') {
    return true;
  }
  const media = (type.split(';')[0] ?? '').trim().toLowerCase();
  return media === 'application/json' || media.endsWith('+json');
}

/**
 * A header value undici lets through (tab, printable ASCII, and bytes 0x80–0xff, sent raw so they
 * are not UTF-8): CR, LF and NUL are tried on raw sockets instead (see raw-http.ts).
 */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 60 }).map((text) => text.replace(/[^\t\x20-\x7e]/g, '')),
  fc.string({
    unit: fc.constantFrom('\t', ' ', 'a', '=', ',', ';', '"', '\\', '\u00e9', '\u00ff', '\u0080'),
    maxLength: 40,
  }),
  fc.integer({ min: 1, max: 8 * KIB }).map((n) => 'v'.repeat(n)),
);

/** Extra headers: names from the HTTP token alphabet, never ones undici refuses to send. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      'x-forwarded-for',
      'x-forwarded-proto',
      'x-request-id',
      'accept',
      'accept-encoding',
      'accept-charset',
      'cookie',
      'origin',
      'referer',
      'user-agent',
      'x-http-method-override',
      'content-encoding',
      'content-language',
      'range',
      'if-none-match',
      'authorization2',
      'x-injected',
    ),
    fc.stringMatching(/^[a-z][a-z0-9!#$%&'*+.^_`|~-]{0,30}$/),
  ),
  headerValue,
  { maxKeys: 4 },
);

/** Names of headers undici refuses to send or that change the framing; kept out of extras. */
const FRAMING = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
]);

/** `headers` without the names undici refuses (merged under the request's own headers). */
export function sendable(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !FRAMING.has(name)));
}

/**
 * A path segment: usually a well-formed id, otherwise dot segments, %-escapes (valid, malformed,
 * NUL, UTF-8), long ids, prototype names, or raw bytes 0x80–0xff (undici sends those as is).
 */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/) },
  { weight: 2, arbitrary: fc.uuid() },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '.',
      '..',
      '...',
      '%2e%2e',
      '.%2E',
      '%2F',
      'a%2Fb',
      '%00',
      '%',
      '%G0',
      '%E0%A4%A',
      '%F0%9F%92%A5',
      '%C0%AF',
      '%20',
      '%3Cscript%3E',
      '__proto__',
      'constructor',
      'prototype',
      '-1',
      '0',
      'null',
      'undefined',
      'NaN',
      '~',
      '!',
      '$',
      "'",
      '(',
      '*',
      '@',
      '\u00e9',
      '\u00ff\u00fe',
      ';a=b',
      'a;b',
      'x'.repeat(65),
      'y'.repeat(4_000),
    ),
  },
  {
    weight: 3,
    arbitrary: fc
      .string({ unit: 'binary', minLength: 1, maxLength: 20 })
      .map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'))),
  },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.constantFrom('a', '.', '-', '_', '%', '~', '!', '*', '\u00e9', '\u0085', '+', '='),
      minLength: 1,
      maxLength: 30,
    }),
  },
);

/** A query string (without `?`): known keys with hostile values, unknown keys, arrays, repeats. */
export function queryString(keys: readonly string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...keys) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'unknown',
        '__proto__',
        '__proto__[polluted]',
        'constructor[prototype][polluted]',
        `${keys[0] ?? 'a'}[]`,
        `${keys[0] ?? 'a'}[a]`,
        '',
        '%00',
        '%',
      ),
    },
  );
  const value = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom('0', '1', '10', '1000', '2026-01-01T00:00:00Z', 'true'),
    },
    { weight: 2, arbitrary: fc.integer().map(String) },
    {
      weight: 3,
      arbitrary: hostileString.map((text) => encodeURIComponent(safeUnicode(text).slice(0, 3_000))),
    },
    { weight: 1, arbitrary: fc.constantFrom('%', '%G0', '%E0%A4%A', '%00', '&&', '==', '+') },
  );
  return fc
    .array(fc.tuple(key, fc.option(value, { nil: undefined })), { maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('&'));
}

/** `text` with lone surrogates replaced (encodeURIComponent throws on them). */
export function safeUnicode(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '?',
  );
}

/** YAML tokens for token-soup rules text: structure, properties, scalars and breaks. */
const YAML_TOKENS = [
  'rules:',
  'sources:',
  'dryRun:',
  '- ',
  '? ',
  ': ',
  '[',
  ']',
  '{',
  '}',
  ', ',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '!!str ',
  '!!map ',
  '!!binary ',
  '!custom ',
  '|\n',
  '>-\n',
  '"',
  "'",
  '#',
  '---\n',
  '...\n',
  '%YAML 1.2\n',
  '<<: ',
  '\n',
  '\n  ',
  '\n    ',
  '\t',
  'id: x',
  'kind: inactivity',
  'kind: event',
  'idle: {side: customer, after: 20m}',
  'close: {}',
  'after: 1s',
  'pattern: {}',
  '~',
  'null',
  '.nan',
  '0x1F',
  '1e999',
  '\u0000',
  '\ufeff',
  '\ud800',
] as const;

/** Token soup: a random sequence of YAML tokens. */
export const yamlSoup: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...YAML_TOKENS), { maxLength: 120 })
  .map((tokens) => tokens.join(''));

/** Deep YAML nesting of each kind (flow, block lists, indentation, aliases), some past 100 KB. */
export const deepYaml: fc.Arbitrary<string> = fc
  .record({
    kind: fc.constantFrom('flow', 'open flow', 'flow maps', 'dashes', 'indent', 'aliases'),
    depth: fc.oneof(fc.integer({ min: 50, max: 200 }), fc.integer({ min: 1_000, max: 120_000 })),
  })
  .map(({ kind, depth }) => {
    switch (kind) {
      case 'flow':
        return `rules: ${deepArrayJson(depth)}`;
      case 'open flow':
        return '['.repeat(depth);
      case 'flow maps':
        return `rules: ${'{a: '.repeat(Math.min(depth, 60_000))}`;
      case 'dashes':
        return `rules:\n${'- '.repeat(depth)}x`;
      case 'indent': {
        const levels = Math.min(depth, 500);
        return Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
      }
      default: {
        const levels = Math.min(depth, 40);
        const nest = (inner: string): string => `${'['.repeat(30)}${inner}${']'.repeat(30)}`;
        const lines = [`a0: &a0 ${nest('x')}`];
        for (let i = 1; i <= levels; i += 1) {
          lines.push(`a${i}: &a${i} ${nest(`*a${i - 1}`)}`);
        }
        return [...lines, `rules: *a${levels}`].join('\n');
      }
    }
  });

/** Alias expansion bombs ("billion laughs") of 2–9 levels. */
export const aliasBomb: fc.Arbitrary<string> = fc.integer({ min: 2, max: 9 }).map((levels) => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < levels; i += 1) {
    const prev = String.fromCharCode(96 + i);
    const next = String.fromCharCode(97 + i);
    lines.push(`${next}: &${next} [${Array.from({ length: 9 }, () => `*${prev}`).join(',')}]`);
  }
  return [...lines, `rules: *${String.fromCharCode(96 + levels)}`].join('\n');
});

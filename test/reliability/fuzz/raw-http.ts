import { connect } from 'node:net';
import fc from 'fast-check';
import { TEST_ENV } from '../../helpers/closer';
import { API_TOKEN } from './closer-under-fuzz';
import { pathSegment } from './arbitraries';

/**
 * Requests no HTTP client would send, written byte by byte on a fresh socket: CR, LF and NUL in
 * header values (header injection, response splitting), obs-folds, bare LFs, bad header names,
 * conflicting Content-Length and Transfer-Encoding (request smuggling), broken chunked bodies,
 * odd request lines and versions, headers past Node's 16 KiB limit. Each must still get an
 * HTTP answer: Node's parser refuses some (closer answers those as JSON on the raw socket), the
 * rest reach the app.
 */

/** One raw exchange: what was written and every response read back before the socket closed. */
export interface RawExchange {
  responses: RawResponse[];
  /** Bytes after the last complete response (a truncated answer). */
  trailing: number;
  /** The socket failed (reset) rather than closing cleanly. */
  error?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A raw request: the bytes, and whether its body is shorter than it declares. */
export interface RawCase {
  label: string;
  bytes: Buffer;
  /** The body is cut short on purpose: the server may wait for the rest and then see EOF. */
  incomplete: boolean;
  /** The first request is a HEAD (its answer has no body whatever its Content-Length). */
  head: boolean;
  /** The rules validator, whose 422 is `{valid: false, problems}`. */
  validator: boolean;
}

/**
 * Writes `bytes` and reads until the server closes (or `timeoutMs`). The request should ask for
 * `Connection: close`; `halfClose` also ends the writing side at once, for a request whose body
 * is cut short (Node's server drops an unanswered request when the client half-closes).
 */
export function rawExchange(
  port: number,
  bytes: Buffer,
  options: { head?: boolean; halfClose?: boolean; timeoutMs?: number } = {},
): Promise<RawExchange> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let error: string | undefined;
    const timer = setTimeout(() => {
      error = `no close within ${timeoutMs} ms`;
      socket.destroy();
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({
        ...parseResponses(Buffer.concat(chunks), options.head === true),
        ...(error === undefined ? {} : { error }),
      });
    });
    socket.write(bytes, () => {
      if (options.halfClose === true) {
        socket.end();
      }
    });
  });
}

/** Splits the bytes read into responses (Content-Length or chunked framing). */
function parseResponses(
  data: Buffer,
  head: boolean,
): { responses: RawResponse[]; trailing: number } {
  const responses: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const headEnd = data.indexOf('\r\n\r\n', at);
    if (headEnd < 0) {
      break;
    }
    const [statusLine = '', ...lines] = data.subarray(at, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let bodyStart = headEnd + 4;
    let body: Buffer;
    // Node's responses to a HEAD have no body (they carry a Date); the raw-socket JSON errors,
    // written before Node parsed the request, always have one.
    const bodiless = head && responses.length === 0 && headers.date !== undefined;
    if (bodiless) {
      body = Buffer.alloc(0);
    } else if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const sizeEnd = data.indexOf('\r\n', bodyStart);
        const size =
          sizeEnd < 0 ? Number.NaN : parseInt(data.subarray(bodyStart, sizeEnd).toString(), 16);
        if (Number.isNaN(size)) {
          return { responses, trailing: data.length - at };
        }
        parts.push(data.subarray(sizeEnd + 2, sizeEnd + 2 + size));
        bodyStart = sizeEnd + 2 + size + 2;
        if (size === 0) {
          break;
        }
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (bodyStart + length > data.length) {
        return { responses, trailing: data.length - at };
      }
      body = data.subarray(bodyStart, bodyStart + length);
      bodyStart += length;
    }
    responses.push({ status, headers, body: body.toString('utf8') });
    at = bodyStart;
  }
  return { responses, trailing: data.length - at };
}

/** Header values that smuggle a line break, a NUL or an obs-fold. */
const INJECTIONS = [
  'a\r\nX-Injected: 1',
  'a\nX-Injected: 1',
  'a\rX-Injected: 1',
  'a\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x',
  'a\r\n X-Injected: folded',
  'a\u0000b',
  '\u0000',
  'a\r\nContent-Length: 5',
  'a\r\nTransfer-Encoding: chunked',
  'a\r\nSet-Cookie: s=1',
  '\u00e9\u00ff\u0080',
  'a\u007fb',
  'a\u000bb',
];

/** Header names that are not tokens, or sit next to a space before the colon. */
const BAD_NAMES = [
  'X Injected',
  'X-A ',
  ' X-A',
  'X-A\u0000',
  '',
  ':',
  'X-A:B',
  'Ä',
  '(x)',
  'X-A\t',
];

const TARGETS = [
  '/healthz',
  '/readyz',
  '/metrics',
  '/v1/rules',
  '/v1/outcomes?since=0',
  '/v1/rules/validate',
  '/events/eventbridge',
  '/webhooks/crm',
  '/v1/conversations/x/terminate',
  '*',
  '',
  'healthz',
  'http://closer/healthz',
  'http://closer:80/v1/rules',
  '//healthz',
  '/healthz#frag',
  '/%',
  '/\u0000',
  '/ healthz',
  '/healthz HTTP/1.1',
  `/${'a'.repeat(17_000)}`,
] as const;

const VERSIONS = [
  'HTTP/1.1',
  'HTTP/1.0',
  'HTTP/2.0',
  'HTTP/0.9',
  'HTTP/1.2',
  'http/1.1',
  'HTTP/1.1 ',
  'HTTP/11',
  '',
] as const;
const METHODS = [
  'GET',
  'POST',
  'HEAD',
  'OPTIONS',
  'PUT',
  'get',
  'G\u00e9T',
  'GET GET',
  'PRI',
  'CONNECT',
  'X'.repeat(40),
  '',
] as const;

/** Framing: how the body is declared (and whether the declaration lies). */
type Framing =
  | 'length'
  | 'none'
  | 'length-short'
  | 'length-long'
  | 'length-twice-different'
  | 'length-negative'
  | 'length-junk'
  | 'chunked'
  | 'chunked-bad-size'
  | 'chunked-unterminated'
  | 'chunked-and-length'
  | 'te-unknown'
  | 'te-obfuscated';

const FRAMINGS: readonly Framing[] = [
  'length-short',
  'length-long',
  'length-twice-different',
  'length-negative',
  'length-junk',
  'chunked',
  'chunked-bad-size',
  'chunked-unterminated',
  'chunked-and-length',
  'te-unknown',
  'te-obfuscated',
];

/** Headers and body bytes for `framing`; `incomplete` when the body is shorter than declared. */
function frame(
  framing: Framing,
  body: string,
): { headers: string[]; body: string; incomplete: boolean } {
  const length = Buffer.byteLength(body);
  switch (framing) {
    case 'length':
      return { headers: [`Content-Length: ${length}`], body, incomplete: false };
    case 'none':
      return { headers: [], body: '', incomplete: false };
    case 'length-short':
      return { headers: [`Content-Length: ${Math.max(0, length - 3)}`], body, incomplete: false };
    case 'length-long':
      return { headers: [`Content-Length: ${length + 10}`], body, incomplete: true };
    case 'length-twice-different':
      return {
        headers: [`Content-Length: ${length}`, `Content-Length: ${length + 1}`],
        body,
        incomplete: false,
      };
    case 'length-negative':
      return { headers: ['Content-Length: -1'], body, incomplete: false };
    case 'length-junk':
      return { headers: [`Content-Length: ${length}x`], body, incomplete: false };
    case 'chunked':
      return {
        headers: ['Transfer-Encoding: chunked'],
        body: `${length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
        incomplete: false,
      };
    case 'chunked-bad-size':
      return {
        headers: ['Transfer-Encoding: chunked'],
        body: `zz\r\n${body}\r\n0\r\n\r\n`,
        incomplete: false,
      };
    case 'chunked-unterminated':
      return {
        headers: ['Transfer-Encoding: chunked'],
        body: `${length.toString(16)}\r\n${body}\r\n`,
        incomplete: true,
      };
    case 'chunked-and-length':
      return {
        headers: ['Transfer-Encoding: chunked', `Content-Length: ${length}`],
        body: `${length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
        incomplete: false,
      };
    case 'te-unknown':
      return { headers: ['Transfer-Encoding: gzip'], body, incomplete: false };
    default:
      return {
        headers: ['Transfer-Encoding: xchunked', 'Transfer-Encoding : chunked'],
        body,
        incomplete: false,
      };
  }
}

const BODIES = [
  '{}',
  '{"dryRun":true}',
  JSON.stringify({ text: 'rules: [' }),
  '[[[[[[[[[[',
  '{"id":"x"}',
  'rules: []',
];

/** Raw requests: a well-formed base with one or more hostile parts. */
export const rawCase: fc.Arbitrary<RawCase> = fc
  .record({
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('GET', 'POST') },
      { weight: 2, arbitrary: fc.constantFrom(...METHODS) },
    ),
    target: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...TARGETS) },
      { weight: 2, arbitrary: pathSegment.map((segment) => `/v1/conversations/${segment}`) },
    ),
    version: fc.oneof(
      { weight: 8, arbitrary: fc.constant('HTTP/1.1') },
      { weight: 2, arbitrary: fc.constantFrom(...VERSIONS) },
    ),
    host: fc.oneof(
      { weight: 8, arbitrary: fc.constant(['Host: closer']) },
      {
        weight: 2,
        arbitrary: fc.constantFrom([], ['Host: a', 'Host: b'], ['Host: '], ['Host: \u00e9']),
      },
    ),
    injected: fc.array(
      fc.oneof(
        fc.record({
          name: fc.constantFrom(
            'X-A',
            'User-Agent',
            'Authorization',
            'Content-Type',
            'x-api-key',
            'Cookie',
          ),
          value: fc.constantFrom(...INJECTIONS),
        }),
        fc.record({ name: fc.constantFrom(...BAD_NAMES), value: fc.constantFrom('1', 'a b') }),
        fc.record({
          name: fc.constant('X-Big'),
          value: fc.integer({ min: 1, max: 20 }).map((k) => 'b'.repeat(k * 1024)),
        }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    framing: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom<Framing>('length', 'none') },
      { weight: 3, arbitrary: fc.constantFrom(...FRAMINGS) },
    ),
    body: fc.constantFrom(...BODIES),
    lineEnd: fc.oneof(
      { weight: 9, arbitrary: fc.constant('\r\n') },
      { weight: 1, arbitrary: fc.constant('\n') },
    ),
    pipelined: fc.boolean(),
  })
  .map((o): RawCase => {
    const framed = frame(o.framing, o.body);
    const auth = o.target.startsWith('/v1') ? [`Authorization: Bearer ${API_TOKEN}`] : [];
    const key =
      o.target === '/events/eventbridge' ? [`x-api-key: ${TEST_ENV.CLOSER_EVENTBRIDGE_KEY}`] : [];
    const lines = [
      `${o.method} ${o.target} ${o.version}`.trimEnd(),
      ...o.host,
      ...auth,
      ...key,
      'Content-Type: application/json',
      ...o.injected.map(({ name, value }) => `${name}: ${value}`),
      ...framed.headers,
    ];
    const close = `Connection: close${o.lineEnd}`;
    let text = `${lines.join(o.lineEnd)}${o.lineEnd}${o.pipelined ? '' : close}${o.lineEnd}${framed.body}`;
    if (o.pipelined) {
      text += `GET /healthz HTTP/1.1${o.lineEnd}Host: closer${o.lineEnd}${close}${o.lineEnd}`;
    }
    return {
      label: `raw ${o.method.slice(0, 10)} ${o.target.slice(0, 40)} ${o.version} ${o.framing} ${o.injected.map((h) => JSON.stringify(`${h.name}: ${h.value.slice(0, 30)}`)).join(' ')}`,
      bytes: Buffer.from(text, 'latin1'),
      // A smuggled Content-Length or Transfer-Encoding may declare a body that never comes.
      incomplete:
        framed.incomplete ||
        o.injected.some(({ value }) => /content-length|transfer-encoding/i.test(value)),
      head: o.method === 'HEAD',
      validator: o.target === '/v1/rules/validate',
    };
  });

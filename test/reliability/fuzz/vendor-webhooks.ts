import fc from 'fast-check';
import { signDelivery } from '../../../src/intake/signatures/sign';
import { bodyEncoding, contentType, encodeBody, isJsonType, pathSegment } from './arbitraries';
import { VENDOR_SOURCES, type VendorSourceSpec } from './closer-under-fuzz';
import {
  CONVERSATIONS,
  INTAKE_CODES,
  INTAKE_LIMIT,
  headersOf,
  isPlain,
  recodes,
  someExtras,
  webhookBody,
  type FuzzEndpoint,
  type GeneratedBody,
} from './endpoints';
import type { Expectation, FuzzCase } from './judge';
import { soapBody, type SoapOutcome } from './soap';

/**
 * `POST /webhooks/:source` (and `/webhooks/:source/:token`) for the vendor schemes: Zendesk,
 * HubSpot v3 (the signed public URL), Intercom, the shared secret in a header, Basic credentials,
 * a bearer token, a query parameter and the path, and Salesforce Outbound Messages (SOAP, the
 * token in the path or the query). Most requests carry the right credentials, signed with
 * closer's own signer (`signDelivery`) or holding the token, so they reach the body parsers; a
 * share has missing, wrong, garbage or huge ones. JSON sources are answered as the other webhook
 * sources are; Salesforce sources with the SOAP acknowledgement or a SOAP fault naming the code.
 */

const KIB = 1024;

/** What the credentials of a request get. */
type Verdict =
  /** Accepted: the body decides. */
  | { kind: 'ok' }
  /** A 401 with one of `codes`. */
  | { kind: 'refused'; codes: readonly string[] }
  /** A token in the path of a source that takes none there: 404 `INTAKE_UNKNOWN_SOURCE`. */
  | { kind: 'unknown-source' }
  /** A path no route takes (a segment after the token): closer's JSON 404 `NOT_FOUND`. */
  | { kind: 'no-route' }
  /**
   * A hostile token segment: refused (401), unless its %-escapes are malformed, which the router
   * refuses first (closer's JSON 400).
   */
  | { kind: 'odd-path' };

interface Credentials {
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  verdict: Verdict;
  label: string;
}

const OK: Verdict = { kind: 'ok' };
const UNAUTHENTICATED: Verdict = { kind: 'refused', codes: ['INTAKE_UNAUTHENTICATED'] };
const BAD_SIGNATURE: Verdict = { kind: 'refused', codes: ['INTAKE_BAD_SIGNATURE'] };
const STALE: Verdict = { kind: 'refused', codes: ['INTAKE_STALE_TIMESTAMP'] };

/** A wrong credential, from almost right to absurd. */
function wrongToken(token: string, pick: number): string {
  const wrong = [
    'wrong-token-0123456789',
    `${token}x`,
    token.slice(0, -1),
    token.toUpperCase(),
    ` ${token.slice(1)}`,
    `${token.slice(0, 8)}-${token.slice(8)}`,
    't'.repeat(8 * KIB),
  ];
  return wrong[pick % wrong.length] ?? 'wrong';
}

/** The token with its first character %-escaped (the router and the query parser decode it). */
const escapedFirst = (token: string): string =>
  `%${token.charCodeAt(0).toString(16).toUpperCase()}${token.slice(1)}`;

const base64 = (text: string): string => Buffer.from(text).toString('base64');

// ---------------------------------------------------------------------------------------------
// Credentials: signed schemes

type SignedMode =
  | 'valid'
  | 'missing'
  | 'garbage'
  | 'other-body'
  | 'stale'
  | 'future'
  | 'wrong-secret'
  | 'huge'
  | 'bad-timestamp'
  | 'wrong-url'
  | 'path-token';

const SIGNED_MODES: readonly SignedMode[] = [
  'missing',
  'garbage',
  'other-body',
  'stale',
  'future',
  'wrong-secret',
  'huge',
  'bad-timestamp',
  'wrong-url',
  'path-token',
];

/** Headers of a signed delivery (its content type left to the case). */
function signed(
  source: VendorSourceSpec,
  secret: string,
  body: Buffer,
  nowMs: number,
  id: string,
  publicUrl = source.verify.publicUrl,
): Record<string, string> {
  const { 'content-type': _type, ...headers } = signDelivery(
    { ...source.verify, ...(publicUrl === undefined ? {} : { publicUrl }) },
    { secret, rawBody: body, nowMs, deliveryId: id },
  );
  return headers;
}

/** The signature headers of a scheme (not the delivery id). */
const SIGNATURE_HEADERS: Readonly<Record<string, readonly string[]>> = {
  zendesk: ['x-zendesk-webhook-signature', 'x-zendesk-webhook-signature-timestamp'],
  'hubspot-v3': ['x-hubspot-signature-v3', 'x-hubspot-request-timestamp'],
  intercom: ['x-hub-signature'],
};

function signedCredentials(
  source: VendorSourceSpec,
  mode: SignedMode,
  body: Buffer,
  id: string,
): Credentials {
  const path = `/webhooks/${source.name}`;
  const now = Date.now();
  const { scheme } = source.verify;
  const timestamped = scheme === 'zendesk' || scheme === 'hubspot-v3';
  const names = SIGNATURE_HEADERS[scheme] ?? [];
  const sign = (secret = source.secret, bytes = body, at = now): Record<string, string> =>
    signed(source, secret, bytes, at, id);
  const label = `${source.name} signature=${mode}`;
  switch (mode) {
    case 'valid':
      return { path, headers: sign(), verdict: OK, label };
    case 'missing':
      return { path, headers: {}, verdict: BAD_SIGNATURE, label };
    case 'garbage':
    case 'huge': {
      const value = mode === 'huge' ? 'a'.repeat(4 * KIB) : 'v1,garbage=,sha256=zz';
      const headers = sign();
      for (const name of names) {
        headers[name] = value;
      }
      return { path, headers, verdict: BAD_SIGNATURE, label };
    }
    case 'other-body':
      return {
        path,
        headers: sign(source.secret, Buffer.concat([body, Buffer.from(' ')])),
        verdict: BAD_SIGNATURE,
        label,
      };
    case 'stale':
    case 'future':
      return {
        path,
        headers: sign(source.secret, body, now + (mode === 'stale' ? -3_600_000 : 3_600_000)),
        verdict: timestamped ? STALE : OK,
        label,
      };
    case 'wrong-secret':
      return { path, headers: sign('another-secret-0123456789'), verdict: BAD_SIGNATURE, label };
    case 'bad-timestamp': {
      const headers = sign();
      const [, timestampHeader] = names;
      if (timestampHeader === undefined) {
        return { path, headers, verdict: OK, label };
      }
      // A time written otherwise: the signature no longer matches, and the form is refused.
      const written = headers[timestampHeader] ?? '';
      const seconds = Number(written) / 1000;
      headers[timestampHeader] = scheme === 'zendesk' ? written.replace('T', ' ') : `${seconds}`;
      // A time that fell on a whole second is, written in seconds, a valid millisecond time in
      // January 1970: refused as stale before its signature is checked.
      const stale = scheme !== 'zendesk' && Number.isInteger(seconds);
      return { path, headers, verdict: stale ? STALE : BAD_SIGNATURE, label };
    }
    case 'wrong-url':
      return {
        path,
        headers:
          scheme === 'hubspot-v3'
            ? signed(source, source.secret, body, now, id, `http://127.0.0.1${path}`)
            : sign(),
        verdict: scheme === 'hubspot-v3' ? BAD_SIGNATURE : OK,
        label,
      };
    default:
      return {
        path: `${path}/${source.secret}`,
        headers: sign(),
        verdict: { kind: 'unknown-source' },
        label,
      };
  }
}

// ---------------------------------------------------------------------------------------------
// Credentials: a shared secret (and Salesforce's token)

type TokenMode =
  | 'valid'
  | 'missing'
  | 'wrong'
  | 'elsewhere'
  | 'malformed'
  | 'path-token'
  | 'odd-path'
  | 'extra-segment';

const TOKEN_MODES: readonly TokenMode[] = [
  'missing',
  'wrong',
  'wrong',
  'elsewhere',
  'malformed',
  'path-token',
  'odd-path',
  'extra-segment',
];

/** Where each location puts a token, and how a location may be wrong. */
function tokenCredentials(
  source: VendorSourceSpec,
  mode: TokenMode,
  pick: number,
  segment: string,
  body: Buffer,
  id: string,
): Credentials {
  const { verify } = source;
  const where = verify.in ?? 'path';
  const token = source.secret;
  const base = `/webhooks/${source.name}`;
  // The delivery id header (the shared-secret sender's own), when the source reads one.
  const idHeaders = signed(source, token, body, Date.now(), id);
  const label = `${source.name} (${where}) token=${mode}`;
  /** The request presenting `value` where the source expects its token. */
  const present = (value: string, variant = 0): Omit<Credentials, 'verdict' | 'label'> => {
    switch (where) {
      case 'header':
        return {
          path: base,
          headers: {
            ...idHeaders,
            [verify.header ?? 'x-token']: variant % 2 ? ` ${value} ` : value,
          },
        };
      case 'basic': {
        const [user = '', password = ''] = value.split(/:(.*)/s);
        const scheme = ['Basic', 'basic', 'BASIC'][variant % 3] ?? 'Basic';
        return {
          path: base,
          headers: { ...idHeaders, authorization: `${scheme} ${base64(`${user}:${password}`)}` },
        };
      }
      case 'bearer': {
        const scheme = ['Bearer', 'bearer', 'BEARER'][variant % 3] ?? 'Bearer';
        return {
          path: base,
          headers: { ...idHeaders, authorization: `${scheme} ${value}${variant % 2 ? '  ' : ''}` },
        };
      }
      case 'query': {
        const param = verify.param ?? 'token';
        const query = [
          `${param}=${encodeURIComponent(value)}`,
          `a=1&${param}=${encodeURIComponent(value)}&b=`,
          `${param}=${escapedFirst(value)}`,
        ][variant % 3];
        return { path: `${base}?${query ?? ''}`, headers: idHeaders };
      }
      default: {
        const tokenSegment = [encodeURIComponent(value), escapedFirst(value)][variant % 2];
        return { path: `${base}/${tokenSegment ?? value}`, headers: idHeaders };
      }
    }
  };
  switch (mode) {
    case 'valid':
      return { ...present(token, pick), verdict: OK, label };
    case 'missing':
      return { path: base, headers: idHeaders, verdict: UNAUTHENTICATED, label };
    case 'wrong':
      return { ...present(wrongToken(token, pick), pick), verdict: UNAUTHENTICATED, label };
    case 'elsewhere': {
      // The right token, in a place the source does not read it from.
      const places: (Omit<Credentials, 'verdict' | 'label'> & { at: string })[] = [
        { at: 'header', path: base, headers: { 'x-token': token } },
        { at: 'query', path: `${base}?token=${token}`, headers: {} },
        { at: 'bearer', path: base, headers: { authorization: `Bearer ${token}` } },
        { at: 'basic', path: base, headers: { authorization: `Basic ${base64(token)}` } },
      ];
      const others = places.filter((place) => place.at !== where);
      const { at: _at, ...place } = others[pick % others.length] ?? {
        at: '',
        path: base,
        headers: {},
      };
      return { ...place, verdict: UNAUTHENTICATED, label };
    }
    case 'malformed': {
      const malformed: Record<string, string>[] = {
        header: [{ [verify.header ?? 'x-token']: '' }, { [verify.header ?? 'x-token']: '\t' }],
        basic: [
          { authorization: 'Basic' },
          { authorization: 'Basic !!!' },
          { authorization: `Basic ${base64(token.split(':')[1] ?? token)}` },
          { authorization: `Basic ${base64(`other:${token.split(':')[1] ?? ''}`)}` },
          { authorization: `Bearer ${base64(token)}` },
          { authorization: `Basic ${base64(token)}=x` },
        ],
        bearer: [
          { authorization: 'Bearer' },
          { authorization: 'Bearer ' },
          { authorization: `Token ${token}` },
          { authorization: `Bearer${token}` },
        ],
        query: [{}, {}, {}],
        path: [{}],
      }[where];
      const param = verify.param ?? 'token';
      const queries = [
        `${param}=`,
        `${param}=${token}&${param}=${token}`,
        `${param.toUpperCase()}=${token}`,
        `${param}[]=${token}`,
      ];
      return {
        path:
          where === 'query'
            ? `${base}?${queries[pick % queries.length] ?? ''}`
            : where === 'path'
              ? `${base}/`
              : base,
        headers: { ...idHeaders, ...(malformed[pick % malformed.length] ?? {}) },
        verdict: UNAUTHENTICATED,
        label,
      };
    }
    case 'path-token':
      return where === 'path'
        ? { ...present(token), verdict: OK, label }
        : {
            path: `${base}/${encodeURIComponent(token)}`,
            headers: present(token).headers,
            verdict: { kind: 'unknown-source' },
            label,
          };
    case 'odd-path':
      return where === 'path'
        ? { path: `${base}/${segment}`, headers: idHeaders, verdict: { kind: 'odd-path' }, label }
        : { ...present(token, pick), verdict: OK, label };
    default:
      return where === 'path'
        ? {
            path: `${present(token).path}/${segment}`,
            headers: idHeaders,
            verdict: { kind: 'no-route' },
            label,
          }
        : { ...present(token, pick), verdict: OK, label };
  }
}

// ---------------------------------------------------------------------------------------------
// JSON bodies

/** Deliveries as each vendor sends them (docs/crm/*.md), for its rule to match or not. */
function vendorJson(source: VendorSourceSpec): fc.Arbitrary<string> {
  const conversation = fc.constantFrom(...CONVERSATIONS);
  switch (source.verify.scheme) {
    case 'zendesk':
      return fc
        .record({
          ticket: fc.nat(),
          status: fc.constantFrom('solved', 'open', 'pending'),
          conversation,
        })
        .map(({ ticket, status, conversation: external }) =>
          JSON.stringify({
            type: 'zen:event-type:ticket.status_changed',
            id: `trigger-${ticket}-${Date.now()}`,
            detail: { id: String(ticket), status, external_id: external },
          }),
        );
    case 'hubspot-v3': {
      const event = fc.record({
        eventId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        subscriptionId: fc.nat(),
        portalId: fc.nat(),
        occurredAt: fc.constant(Date.now()),
        subscriptionType: fc.constantFrom('ticket.propertyChange', 'ticket.creation'),
        propertyName: fc.constantFrom('genesys_chat_ended', 'hs_pipeline_stage', 'subject'),
        propertyValue: conversation,
        objectId: fc.nat(),
      });
      return fc.oneof(
        {
          weight: 8,
          arbitrary: fc.array(event, { minLength: 1, maxLength: 5 }).map((e) => JSON.stringify(e)),
        },
        { weight: 1, arbitrary: event.map((e) => JSON.stringify(e)) },
        {
          weight: 1,
          arbitrary: fc
            .record({ n: fc.integer({ min: 98, max: 103 }), e: event })
            .map(({ n, e }) =>
              JSON.stringify(
                Array.from({ length: n }, (_, i) => ({ ...e, eventId: e.eventId + i })),
              ),
            ),
        },
      );
    }
    case 'intercom':
      return fc
        .record({
          id: fc.uuid(),
          topic: fc.constantFrom('conversation.admin.closed', 'ping', 'conversation.user.created'),
          conversation,
        })
        .map(({ id, topic, conversation: genesys }) =>
          JSON.stringify({
            type: 'notification_event',
            id: `notif_${id}`,
            topic,
            data: { item: { custom_attributes: { genesys_conversation_id: genesys } } },
          }),
        );
    default: {
      const item = fc
        .record({
          id: fc.uuid(),
          status: fc.constantFrom('closed', 'open', 'pending'),
          conversation,
        })
        .map(({ id, status, conversation: c }) => ({ id, status, conversation_id: c }));
      return source.eachItem
        ? fc.oneof(
            item.map((i) => JSON.stringify(i)),
            fc.array(item, { maxLength: 5 }).map((items) => JSON.stringify(items)),
          )
        : item.map((i) => JSON.stringify(i));
    }
  }
}

/** Whether an accepted body is acceptable as is for `source` (`eachItem`: items are objects). */
function acceptable(source: VendorSourceSpec, text: string | Buffer): boolean {
  if (!source.eachItem) {
    return true;
  }
  const value: unknown = JSON.parse(text.toString());
  return (
    !Array.isArray(value) ||
    (value.length <= 100 &&
      value.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item)))
  );
}

function jsonBody(source: VendorSourceSpec): fc.Arbitrary<GeneratedBody> {
  return fc
    .oneof(
      { weight: 1, arbitrary: vendorJson(source).map((text) => ({ text, valid: true })) },
      { weight: 1, arbitrary: webhookBody },
    )
    .map((body) => ({ ...body, valid: body.valid && acceptable(source, body.text) }));
}

// ---------------------------------------------------------------------------------------------
// Expectations

const MALFORMED_OR_INVALID = ['INTAKE_MALFORMED_JSON', 'INTAKE_INVALID_PAYLOAD'];
/** The app's answer to a path with malformed %-escapes (and intake's, should it see one first). */
const BAD_PATH_CODES = ['API_BAD_REQUEST', 'INTAKE_BAD_REQUEST'];

/** Adds the router's 400 for a hostile token segment to an expectation (if it lists any). */
function orBadPath(expectation: Expectation): Expectation {
  return {
    ...expectation,
    ...(expectation.statuses === undefined ? {} : { statuses: [...expectation.statuses, 400] }),
    ...(expectation.codes === undefined
      ? {}
      : { codes: [...expectation.codes, ...BAD_PATH_CODES] }),
  };
}

/** Intake's order: source, content type, size, credentials, body. */
function jsonExpectation(
  source: VendorSourceSpec,
  verdict: Verdict,
  type: string | undefined,
  bytes: number,
  extras: Record<string, string>,
  valid: boolean,
): Expectation {
  if (verdict.kind === 'unknown-source') {
    return { statuses: [404], codes: ['INTAKE_UNKNOWN_SOURCE'] };
  }
  if (verdict.kind === 'no-route') {
    return { statuses: [404], codes: ['NOT_FOUND'] };
  }
  if (verdict.kind === 'odd-path') {
    return orBadPath(jsonExpectation(source, UNAUTHENTICATED, type, bytes, extras, valid));
  }
  if (!isJsonType(type)) {
    return { statuses: [415], codes: ['INTAKE_UNSUPPORTED_MEDIA_TYPE'] };
  }
  if (recodes(extras)) {
    return { codes: INTAKE_CODES };
  }
  if (bytes > INTAKE_LIMIT) {
    return { statuses: [413], codes: ['INTAKE_BODY_TOO_LARGE'] };
  }
  if (verdict.kind === 'refused') {
    return { statuses: [401], codes: verdict.codes };
  }
  const accepted = source.answer === 'ok-200' ? [200] : [200, 202];
  return valid
    ? { statuses: accepted }
    : { statuses: [...accepted, 400], codes: MALFORMED_OR_INVALID };
}

/** Whether `type` is XML to a Salesforce source: the rule of `assertXmlContentType`, restated. */
function isXmlType(type: string | undefined): boolean {
  const media = (type ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    media === '' || media === 'text/xml' || media === 'application/xml' || media.endsWith('+xml')
  );
}

const SOAP: Pick<Expectation, 'errorShape' | 'successShape'> = {
  errorShape: 'soap',
  successShape: 'soap-ack',
};

/** A SOAP fault (HTTP 500) with one of `codes` in it. */
const fault = (...codes: string[]): Expectation => ({ ...SOAP, statuses: [500], codes });

const SOAP_OUTCOMES: Readonly<Record<SoapOutcome, Expectation>> = {
  ack: { ...SOAP, statuses: [200] },
  'wrong-org': fault('INTAKE_UNAUTHENTICATED'),
  malformed: fault('INTAKE_MALFORMED_JSON'),
  invalid: fault('INTAKE_INVALID_PAYLOAD'),
  refused: fault(...MALFORMED_OR_INVALID),
  any: {
    ...SOAP,
    statuses: [200, 500],
    codes: [...MALFORMED_OR_INVALID, 'INTAKE_UNAUTHENTICATED'],
  },
};

function soapExpectation(
  verdict: Verdict,
  type: string | undefined,
  bytes: number,
  extras: Record<string, string>,
  outcome: SoapOutcome,
): Expectation {
  if (verdict.kind === 'unknown-source') {
    return fault('INTAKE_UNKNOWN_SOURCE');
  }
  if (verdict.kind === 'no-route') {
    return { statuses: [404], codes: ['NOT_FOUND'] };
  }
  if (verdict.kind === 'odd-path') {
    return orBadPath(soapExpectation(UNAUTHENTICATED, type, bytes, extras, outcome));
  }
  if (!isXmlType(type)) {
    return fault('INTAKE_UNSUPPORTED_MEDIA_TYPE');
  }
  if (recodes(extras)) {
    return { ...SOAP, statuses: [200, 500], codes: INTAKE_CODES };
  }
  if (bytes > INTAKE_LIMIT) {
    return fault('INTAKE_BODY_TOO_LARGE');
  }
  if (verdict.kind === 'refused') {
    return fault(...verdict.codes);
  }
  return SOAP_OUTCOMES[outcome];
}

// ---------------------------------------------------------------------------------------------
// The endpoint

const SIGNED_SOURCES = [VENDOR_SOURCES.zendesk, VENDOR_SOURCES.hubspot, VENDOR_SOURCES.intercom];
const TOKEN_SOURCES = [
  VENDOR_SOURCES.ssHeader,
  VENDOR_SOURCES.ssBasic,
  VENDOR_SOURCES.ssBearer,
  VENDOR_SOURCES.ssQuery,
  VENDOR_SOURCES.ssPath,
];
const SALESFORCE_SOURCES = [VENDOR_SOURCES.sf, VENDOR_SOURCES.sf, VENDOR_SOURCES.sfQuery];

/** Mostly valid credentials: 16 in 20. */
function mode<M extends string>(valid: M, others: readonly M[]): fc.Arbitrary<M> {
  return fc.oneof(
    { weight: 16, arbitrary: fc.constant(valid) },
    { weight: 4, arbitrary: fc.constantFrom(...others) },
  );
}

/** Content types of a Salesforce request: what Salesforce sends, other XML, and not XML. */
const xmlContentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('text/xml; charset=utf-8') },
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | undefined>(
      undefined,
      'text/xml',
      'TEXT/XML',
      'application/xml',
      'application/soap+xml; charset=utf-8',
      ' text/xml ; charset=whatever',
      ';',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/related; type="application/xop+xml"',
      'application/xmlx',
      'text/xml/x',
      'xml',
      '*/*',
      'a'.repeat(2_000),
    ),
  },
);

const jsonCase: fc.Arbitrary<FuzzCase> = fc
  .constantFrom<VendorSourceSpec>(...SIGNED_SOURCES, ...TOKEN_SOURCES)
  .chain((source) =>
    fc.record({
      source: fc.constant(source),
      signedMode: mode<SignedMode>('valid', SIGNED_MODES),
      tokenMode: mode<TokenMode>('valid', TOKEN_MODES),
      pick: fc.nat(),
      segment: pathSegment,
      id: fc.uuid(),
      type: contentType,
      body: jsonBody(source),
      encoding: bodyEncoding,
      extras: someExtras,
      replay: fc.boolean(),
    }),
  )
  .map(
    ({
      source,
      signedMode,
      tokenMode,
      pick,
      segment,
      id,
      type,
      body,
      encoding,
      extras,
      replay,
    }) => {
      const wire =
        typeof body.text === 'string'
          ? encodeBody(body.text, encoding.encoding, encoding.at)
          : body.text;
      const bytes = typeof wire === 'string' ? Buffer.from(wire) : wire;
      const credentials =
        source.verify.scheme === 'shared-secret'
          ? tokenCredentials(source, tokenMode, pick, segment, bytes, id)
          : signedCredentials(source, signedMode, bytes, id);
      const expect = jsonExpectation(
        source,
        credentials.verdict,
        type,
        bytes.length,
        extras,
        body.valid && isPlain(encoding.encoding),
      );
      return {
        label: `${credentials.label} type=${String(type)} ${encoding.encoding}`,
        request: {
          method: 'POST',
          path: credentials.path,
          headers: headersOf(extras, { ...credentials.headers, 'content-type': type }),
          body: wire,
        },
        expect,
        replay: replay && credentials.verdict.kind === 'ok',
      };
    },
  );

const salesforceCase: fc.Arbitrary<FuzzCase> = fc
  .record({
    source: fc.constantFrom<VendorSourceSpec>(...SALESFORCE_SOURCES),
    tokenMode: mode<TokenMode>('valid', TOKEN_MODES),
    pick: fc.nat(),
    segment: pathSegment,
    id: fc.uuid(),
    type: xmlContentType,
    soapAction: fc.constantFrom<string | undefined>('""', '""', undefined, 'notifications'),
    body: soapBody,
    encoding: bodyEncoding,
    extras: someExtras,
    // A replay only gets the acknowledgement again: a third of them suffice.
    replay: fc.integer({ min: 1, max: 3 }).map((n) => n === 1),
  })
  .map(
    ({
      source,
      tokenMode,
      pick,
      segment,
      id,
      type,
      soapAction,
      body,
      encoding,
      extras,
      replay,
    }) => {
      const wire =
        typeof body.text === 'string'
          ? encodeBody(body.text, encoding.encoding, encoding.at)
          : body.text;
      const bytes = typeof wire === 'string' ? Buffer.from(wire) : wire;
      const credentials = tokenCredentials(source, tokenMode, pick, segment, bytes, id);
      // A BOM is read past; any other encoding may make or break the message.
      const outcome =
        typeof body.text === 'string' && !isPlain(encoding.encoding) ? 'any' : body.outcome;
      return {
        label: `${credentials.label} body=${body.label} type=${String(type)} ${encoding.encoding}`,
        request: {
          method: 'POST',
          path: credentials.path,
          headers: headersOf(extras, {
            ...credentials.headers,
            'content-type': type,
            soapaction: soapAction,
          }),
          body: wire,
        },
        expect: soapExpectation(credentials.verdict, type, bytes.length, extras, outcome),
        replay: replay && credentials.verdict.kind === 'ok',
      };
    },
  );

export const vendorWebhookEndpoint: FuzzEndpoint = {
  name: 'POST /webhooks/:source (vendor schemes)',
  cases: fc.oneof({ weight: 11, arbitrary: jsonCase }, { weight: 9, arbitrary: salesforceCase }),
};

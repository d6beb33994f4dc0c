import { createHmac, randomUUID } from 'node:crypto';

/**
 * Payload builders for intake tests (unit, integration, e2e): EventBridge envelopes as the Genesys
 * partner event source delivers them (docs/genesys/facts.md §7), bare Genesys notifications, and webhook requests
 * signed with each supported scheme. Signing here is written independently of src/intake so tests
 * check the verifiers against the schemes, not against themselves.
 */

/** The ManualClock default start (2026-01-01T00:00:00Z), used as "now" when none is given. */
export const DEFAULT_NOW_MS = Date.UTC(2026, 0, 1);
export const TEST_ORG_ID = '5f0a1b2c-0000-4000-8000-0000000000aa';
export const TEST_PARTNER_SOURCE = `aws.partner/genesys.com/cloud/${TEST_ORG_ID}/closer-test`;

/** A detail-event body such as CustomerEnd (`eventTime` epoch ms, `conversationId`, …). */
export function detailEventBody(
  conversationId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    eventTime: DEFAULT_NOW_MS,
    conversationId,
    participantId: 'participant-1',
    sessionId: 'session-1',
    mediaType: 'MESSAGE',
    direction: 'INBOUND',
    disconnectType: 'CLIENT',
    ...overrides,
  };
}

export interface NotificationOptions {
  conversationId?: string;
  /** Topic suffix after `v2.detail.events.conversation.<id>.` (default `customer.end`). */
  event?: string;
  /** Full concrete topic (overrides `conversationId`/`event`). */
  topicName?: string;
  eventBody?: Record<string, unknown>;
  correlationId?: string;
  version?: string;
}

/** A bare Genesys notification `{topicName, version, eventBody, metadata}`. */
export function genesysNotification(options: NotificationOptions = {}): {
  topicName: string;
  version: string;
  eventBody: Record<string, unknown>;
  metadata: { CorrelationId: string };
} {
  const conversationId = options.conversationId ?? 'c0nv-0000-4000-8000-000000000001';
  return {
    topicName:
      options.topicName ??
      `v2.detail.events.conversation.${conversationId}.${options.event ?? 'customer.end'}`,
    version: options.version ?? '2',
    eventBody: options.eventBody ?? detailEventBody(conversationId),
    metadata: { CorrelationId: options.correlationId ?? randomUUID() },
  };
}

/** The `channel.metadata` heartbeat of a notification channel. */
export function heartbeatNotification(): Record<string, unknown> {
  return { topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } };
}

export interface EnvelopeOptions extends NotificationOptions {
  /** Envelope `id` (dedupe id); default a random UUID. */
  id?: string;
  /** Envelope `time` (ISO); default the DEFAULT_NOW_MS second. */
  time?: string;
  /** `detail.timestamp` (ISO with ms). */
  timestamp?: string;
  source?: string;
  detailType?: string;
  account?: string;
  region?: string;
}

/** One EventBridge envelope as an API destination POSTs it. */
export function eventBridgeEnvelope(options: EnvelopeOptions = {}): Record<string, unknown> {
  const notification = genesysNotification(options);
  const detailType = notification.topicName.replace(
    /^(v2\.detail\.events\.conversation\.)[^.]+/,
    '$1{id}',
  );
  return {
    version: '0',
    id: options.id ?? randomUUID(),
    'detail-type': options.detailType ?? detailType,
    source: options.source ?? TEST_PARTNER_SOURCE,
    account: options.account ?? '123456789012',
    time: options.time ?? new Date(DEFAULT_NOW_MS).toISOString().replace('.000Z', 'Z'),
    region: options.region ?? 'us-east-1',
    resources: [],
    detail: {
      ...notification,
      timestamp: options.timestamp ?? new Date(DEFAULT_NOW_MS + 395).toISOString(),
    },
  };
}

/** `Basic base64(user:password)`. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** A Standard Webhooks secret: `whsec_` + base64 of `bytes` (default 32 deterministic bytes). */
export function standardWebhooksSecret(seed = 'closer-test'): string {
  const bytes = createHmac('sha256', 'secret-seed').update(seed).digest();
  return `whsec_${bytes.toString('base64')}`;
}

export type WebhookScheme = 'standard-webhooks' | 'github' | 'stripe' | 'hmac-sha256';

export interface SignedWebhookOptions {
  /** "Now" in epoch ms used for the signed timestamp (default DEFAULT_NOW_MS). */
  nowMs?: number;
  /** Signed timestamp in seconds (overrides `nowMs`), e.g. to build stale deliveries. */
  timestampSeconds?: number;
  /** Delivery id: `webhook-id` / `X-GitHub-Delivery` / `idHeader` value (default random). */
  id?: string;
  /** hmac-sha256: signature header (default `x-signature`). */
  header?: string;
  /** hmac-sha256: id header (default `x-delivery-id`). */
  idHeader?: string;
  /** hmac-sha256: prefix the hex with `sha256=` (default false). */
  prefixed?: boolean;
  /** Extra raw signature entries (e.g. `v1,<garbage>`) put before the real ones. */
  extraSignatures?: string[];
  /** Content type header (default `application/json`; `null` leaves it out). */
  contentType?: string | null;
}

/** A webhook request: headers (lower-case names) and the exact body string that was signed. */
export interface SignedWebhookRequest {
  headers: Record<string, string>;
  body: string;
}

function hmac(key: string | Buffer, ...content: ReadonlyArray<string | Buffer>): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of content) {
    mac.update(part);
  }
  return mac.digest();
}

function swKey(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

/**
 * Signs `body` (an object is JSON-serialised; a string is sent as is) with `secret`, or with each
 * secret when several are given (standard-webhooks and stripe put one signature per secret;
 * github and hmac-sha256 use the first).
 */
export function signedWebhook(
  scheme: WebhookScheme,
  secret: string | readonly string[],
  body: unknown,
  options: SignedWebhookOptions = {},
): SignedWebhookRequest {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    headers: webhookSignatureHeaders(scheme, secret, Buffer.from(text, 'utf8'), options),
    body: text,
  };
}

/**
 * The headers of {@link signedWebhook} for a body given as bytes, which need not be UTF-8 (the
 * schemes sign the raw bytes).
 */
export function webhookSignatureHeaders(
  scheme: WebhookScheme,
  secret: string | readonly string[],
  bytes: Buffer,
  options: SignedWebhookOptions = {},
): Record<string, string> {
  const secrets = typeof secret === 'string' ? [secret] : [...secret];
  const first = secrets[0] ?? '';
  const timestamp = String(
    options.timestampSeconds ?? Math.floor((options.nowMs ?? DEFAULT_NOW_MS) / 1000),
  );
  const id = options.id ?? `msg_${randomUUID()}`;
  const extra = options.extraSignatures ?? [];
  const headers: Record<string, string> = {};
  if (options.contentType !== null) {
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  switch (scheme) {
    case 'standard-webhooks': {
      const signatures = secrets.map(
        (s) => `v1,${hmac(swKey(s), `${id}.${timestamp}.`, bytes).toString('base64')}`,
      );
      headers['webhook-id'] = id;
      headers['webhook-timestamp'] = timestamp;
      headers['webhook-signature'] = [...extra, ...signatures].join(' ');
      break;
    }
    case 'github':
      headers['x-hub-signature-256'] = `sha256=${hmac(first, bytes).toString('hex')}`;
      headers['x-github-delivery'] = id;
      break;
    case 'stripe': {
      const signatures = secrets.map(
        (s) => `v1=${hmac(s, `${timestamp}.`, bytes).toString('hex')}`,
      );
      headers['stripe-signature'] = [`t=${timestamp}`, ...extra, ...signatures].join(',');
      break;
    }
    case 'hmac-sha256': {
      const hex = hmac(first, bytes).toString('hex');
      headers[options.header ?? 'x-signature'] = options.prefixed === true ? `sha256=${hex}` : hex;
      headers[options.idHeader ?? 'x-delivery-id'] = id;
      break;
    }
  }
  return headers;
}

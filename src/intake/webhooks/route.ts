import type { Request, RequestHandler, Response } from 'express';

import { registerSecret, silentLogger } from '../../observability/logger';
import { extractJsonPath } from '../../rules/json-path';
import type { SourcesConfig } from '../../rules/sources-schema';
import { contentHashId } from '../dedupe';
import { IntakeError } from '../errors';
import { assertJsonContentType, parseJsonBody } from '../http/body';
import { invalidPayload } from '../http/invalid-payload';
import type { WebhookInboxPayload } from '../../inbox';
import type { RawBodyReader } from '../http/raw-body-reader';
import type { IntakeOptions } from '../options';
import { DEFAULT_TOLERANCE_SECONDS, SIGNATURE_VERIFIERS } from '../signatures';
import type { SignatureVerifier, SignedRequest, VerifyContext } from '../signatures';
import type { TokenLocation } from '../../rules/token-verify-schema';
import { webhookAnswers } from './answers';
import {
  assertXmlContentType,
  parseOutboundMessage,
  sameOrganization,
} from './salesforce/outbound-message';
import { notifyAccepted, storeEvents } from '../store-events';

/** `kind` of stored webhook events. */
export const WEBHOOK_EVENT_KIND = 'webhook';

/** Delivery ids longer than this are hashed (keeps the dedupe key bounded). */
const MAX_EVENT_ID_LENGTH = 256;

type WebhookSource = NonNullable<SourcesConfig[string]>;

/** The webhook source named `name`, ignoring `eventbridge` and inherited object keys. */
export function findWebhookSource(sources: SourcesConfig, name: string): WebhookSource | undefined {
  if (name === 'eventbridge' || !Object.hasOwn(sources, name)) {
    return undefined;
  }
  return sources[name];
}

/** The comma-separated secrets in `env[name]` (several during rotation). */
export function readSecrets(env: NodeJS.ProcessEnv, name: string): string[] {
  const secrets = (env[name] ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '');
  for (const secret of secrets) {
    registerSecret(secret);
  }
  return secrets;
}

/**
 * Registers the secrets of every configured webhook source for masking. Called before a webhook
 * URL can be logged: a token sent in the path (`in: path`) is in the URL of a request no route
 * takes too (a 404 for a segment after it, a 400 for a malformed %-escape), which is logged and
 * named in the answer before any handler of its source has read the secret.
 */
export function registerWebhookSecrets(sources: SourcesConfig, env: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(sources)) {
    const source = findWebhookSource(sources, name);
    if (source !== undefined) {
      readSecrets(env, source.verify.secretEnv);
    }
  }
}

function sourceName(req: Request): string {
  const { source } = req.params;
  return typeof source === 'string' ? source : '';
}

/** The token path segment (`/webhooks/{source}/{token}`), when the request has one. */
function pathTokenOf(req: Request): string | undefined {
  const { token } = req.params;
  return typeof token === 'string' ? token : undefined;
}

/** The request's query parameters (from the raw URL, whatever Express's query parser is). */
function queryOf(req: Request): URLSearchParams {
  const question = req.url.indexOf('?');
  return new URLSearchParams(question < 0 ? '' : req.url.slice(question + 1));
}

/** One delivery to store: its dedupe id and the JSON body the rules match. */
interface Delivery {
  eventId: string;
  body: unknown;
}

/** A bounded dedupe id: the sender's id, hashed when very long, or a hash of the body. */
function boundedEventId(deliveryId: string | undefined, body: unknown): string {
  if (deliveryId === undefined) {
    return contentHashId(body);
  }
  return deliveryId.length > MAX_EVENT_ID_LENGTH ? contentHashId(deliveryId) : deliveryId;
}

/** Most items an `eachItem` body may have (as many as a Salesforce message's notifications). */
const MAX_ITEMS = 100;

/** The delivery id at `idPath` in the item (a non-empty string or a number), if any. */
function bodyId(item: unknown, idPath: string | undefined): string | undefined {
  if (idPath === undefined) {
    return undefined;
  }
  const found = extractJsonPath(item, idPath);
  if (typeof found === 'number' && Number.isFinite(found)) {
    return String(found);
  }
  return typeof found === 'string' && found.trim() !== '' ? found.trim() : undefined;
}

/**
 * A JSON webhook: one delivery, deduped on the scheme's delivery id (header), else the id at
 * `idPath`, else a body hash. With `eachItem`, each item of an array body (HubSpot and Zoho Desk
 * batch events) is a delivery of its own, deduped on its own `idPath` id or hash.
 */
function jsonDeliveries(
  verifier: SignatureVerifier,
  request: SignedRequest,
  context: VerifyContext,
  source: WebhookSource,
): Delivery[] {
  const body = parseJsonBody(request.rawBody);
  if (typeof body !== 'object' || body === null) {
    throw invalidPayload([{ path: '(root)', message: 'expected a JSON object or array' }]);
  }
  const { idPath } = source.verify;
  if (!source.eachItem || !Array.isArray(body)) {
    const id = verifier.deliveryId(request, body, context) ?? bodyId(body, idPath);
    return [{ eventId: boundedEventId(id, body), body }];
  }
  const items: unknown[] = body;
  if (items.length > MAX_ITEMS) {
    throw invalidPayload([
      { path: '(root)', message: `${items.length} items; at most ${MAX_ITEMS}` },
    ]);
  }
  return items.map((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw invalidPayload([{ path: `[${index}]`, message: 'expected a JSON object' }]);
    }
    return { eventId: boundedEventId(bodyId(item, idPath), item), body: item };
  });
}

/**
 * A Salesforce Outbound Message: refused unless it comes from the configured organization; then
 * one delivery per notification, deduped on the notification id.
 */
function salesforceDeliveries(rawBody: Buffer, organizationId: string | undefined): Delivery[] {
  const message = parseOutboundMessage(rawBody);
  if (organizationId === undefined || !sameOrganization(message.organizationId, organizationId)) {
    throw new IntakeError(
      'INTAKE_UNAUTHENTICATED',
      `OrganizationId ${message.organizationId} is not the organization this source accepts`,
      { details: { organizationId: message.organizationId } },
    );
  }
  return message.notifications.map((notification) => ({
    eventId: notification.id,
    body: notification.body,
  }));
}

/**
 * `POST /webhooks/:source` (and `/webhooks/:source/:token` for `in: path` sources): the source
 * must be a configured webhook source; the request is authenticated (signature on the raw bytes,
 * or the shared secret) before the body is parsed; each delivery in it (one JSON body, or each
 * notification of a Salesforce Outbound Message) is stored with the sender's delivery id (or a
 * body hash) as dedupe id, so a replay is stored once and acted on once. Answered in the source's
 * format (`answers.ts`): by default `202 {accepted}`, or `200 {accepted: 0, duplicate: true}`.
 */
export function webhookHandler(options: IntakeOptions, readRawBody: RawBodyReader): RequestHandler {
  const logger = options.logger ?? silentLogger;
  return async (req: Request, res: Response): Promise<void> => {
    const name = sourceName(req);
    const source = findWebhookSource(options.sources(), name);
    const pathToken = pathTokenOf(req);
    if (source === undefined || (pathToken !== undefined && tokenLocation(source) !== 'path')) {
      throw new IntakeError(
        'INTAKE_UNKNOWN_SOURCE',
        `no webhook source named '${name.slice(0, 64)}' is configured${source === undefined ? '' : ' at this path'}`,
        {
          details: { source: name.slice(0, 64) },
        },
      );
    }
    const { verify } = source;
    const secrets = readSecrets(options.env ?? process.env, verify.secretEnv);
    if (secrets.length === 0) {
      throw new IntakeError(
        'INTAKE_SOURCE_MISCONFIGURED',
        `webhook source '${name}' is configured but environment variable ${verify.secretEnv} is not set`,
        { details: { source: name, env: verify.secretEnv } },
      );
    }
    const salesforce = verify.scheme === 'salesforce-outbound-message';
    if (salesforce) {
      assertXmlContentType(req.headers);
    } else {
      assertJsonContentType(req.headers);
    }
    const request: SignedRequest = {
      headers: req.headers,
      rawBody: await readRawBody(req, res),
      query: queryOf(req),
      pathToken,
    };
    const receivedAt = options.clock.now();
    const context: VerifyContext = {
      secrets,
      nowMs: receivedAt,
      toleranceSeconds: verify.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
      header: verify.header,
      idHeader: verify.idHeader,
      tokenIn: tokenLocation(source),
      param: verify.param,
      publicUrl: verify.publicUrl,
    };
    const verifier = SIGNATURE_VERIFIERS[verify.scheme];
    verifier.verify(request, context);

    const deliveries = salesforce
      ? salesforceDeliveries(request.rawBody, verify.organizationId)
      : jsonDeliveries(verifier, request, context, source);
    const signedAt = verifier.signedAt?.(request);
    const { inserted, duplicates } = await storeEvents(
      options.store,
      deliveries.map((delivery) => ({
        source: name,
        eventId: delivery.eventId,
        kind: WEBHOOK_EVENT_KIND,
        payload: webhookPayload(delivery.body, signedAt),
        receivedAt,
      })),
      logger,
    );
    // Guarded: winston formats every entry before its level filter, even one that is dropped.
    if (logger.isDebugEnabled()) {
      logger.debug('webhook accepted', {
        source: name,
        eventIds: deliveries.map((delivery) => delivery.eventId).slice(0, 10),
        inserted,
        duplicates,
      });
    }
    webhookAnswers(source).accepted(res, inserted, duplicates);
    notifyAccepted(options.onAccepted, inserted, logger);
  };
}

/** Where a source's shared secret is sent (`in`; Salesforce defaults to the path). */
export function tokenLocation(source: WebhookSource): TokenLocation | undefined {
  return (
    source.verify.in ??
    (source.verify.scheme === 'salesforce-outbound-message' ? 'path' : undefined)
  );
}

/** The stored payload of a webhook delivery (`src/inbox` owns the shape). */
function webhookPayload(body: unknown, signedAt: number | undefined): WebhookInboxPayload {
  return signedAt === undefined ? { type: 'webhook', body } : { type: 'webhook', body, signedAt };
}

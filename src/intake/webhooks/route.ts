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
import { sendJson } from '../http/send-json';
import type { IntakeOptions } from '../options';
import { DEFAULT_TOLERANCE_SECONDS, SIGNATURE_VERIFIERS } from '../signatures';
import type { SignedRequest, VerifyContext } from '../signatures';
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

function sourceName(req: Request): string {
  const { source } = req.params;
  return typeof source === 'string' ? source : '';
}

/**
 * `POST /webhooks/:source`: the source must be a configured webhook source; the signature is
 * verified on the raw bytes before the JSON is parsed; the body (a JSON object or array) is
 * stored with the sender's delivery id (or a body hash) as dedupe id. Answers `202 {accepted: 1}`,
 * or `200 {accepted: 0, duplicate: true}` for a replay (stored once, so acted on once).
 */
export function webhookHandler(options: IntakeOptions, readRawBody: RawBodyReader): RequestHandler {
  const logger = options.logger ?? silentLogger;
  return async (req: Request, res: Response): Promise<void> => {
    const name = sourceName(req);
    const source = findWebhookSource(options.sources(), name);
    if (source === undefined) {
      throw new IntakeError(
        'INTAKE_UNKNOWN_SOURCE',
        `no webhook source named '${name.slice(0, 64)}' is configured`,
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
    assertJsonContentType(req.headers);
    const request: SignedRequest = { headers: req.headers, rawBody: await readRawBody(req, res) };
    const receivedAt = options.clock.now();
    const context: VerifyContext = {
      secrets,
      nowMs: receivedAt,
      toleranceSeconds: verify.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
      header: verify.header,
      idHeader: verify.idHeader,
      publicUrl: verify.publicUrl,
    };
    const verifier = SIGNATURE_VERIFIERS[verify.scheme];
    verifier.verify(request, context);

    const body = parseJsonBody(request.rawBody);
    if (typeof body !== 'object' || body === null) {
      throw invalidPayload([{ path: '(root)', message: 'expected a JSON object or array' }]);
    }
    const headerId = verifier.deliveryId(request, body, context);
    const signedAt = verifier.signedAt?.(request);
    // HubSpot batches events in one array: each is its own event, deduped on its own id.
    const items: unknown[] = source.eachItem && Array.isArray(body) ? body : [body];
    const events = items.map((item) => ({
      source: name,
      eventId: eventIdOf(item, headerId ?? bodyId(item, verify.idPath)),
      kind: WEBHOOK_EVENT_KIND,
      payload: webhookPayload(item, signedAt),
      receivedAt,
    }));
    const { inserted } = await storeEvents(options.store, events, logger);
    // Guarded: winston formats every entry before its level filter, even one that is dropped.
    if (logger.isDebugEnabled()) {
      const eventIds = events.map((event) => event.eventId);
      logger.debug('webhook accepted', { source: name, eventIds, duplicate: inserted === 0 });
    }
    if (inserted > 0) {
      sendJson(res, 202, { accepted: inserted });
    } else {
      sendJson(res, 200, { accepted: 0, duplicate: true });
    }
    notifyAccepted(options.onAccepted, inserted, logger);
  };
}

/** The dedupe id: the delivery id (hashed when long), else a hash of the item. */
function eventIdOf(item: unknown, deliveryId: string | undefined): string {
  if (deliveryId === undefined) {
    return contentHashId(item);
  }
  return deliveryId.length > MAX_EVENT_ID_LENGTH ? contentHashId(deliveryId) : deliveryId;
}

/** The delivery id at `idPath` in the body (a non-empty string or a number), if any. */
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

/** The stored payload of a webhook delivery (`src/inbox` owns the shape). */
function webhookPayload(body: unknown, signedAt: number | undefined): WebhookInboxPayload {
  return signedAt === undefined ? { type: 'webhook', body } : { type: 'webhook', body, signedAt };
}

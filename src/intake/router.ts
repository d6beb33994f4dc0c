import express from 'express';
import type { Router } from 'express';

import { errorHandler, INTAKE_SURFACE } from '../http';
import { silentLogger } from '../observability/logger';
import { eventBridgeHandler } from './eventbridge/route';
import { DEFAULT_MAX_BODY_BYTES } from './http/body';
import { createRawBodyReader } from './http/raw-body-reader';
import { timeRequests } from './http/request-timing';
import type { IntakeOptions } from './options';
import { webhookAnswers } from './webhooks/answers';
import { findWebhookSource, registerWebhookSecrets, webhookHandler } from './webhooks/route';

/** Path of the EventBridge API destination endpoint. */
export const EVENTBRIDGE_PATH = '/events/eventbridge';
/** Where the webhook endpoints are. */
const WEBHOOK_PREFIX = '/webhooks';
/** Path of the webhook endpoints (`:source` = a webhook source name from the rules file). */
export const WEBHOOK_PATH = '/webhooks/:source';
/** The same with a token path segment, for sources whose secret is in the URL path (`in: path`). */
export const WEBHOOK_TOKEN_PATH = '/webhooks/:source/:token';

/**
 * The intake routes: `POST /events/eventbridge` and `POST /webhooks/:source`.
 *
 * The routes read the raw body themselves (signatures are computed on the exact bytes), so the
 * router must be mounted before any body parser that would run on these paths (a global
 * `express.json()` mounted first leaves no raw bytes and every request fails with
 * `INTAKE_INTERNAL`). Errors of these routes are answered by closer's one error handler (`http/`) with the
 * intake codes, as `{"error": {"code", "message", ...}}`; errors of other routes are not touched.
 */
export function createIntakeRouter(options: IntakeOptions): Router {
  const logger = options.logger ?? silentLogger;
  const readRawBody = createRawBodyReader(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  const onError = errorHandler({ logger, surface: INTAKE_SURFACE, label: 'intake' });
  const router = express.Router();
  const { onHandled } = options;
  router.post(
    EVENTBRIDGE_PATH,
    timeRequests(onHandled, () => 'eventbridge', logger),
    eventBridgeHandler(options, readRawBody),
    onError,
  );
  // A path token is masked in every log line and answer about a webhook URL, whatever route (or
  // none) then takes it.
  router.use(WEBHOOK_PREFIX, (_req, _res, next) => {
    registerWebhookSecrets(options.sources(), options.env ?? process.env);
    next();
  });
  // Each source answers in its sender's format (a Salesforce SOAP fault, Zoho Desk's never-410);
  // the logged path leaves out a token segment.
  const onWebhookError = errorHandler({
    logger,
    surface: INTAKE_SURFACE,
    label: 'intake',
    format: (req) => webhookAnswers(sourceOf(options, req.params.source)).error,
    logPath: (req) => `/webhooks/${webhookLabel(options, req.params.source)}`,
  });
  router.post(
    [WEBHOOK_PATH, WEBHOOK_TOKEN_PATH],
    timeRequests(onHandled, (req) => webhookLabel(options, req.params.source), logger),
    webhookHandler(options, readRawBody),
    onWebhookError,
  );
  return router;
}

function sourceOf(options: IntakeOptions, name: unknown): ReturnType<typeof findWebhookSource> {
  return typeof name === 'string' ? findWebhookSource(options.sources(), name) : undefined;
}

/** A configured webhook source's name, else `unknown` (any path segment must not become a label). */
function webhookLabel(options: IntakeOptions, name: unknown): string {
  return typeof name === 'string' && findWebhookSource(options.sources(), name) !== undefined
    ? name
    : 'unknown';
}

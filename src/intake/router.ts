import express from 'express';
import type { Router } from 'express';

import { errorHandler, INTAKE_SURFACE } from '../http';
import { silentLogger } from '../observability/logger';
import { eventBridgeHandler } from './eventbridge/route';
import { DEFAULT_MAX_BODY_BYTES } from './http/body';
import { createRawBodyReader } from './http/raw-body-reader';
import type { IntakeOptions } from './options';
import { webhookHandler } from './webhooks/route';

/** Path of the EventBridge API destination endpoint. */
export const EVENTBRIDGE_PATH = '/events/eventbridge';
/** Path of the webhook endpoints (`:source` = a webhook source name from the rules file). */
export const WEBHOOK_PATH = '/webhooks/:source';

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
  router.post(EVENTBRIDGE_PATH, eventBridgeHandler(options, readRawBody), onError);
  router.post(WEBHOOK_PATH, webhookHandler(options, readRawBody), onError);
  return router;
}

import type { Request, RequestHandler, Response } from 'express';

import { silentLogger } from '../../observability/logger';
import { IntakeError } from '../errors';
import { assertJsonContentType, parseJsonBody } from '../http/body';
import type { RawBodyReader } from '../http/raw-body-reader';
import { sendJson } from '../http/send-json';
import type { IntakeOptions } from '../options';
import { notifyAccepted, storeEvents } from '../store-events';
import { authenticateEventBridge } from './authenticate';
import { EVENTBRIDGE_SOURCE, toInboxEvents } from './to-inbox-events';

/**
 * `POST /events/eventbridge`: authenticate (before reading the body), read and validate the body,
 * store, then answer `202 {accepted, duplicates, ignored}` (`200` when nothing new was stored:
 * duplicates and heartbeats are successes, so EventBridge does not retry them).
 *
 * Status choices follow the API destination retry contract: EventBridge "retries events associated
 * with error codes 401, 407, 409, 429, and 5xx" and "does not retry events associated with error
 * codes 1xx, 2xx, 3xx, and 4xx (other than those noted above)" (AWS EventBridge user guide,
 * eb-api-destinations, response handling). So input that can never succeed is a 400/413/415
 * (dropped or dead-lettered at once), a store outage is a 503 (retried), and a credential mismatch
 * (401) is retried until the connection or our env is fixed.
 */
export function eventBridgeHandler(
  options: IntakeOptions,
  readRawBody: RawBodyReader,
): RequestHandler {
  const logger = options.logger ?? silentLogger;
  return async (req: Request, res: Response): Promise<void> => {
    const config = options.sources().eventbridge;
    if (config === undefined) {
      throw new IntakeError(
        'INTAKE_UNKNOWN_SOURCE',
        'eventbridge intake is not configured (no `sources.eventbridge` in the rules file)',
        { details: { source: EVENTBRIDGE_SOURCE } },
      );
    }
    try {
      authenticateEventBridge(config.auth, req.headers, options.env ?? process.env);
    } catch (e: unknown) {
      if (
        e instanceof IntakeError &&
        e.code === 'INTAKE_UNAUTHENTICATED' &&
        'basic' in config.auth
      ) {
        res.set('WWW-Authenticate', 'Basic realm="closer"');
      }
      throw e;
    }
    assertJsonContentType(req.headers);
    const body = parseJsonBody(await readRawBody(req, res));
    const { events, ignored } = toInboxEvents(body, options.clock.now());
    const { inserted, duplicates } = await storeEvents(options.store, events, logger);
    // Guarded: winston formats every entry before its level filter, even one that is dropped.
    if (logger.isDebugEnabled()) {
      logger.debug('eventbridge events accepted', { inserted, duplicates, ignored });
    }
    sendJson(res, inserted > 0 ? 202 : 200, { accepted: inserted, duplicates, ignored });
    notifyAccepted(options.onAccepted, inserted, logger);
  };
}

import type { ErrorRequestHandler, Response } from 'express';

import { coerceError } from '../../errors';
import type { Logger } from '../../observability/logger';
import { IntakeError } from '../errors';

/** Seconds a sender should wait after a 503 (store down, source misconfigured). */
const RETRY_AFTER_SECONDS = 5;

function bodyParserError(err: unknown): IntakeError | undefined {
  if (typeof err !== 'object' || err === null) {
    return undefined;
  }
  // Decompression failures (`Content-Encoding: gzip` over bytes that are not gzip) carry a 4xx
  // status but no `type`: they are the sender's fault too.
  const type = 'type' in err && typeof err.type === 'string' ? err.type : undefined;
  const status = 'status' in err && typeof err.status === 'number' ? err.status : 500;
  switch (type) {
    case 'entity.too.large': {
      const limit = 'limit' in err && typeof err.limit === 'number' ? err.limit : undefined;
      return new IntakeError(
        'INTAKE_BODY_TOO_LARGE',
        limit === undefined
          ? 'the request body is too large'
          : `the request body exceeds ${limit} bytes`,
        { details: limit === undefined ? {} : { limitBytes: limit } },
      );
    }
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new IntakeError(
        'INTAKE_UNSUPPORTED_MEDIA_TYPE',
        'unsupported content encoding or charset',
      );
    default:
      return status >= 400 && status < 500
        ? new IntakeError('INTAKE_BAD_REQUEST', 'the request body could not be read', {
            details: {
              reason: type ?? (err instanceof Error ? err.message.slice(0, 100) : 'unreadable'),
            },
          })
        : undefined;
  }
}

/** Any thrown value → the `IntakeError` answered for it (unknown errors → `INTAKE_INTERNAL`). */
export function toIntakeError(err: unknown): IntakeError {
  if (err instanceof IntakeError) {
    return err;
  }
  return (
    bodyParserError(err) ??
    new IntakeError('INTAKE_INTERNAL', 'internal error while accepting the event', {
      cause: coerceError(err),
    })
  );
}

/** Writes `{"error": {"code", "message", ...details}}` with the code's status. */
export function sendIntakeError(res: Response, error: IntakeError): void {
  if (error.status === 503) {
    res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  }
  res
    .status(error.status)
    .json({ error: { ...error.details, code: error.code, message: error.message } });
}

/**
 * Error middleware of the intake routes: maps every error to a JSON 4xx/5xx (never an HTML page or
 * a stack), logs 5xx loudly and rejected requests at `warn` (auth) or `info` (bad input).
 */
export function intakeErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const error = toIntakeError(err);
    const meta = { code: error.code, status: error.status, path: req.path };
    if (error.status >= 500) {
      logger.error(`intake request failed: ${error.message}`, {
        ...meta,
        cause: error.cause === undefined ? undefined : coerceError(error.cause),
      });
    } else if (error.status === 401) {
      logger.warn(`intake request rejected: ${error.message}`, meta);
    } else {
      logger.info(`intake request rejected: ${error.message}`, meta);
    }
    sendIntakeError(res, error);
  };
}

import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../observability/logger';
import { maskSecrets } from '../observability/logger';
import { CloserError, coerceError } from '../errors';
import { GenesysApiError } from '../genesys';
import { ApiError } from './api-error';

/** Status for errors that are not {@link ApiError}s, by stable code. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  GENESYS_FORBIDDEN: 502,
  GENESYS_AUTH_FAILED: 502,
  GENESYS_NOT_FOUND: 404,
  GENESYS_RATE_LIMITED: 503,
  GENESYS_UNAVAILABLE: 503,
  GENESYS_TIMEOUT: 504,
  GENESYS_NETWORK: 502,
  GENESYS_BAD_REQUEST: 502,
  GENESYS_INVALID_INPUT: 400,
  RULES_INVALID: 422,
  STORE_UNAVAILABLE: 503,
  STORE_CLOSED: 503,
  STORE_QUERY_FAILED: 503,
};

/**
 * Every API error is `{"error": {"code", "message", ...details}}`. A Genesys 403 carries the
 * missing permissions and the fix. Unknown errors are a 500 with a generic message (the detail
 * goes to the log, without secrets). Body-parser failures are 4xx naming the problem.
 */
export function apiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (thrown: unknown, _req, res, _next) => {
    const parserStatus = bodyParserStatus(thrown);
    if (parserStatus !== undefined) {
      res.status(parserStatus.status).json({ error: parserStatus.error });
      return;
    }
    const error = coerceError(thrown);
    if (error instanceof GenesysApiError) {
      res.status(STATUS_BY_CODE[error.code] ?? 502).json({
        error: {
          code: error.code,
          message: maskSecrets(error.message),
          genesysStatus: error.status,
          ...(error.genesysCode === undefined ? {} : { genesysCode: error.genesysCode }),
          operation: error.operation,
          missingPermissions: error.missingPermissions,
          requiredPermissions: error.requiredPermissions,
          ...(error.fix === undefined ? {} : { fix: error.fix }),
          ...(error.correlationId === undefined ? {} : { correlationId: error.correlationId }),
        },
      });
      return;
    }
    if (error instanceof ApiError || error instanceof CloserError) {
      const status = error instanceof ApiError ? error.status : (STATUS_BY_CODE[error.code] ?? 500);
      res.status(status).json({
        error: { code: error.code, message: maskSecrets(error.message), ...error.details },
      });
      return;
    }
    const clientStatus = clientErrorStatus(thrown);
    if (clientStatus !== undefined) {
      // e.g. an undecodable gzip body, or a path with malformed %-escapes (the router's URIError).
      const message = maskSecrets(error.message.slice(0, 200));
      res.status(clientStatus).json({
        error: { code: 'API_BAD_REQUEST', message: message === '' ? 'bad request' : message },
      });
      return;
    }
    logger.error('unexpected API error', { error: error.message, stack: error.stack });
    res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error; see the logs' } });
  };
}

function bodyParserStatus(
  thrown: unknown,
): { status: number; error: { code: string; message: string } } | undefined {
  if (typeof thrown !== 'object' || thrown === null || !('type' in thrown)) {
    return undefined;
  }
  const type = thrown.type;
  if (type === 'entity.too.large') {
    return { status: 413, error: { code: 'API_BODY_TOO_LARGE', message: 'the body is too large' } };
  }
  if (type === 'entity.parse.failed') {
    const message = thrown instanceof Error ? thrown.message : 'malformed JSON';
    return {
      status: 400,
      error: { code: 'API_MALFORMED_JSON', message: `malformed JSON: ${message}` },
    };
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return {
      status: 415,
      error: { code: 'API_UNSUPPORTED_ENCODING', message: 'unsupported encoding' },
    };
  }
  return undefined;
}

/** The 4xx status an HTTP-layer error (body-parser, router) carries, if it carries one. */
function clientErrorStatus(thrown: unknown): number | undefined {
  if (typeof thrown !== 'object' || thrown === null || !('status' in thrown)) {
    return undefined;
  }
  const status = thrown.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

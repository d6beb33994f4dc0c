import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from '../observability/logger-interface';
import { errorEnvelope, toErrorAnswer, type ErrorAnswer, type SurfaceCodes } from './error-answer';
import { errorAnswerSpec } from './error-catalog';

/**
 * How an error answer is written. closer's own is the JSON envelope; a source whose sender
 * expects something else (a vendor that wants a SOAP fault, or exactly 200) supplies its own.
 */
export interface AnswerFormat {
  send(res: Response, answer: ErrorAnswer): void;
}

/** `{"error": {"code", "message", ...details}}` with the code's status (and `Retry-After`). */
export const JSON_ANSWER: AnswerFormat = {
  send(res, answer) {
    if (answer.retryAfterSeconds !== undefined) {
      res.set('Retry-After', String(answer.retryAfterSeconds));
    }
    res.status(answer.status).json(errorEnvelope(answer));
  },
};

/** Options of {@link errorHandler}. */
export interface ErrorHandlerOptions {
  logger: Logger;
  /** Codes for parser failures and unexpected errors on this surface (intake, API). */
  surface: SurfaceCodes;
  /** Word in log lines (`intake`, `api`). */
  label: string;
  /** The answer format for a request (default {@link JSON_ANSWER}). */
  format?: (req: Request) => AnswerFormat;
  /** The path written in log lines (default `req.path`), e.g. without a secret path segment. */
  logPath?: (req: Request) => string;
}

/**
 * THE error middleware of every closer surface: maps anything thrown with `toErrorAnswer`
 * (never an HTML page or a stack), writes it in the request's format, and logs it: 5xx loudly
 * with the cause, refused credentials (401) at `warn` without the credentials, other bad input
 * at `info`.
 */
export function errorHandler(options: ErrorHandlerOptions): ErrorRequestHandler {
  return (thrown: unknown, req, res, next) => {
    if (res.headersSent) {
      next(thrown);
      return;
    }
    const answer = toErrorAnswer(thrown, options.surface);
    const meta = {
      code: answer.code,
      status: answer.status,
      method: req.method,
      path: options.logPath?.(req) ?? req.path,
    };
    if (answer.status >= 500) {
      options.logger.error(`${options.label} request failed: ${answer.message}`, {
        ...meta,
        ...(answer.cause === undefined
          ? {}
          : { error: answer.cause.message, stack: answer.cause.stack }),
      });
    } else if (answer.status === 401) {
      options.logger.warn(`${options.label} request refused: ${answer.message}`, {
        ...meta,
        ip: req.socket.remoteAddress,
      });
    } else {
      options.logger.info(`${options.label} request rejected: ${answer.message}`, meta);
    }
    (options.format?.(req) ?? JSON_ANSWER).send(res, answer);
  };
}

/** Codes of the HTTP layer, answered before (or outside) Express. */
export type HttpLayerCode = 'HTTP_BAD_REQUEST' | 'HTTP_HEADERS_TOO_LARGE';

/** The status declared for `code` and the JSON envelope naming `message`. */
export function httpLayerAnswer(
  code: HttpLayerCode,
  message: string,
  details: Record<string, unknown> = {},
): { status: number; body: string } {
  const status = errorAnswerSpec(code)?.status ?? 400;
  const body = JSON.stringify(errorEnvelope({ status, code, message, details, retryable: false }));
  return { status, body };
}

/**
 * A whole HTTP/1.1 error response for the raw-socket path (requests Node refuses before Express
 * sees them), with the same envelope, the status declared for `code` and the headers of every
 * closer answer (`Cache-Control: no-store`, `X-Content-Type-Options: nosniff`).
 */
export function rawErrorResponse(
  code: HttpLayerCode,
  message: string,
  details: Record<string, unknown> = {},
): string {
  const { status, body } = httpLayerAnswer(code, message, details);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`;
}

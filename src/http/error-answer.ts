import { CloserError, coerceError } from '../errors';
import { GenesysApiError } from '../genesys/errors';
import { maskSecrets } from '../observability/secrets';
import { errorAnswerSpec } from './error-catalog';

/** Seconds a client should wait before retrying a retryable 503. */
export const RETRY_AFTER_SECONDS = 5;

/** What closer answers for one error, before it is written in any format. */
export interface ErrorAnswer {
  status: number;
  code: string;
  /** Secret-masked, fit for the client. */
  message: string;
  /** Extra facts (never secrets): missing permissions, the fix, problems, limits… */
  details: Record<string, unknown>;
  retryable: boolean;
  /** Seconds for `Retry-After` (retryable 503s). */
  retryAfterSeconds?: number;
  /** The original error when the answer hides it (an unexpected failure): for the log only. */
  cause?: Error;
}

/**
 * The codes a surface uses for failures that happen before its own code runs (body parsing) and
 * for unexpected errors, so intake keeps its `INTAKE_*` vocabulary and the API its own.
 */
export interface SurfaceCodes {
  bodyTooLarge: string;
  malformedJson: string;
  unsupportedEncoding: string;
  badRequest: string;
  internal: string;
}

export const API_SURFACE: SurfaceCodes = {
  bodyTooLarge: 'API_BODY_TOO_LARGE',
  malformedJson: 'API_MALFORMED_JSON',
  unsupportedEncoding: 'API_UNSUPPORTED_ENCODING',
  badRequest: 'API_BAD_REQUEST',
  internal: 'INTERNAL',
};

export const INTAKE_SURFACE: SurfaceCodes = {
  bodyTooLarge: 'INTAKE_BODY_TOO_LARGE',
  malformedJson: 'INTAKE_MALFORMED_JSON',
  unsupportedEncoding: 'INTAKE_UNSUPPORTED_MEDIA_TYPE',
  badRequest: 'INTAKE_BAD_REQUEST',
  internal: 'INTAKE_INTERNAL',
};

function answer(
  code: string,
  message: string,
  details: Record<string, unknown> = {},
  cause?: Error,
): ErrorAnswer {
  const spec = errorAnswerSpec(code) ?? { status: 500, retryable: false };
  return {
    status: spec.status,
    code,
    message: maskSecrets(message),
    details,
    retryable: spec.retryable,
    ...(spec.retryable && spec.status === 503 ? { retryAfterSeconds: RETRY_AFTER_SECONDS } : {}),
    ...(cause === undefined ? {} : { cause }),
  };
}

/** A body-parser (or decompression) failure: the client's fault, named. */
function parserAnswer(thrown: unknown, codes: SurfaceCodes): ErrorAnswer | undefined {
  if (typeof thrown !== 'object' || thrown === null || thrown instanceof CloserError) {
    return undefined;
  }
  const type = 'type' in thrown && typeof thrown.type === 'string' ? thrown.type : undefined;
  const status = 'status' in thrown && typeof thrown.status === 'number' ? thrown.status : 500;
  const text = thrown instanceof Error ? thrown.message.slice(0, 200) : '';
  switch (type) {
    case 'entity.too.large': {
      const limit =
        'limit' in thrown && typeof thrown.limit === 'number' ? thrown.limit : undefined;
      return answer(
        codes.bodyTooLarge,
        limit === undefined
          ? 'the request body is too large'
          : `the request body exceeds ${limit} bytes`,
        limit === undefined ? {} : { limitBytes: limit },
      );
    }
    case 'entity.parse.failed':
      return answer(codes.malformedJson, `malformed JSON: ${text || 'unparseable'}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return answer(codes.unsupportedEncoding, 'unsupported content encoding or charset');
    default:
      // e.g. an undecodable gzip body, an aborted request, malformed %-escapes in the path.
      return status >= 400 && status < 500
        ? answer(codes.badRequest, text === '' ? 'the request could not be read' : text, {
            ...(type === undefined ? {} : { reason: type }),
          })
        : undefined;
  }
}

/**
 * THE mapping from anything thrown to what closer answers, used by intake, the ops API and the
 * raw-socket path alike: a code's status and retryability come from its domain's table
 * (`error-catalog.ts`); a Genesys failure carries the missing permissions and the fix; anything
 * unexpected is a 500 with a generic message (the error goes to the log via `cause`).
 */
export function toErrorAnswer(thrown: unknown, codes: SurfaceCodes = API_SURFACE): ErrorAnswer {
  const parsed = parserAnswer(thrown, codes);
  if (parsed !== undefined) {
    return parsed;
  }
  const error = coerceError(thrown);
  if (error instanceof GenesysApiError) {
    return answer(error.code, error.message, {
      genesysStatus: error.status,
      ...(error.genesysCode === undefined ? {} : { genesysCode: error.genesysCode }),
      operation: error.operation,
      missingPermissions: error.missingPermissions,
      requiredPermissions: error.requiredPermissions,
      ...(error.fix === undefined ? {} : { fix: error.fix }),
      ...(error.correlationId === undefined ? {} : { correlationId: error.correlationId }),
    });
  }
  if (error instanceof CloserError && errorAnswerSpec(error.code) !== undefined) {
    const spec = errorAnswerSpec(error.code);
    const hidden = spec !== undefined && spec.status >= 500 && !spec.retryable;
    return answer(error.code, error.message, { ...error.details }, hidden ? error : undefined);
  }
  return answer(codes.internal, 'internal error; see the logs', {}, error);
}

/** The JSON envelope every closer error answer has: `{"error": {...details, code, message}}`. */
export function errorEnvelope(answer: ErrorAnswer): { error: Record<string, unknown> } {
  return { error: { ...answer.details, code: answer.code, message: answer.message } };
}

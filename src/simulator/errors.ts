/**
 * Genesys `ErrorBody` answers. Codes and message templates are the ones Genesys documents
 * (SW2018 responses, docs/genesys/facts.md §1/§4); see README.md for sources.
 */
import { randomUUID } from 'node:crypto';
import type { Models } from 'purecloud-platform-client-v2';

/** Error codes the simulator answers with, and their message templates (`{name}` = a param). */
export const ERROR_TEMPLATES = {
  'bad.request': 'The request could not be understood by the server due to malformed syntax.',
  'invalid.value':
    'Value [{value}] is not valid for field type [{field}]. Allowable values are: {allowed}',
  'authentication.required': 'No authentication bearer token specified in authorization header.',
  'bad.credentials': 'Invalid login credentials.',
  'missing.permissions':
    'Unable to perform the requested action. You are missing the following permission(s): {permissions}',
  'missing.any.permissions':
    'Unable to perform the requested action. You must have at least one of the following permissions assigned: {permissions}',
  'not.found': 'The requested resource was not found.',
  'too.many.requests':
    'Rate limit exceeded the maximum [{limit}] requests within [{seconds}] seconds',
  'service.unavailable':
    'Service Unavailable - The server is currently unavailable (because it is overloaded or down for maintenance).',
  'unsupported.media.type':
    'Unsupported Media Type - Unsupported or incorrect media type, such as an incorrect Content-Type value in the header.',
  'internal.server.error':
    'The server encountered an unexpected condition which prevented it from fulfilling the request.',
} as const;

export type SimErrorCode = keyof typeof ERROR_TEMPLATES;

/**
 * Message used (with code `bad.request`, status 400) when a disconnect targets a conversation or
 * participant that is already disconnected. The real wording/code is not documented; see README.
 */
export const ALREADY_DISCONNECTED_MESSAGE =
  'The conversation is in a state which does not permit this action.';

/** Thrown by route handlers; the server turns it into an ErrorBody answer. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: SimErrorCode,
    readonly params: Record<string, string> = {},
    readonly overrideMessage?: string,
  ) {
    super(overrideMessage ?? render(ERROR_TEMPLATES[code], params));
    this.name = 'SimHttpError';
  }
}

function render(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/**
 * Builds the ErrorBody for `error` with a fresh contextId (also sent as ININ-Correlation-Id).
 *
 * @internal Typed with the Genesys SDK's models (a devDependency), so left out of the published types.
 */
export function errorBody(error: SimHttpError, contextId: string = randomUUID()): Models.ErrorBody {
  const template = error.overrideMessage ?? ERROR_TEMPLATES[error.code];
  return {
    message: error.message,
    code: error.code,
    status: error.status,
    messageWithParams: template,
    messageParams: { ...error.params },
    contextId,
    details: [],
    errors: [],
  };
}

/** Shorthands for the common answers. */
export const simErrors = {
  badRequest: (message?: string): SimHttpError => new SimHttpError(400, 'bad.request', {}, message),
  notFound: (message?: string): SimHttpError => new SimHttpError(404, 'not.found', {}, message),
  alreadyDisconnected: (): SimHttpError =>
    new SimHttpError(400, 'bad.request', {}, ALREADY_DISCONNECTED_MESSAGE),
};

/**
 * One /api/v2 request through the checks Genesys applies, in this order: injected 503, route
 * (unknown → 404 `not.found`), bearer token (401), rate limit (429), permissions (403), body
 * parse (400), then the operation's handler.
 */
import type { ApiContext, ApiHandler } from './api-context';
import { SimHttpError, simErrors } from './errors';
import type { Reply } from './http-util';
import { matchOperation, missingPermissions } from './operations';
import type { RateLimiter } from './rate-limit';
import { analyticsHandlers } from './routes-analytics';
import { orgHandlers } from './routes-org';
import { conversationHandlers } from './routes-conversations';
import { platformHandlers } from './routes-platform';

const handlers: Record<string, ApiHandler> = {
  ...conversationHandlers,
  ...platformHandlers,
  ...analyticsHandlers,
  ...orgHandlers,
};

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: string;
}

export interface ApiPipelineDeps {
  base: Omit<ApiContext, 'params' | 'query' | 'body' | 'clientId'>;
  rateLimiter: RateLimiter;
  /** True when this call should fail with 503 (seeded failure injection). */
  shouldFail: () => boolean;
}

/** Answers an /api/v2 request; `headers` collects response headers even on errors. */
export function runApi(
  deps: ApiPipelineDeps,
  req: ApiRequest,
  headers: Record<string, string>,
): Reply {
  if (deps.shouldFail()) {
    throw new SimHttpError(503, 'service.unavailable');
  }
  const match = matchOperation(req.method, req.path);
  if (!match) {
    throw simErrors.notFound();
  }
  const clientId = deps.base.auth.authenticate(req.headers.authorization);
  const rate = deps.rateLimiter.take(clientId);
  if (rate) {
    Object.assign(headers, rate.headers);
    if (rate.limited) {
      headers['retry-after'] = String(rate.retryAfterSeconds);
      throw deps.rateLimiter.error();
    }
  }
  const granted = deps.base.auth.client(clientId)?.permissions ?? new Set<string>();
  const missing = missingPermissions(match.spec, granted);
  if (missing.length > 0) {
    const code = match.spec.requires === 'all' ? 'missing.permissions' : 'missing.any.permissions';
    throw new SimHttpError(403, code, { permissions: `[${missing.join(', ')}]` });
  }
  const handler = handlers[match.spec.id];
  if (!handler) {
    throw simErrors.notFound();
  }
  return handler({
    ...deps.base,
    params: match.params,
    query: req.query,
    body: parseJson(req.rawBody),
    clientId,
  });
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw simErrors.badRequest('The request body is not valid JSON.');
  }
}

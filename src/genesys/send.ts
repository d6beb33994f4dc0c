import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { Clock } from '../timers/clock';
import type { Logger } from '../observability/logger-interface';
import type { TokenProvider } from './auth';
import { GenesysApiError } from './errors';
import { errorFromFailure } from './error-mapping';
import type { RateBudget } from './rate-budget';
import { decideRetry, type AttemptFailure, type RetryPolicy } from './retry';
import { performAttempt, TransportFailure, type RawResponse } from './transport';

/** Header carrying closer's request id, the same on every retry of one request. Genesys does not
 * document a request-side id header; it returns its own `ININ-Correlation-Id`, which is logged. */
export const REQUEST_ID_HEADER = 'x-request-id';

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** One Genesys API call, as every operation describes it to {@link sendRequest}. */
export interface GenesysRequest<T = unknown> {
  /** Operation name for logs, errors and the 403 explainer (see GENESYS_OPERATIONS). */
  operation: string;
  method: Dispatcher.HttpMethod;
  /** Path with parameters filled in, starting `/api/v2/`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  body?: unknown;
  /** Validates a 2xx JSON body (lenient schemas); without one the body is returned unchecked as T. */
  responseSchema?: z.ZodType<T>;
  /** Defaults to true for GET/HEAD/PUT/DELETE, false for POST/PATCH. */
  idempotent?: boolean;
  /**
   * For non-idempotent requests: after a failure that may or may not have taken effect (timeout,
   * reset, 500/502/504), called instead of blindly re-sending. Resolve `done` if the intended
   * effect is visible (the request is then reported as succeeded, `reconciled: true`); `resend`
   * only when a read CONFIRMED the write is still wanted; `unknown` when no read could tell — the
   * request then fails with `GENESYS_OUTCOME_UNKNOWN` and is never re-sent blind.
   * Without it such failures are not retried.
   */
  reconcile?: () => Promise<ReconcileVerdict>;
}

/** What a confirming read found after an ambiguous failure (see `GenesysRequest.reconcile`). */
export type ReconcileVerdict = 'done' | 'resend' | 'unknown';

interface ResponseBase {
  status: number;
  headers: Record<string, string>;
  requestId: string;
  correlationId: string | undefined;
  /** Attempts made, including the one that succeeded. */
  attempts: number;
}

/** A successful response; `reconciled` when success was established by `reconcile()` instead. */
export type GenesysResponse<T> =
  | (ResponseBase & { reconciled: false; body: T })
  | (ResponseBase & { reconciled: true; body: undefined });

/** Hooks for metrics: every attempt's result and every retry's reason. */
export interface GenesysObserver {
  /** `status` is the HTTP status, or `timeout` / `network` when no response arrived. */
  attempt?: (operation: string, status: string) => void;
  retry?: (operation: string, reason: string) => void;
}

/** Everything {@link sendRequest} needs; owned by GenesysClient. */
export interface SendContext {
  apiUrl: string;
  clientId: string;
  dispatcher: Dispatcher;
  auth: TokenProvider;
  budget: RateBudget;
  clock: Clock;
  logger: Logger;
  timeoutMs: number;
  userAgent: string;
  policy: RetryPolicy;
  random?: () => number;
  observer?: GenesysObserver;
}

function buildUrl(apiUrl: string, request: GenesysRequest): string {
  const url = new URL(apiUrl);
  url.pathname = `${url.pathname.replace(/\/$/, '')}${request.path}`;
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) {
      url.searchParams.set(key, String(value));
    }
  }
  return url.toString();
}

function parseJson(text: string): unknown {
  if (text.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * THE one request path to the Genesys API: token, shared budget, per-attempt timeout, stable
 * request id, retries (network, 5xx except 501, 429) with Retry-After and jittered backoff, one
 * transparent re-authentication on 401, non-idempotent safety, and status → error mapping.
 *
 * @throws GenesysApiError with a stable code (GENESYS_FORBIDDEN, GENESYS_NOT_FOUND, …).
 */
export async function sendRequest<T>(
  ctx: SendContext,
  request: GenesysRequest<T>,
): Promise<GenesysResponse<T>> {
  const requestId = randomUUID();
  const idempotent = request.idempotent ?? IDEMPOTENT_METHODS.has(request.method);
  const log = ctx.logger.child({ operation: request.operation, requestId });
  const url = buildUrl(ctx.apiUrl, request);
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  let retries = 0;
  let reauthenticated = false;
  let attempts = 0;
  // Bounded: each pass either returns, throws, or consumes one of maxRetries / the single re-auth.
  for (;;) {
    const token = await ctx.auth.getToken();
    const release = await ctx.budget.acquire();
    attempts += 1;
    let failure: AttemptFailure;
    let response: RawResponse | undefined;
    try {
      response = await performAttempt(ctx.dispatcher, {
        url,
        method: request.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          'user-agent': ctx.userAgent,
          [REQUEST_ID_HEADER]: requestId,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body,
        timeoutMs: ctx.timeoutMs,
      });
      failure = { kind: 'status', status: response.status, headers: response.headers };
    } catch (e: unknown) {
      if (!(e instanceof TransportFailure)) {
        throw e;
      }
      failure =
        e.kind === 'timeout' ? { kind: 'timeout' } : { kind: 'network', errorCode: e.errorCode };
    } finally {
      release();
    }

    ctx.observer?.attempt?.(
      request.operation,
      response === undefined ? failure.kind : String(response.status),
    );
    if (response !== undefined) {
      ctx.budget.observe(response.headers);
      const correlationId = response.headers['inin-correlation-id'];
      if (response.status >= 200 && response.status < 300) {
        log.debug('Genesys request succeeded', {
          status: response.status,
          attempts,
          correlationId,
        });
        return {
          status: response.status,
          headers: response.headers,
          requestId,
          correlationId,
          attempts,
          reconciled: false,
          body: parseBody(request, response, requestId, attempts),
        };
      }
      if (response.status === 401 && !reauthenticated) {
        // One transparent re-auth: the token may have been revoked or expired early.
        reauthenticated = true;
        ctx.auth.invalidate(token);
        log.info('Genesys rejected the access token (401); fetching a new one', { correlationId });
        continue;
      }
    }

    const decision = decideRetry({
      failure,
      retriesSoFar: retries,
      policy: ctx.policy,
      nowMs: ctx.clock.now(),
      ...(ctx.random === undefined ? {} : { random: ctx.random }),
    });
    const unsafe = !idempotent && decision.ambiguous;
    if (!decision.retry || (unsafe && request.reconcile === undefined)) {
      throw errorFromFailure({
        failure,
        response,
        operation: request.operation,
        requestId,
        attempts,
        clientId: ctx.clientId,
        gaveUp: decision.retry ? 'ambiguous' : decision.reason,
        ...(decision.retry || decision.retryAfterMs === undefined
          ? {}
          : { retryAfterMs: decision.retryAfterMs }),
      });
    }
    retries += 1;
    ctx.observer?.retry?.(request.operation, decision.reason);
    log.warn('retrying Genesys request', {
      retry: retries,
      reason: decision.reason,
      delayMs: decision.delayMs,
      status: response?.status,
      correlationId: response?.headers['inin-correlation-id'],
    });
    await ctx.clock.sleep(decision.delayMs);
    if (unsafe && request.reconcile !== undefined) {
      const verdict = await request.reconcile();
      log.info('reconciled an ambiguous Genesys failure before re-sending', { verdict });
      if (verdict === 'unknown') {
        throw new GenesysApiError({
          code: 'GENESYS_OUTCOME_UNKNOWN',
          message: `Genesys ${request.operation} failed ambiguously (${failure.kind === 'status' ? String(failure.status) : failure.kind}) and no read could confirm whether it took effect; not re-sent`,
          status: response?.status,
          operation: request.operation,
          retryable: true,
          requestId,
          correlationId: response?.headers['inin-correlation-id'],
          attempts,
        });
      }
      if (verdict === 'done') {
        return {
          status: response?.status ?? 0,
          headers: response?.headers ?? {},
          requestId,
          correlationId: response?.headers['inin-correlation-id'],
          attempts,
          reconciled: true,
          body: undefined,
        };
      }
    }
  }
}

function parseBody<T>(
  request: GenesysRequest<T>,
  response: RawResponse,
  requestId: string,
  attempts: number,
): T {
  const parsed = parseJson(response.text);
  if (request.responseSchema === undefined) {
    return parsed as T;
  }
  const result = request.responseSchema.safeParse(parsed);
  if (!result.success) {
    throw new GenesysApiError({
      code: 'GENESYS_INVALID_RESPONSE',
      message: `Genesys ${request.operation} returned ${response.status} with an unexpected body: ${result.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')}`,
      status: response.status,
      operation: request.operation,
      retryable: false,
      requestId,
      correlationId: response.headers['inin-correlation-id'],
      attempts,
    });
  }
  return result.data;
}

/** Anything that can send a Genesys request (GenesysClient); operations depend on this only. */
export interface GenesysSender {
  send<T>(request: GenesysRequest<T>): Promise<GenesysResponse<T>>;
}

/** The body of a response that cannot have been reconciled (reads, requests without `reconcile`). */
export function expectBody<T>(response: GenesysResponse<T>): T {
  if (response.reconciled) {
    throw new Error('a request without reconcile() was reported as reconciled');
  }
  return response.body;
}

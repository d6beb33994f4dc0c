import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { Clock } from '../timers/clock';
import type { Logger } from '../observability/logger-interface';
import { GenesysApiError } from './errors';
import { OAuthErrorSchema, TokenResponseSchema } from './models';
import { decideRetry, type AttemptFailure, type RetryPolicy } from './retry';
import { performAttempt, TransportFailure, type RawResponse } from './transport';

/** Refresh this long before expiry at most (60 s), … */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** … or 10 % of the lifetime when that is shorter (short-lived tokens are not refreshed constantly). */
export const TOKEN_REFRESH_MARGIN_FRACTION = 0.1;

/** Options for {@link TokenProvider}. */
export interface TokenProviderOptions {
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  /** Region key, named in the error when the credentials are refused. */
  region: string;
  dispatcher: Dispatcher;
  clock: Clock;
  logger: Logger;
  timeoutMs: number;
  userAgent: string;
  policy: RetryPolicy;
  random?: () => number;
  /** Called with every new access token (the client registers it for log masking). */
  onToken?: (accessToken: string) => void;
}

interface CachedToken {
  accessToken: string;
  /** Epoch ms after which the token is refreshed (expiry minus margin). */
  refreshAt: number;
}

/**
 * Client-credentials token cache (docs/genesys/facts.md §4): `POST <login>/oauth/token` with Basic auth and the
 * form body `grant_type=client_credentials` — never a `scope`, which does not apply to this grant.
 * Concurrent callers share one in-flight token request (single flight). The token is refreshed
 * before it expires and can be invalidated after a 401.
 */
export class TokenProvider {
  private readonly options: TokenProviderOptions;
  private cached: CachedToken | undefined;
  private inFlight: Promise<string> | undefined;
  /** Token requests sent (for tests and metrics). */
  requestCount = 0;

  constructor(options: TokenProviderOptions) {
    this.options = options;
  }

  /**
   * A valid access token: cached, or fetched once for all concurrent callers.
   *
   * @throws GenesysApiError GENESYS_AUTH_FAILED (credentials/region refused), or
   *   GENESYS_UNAVAILABLE / GENESYS_RATE_LIMITED / GENESYS_TIMEOUT / GENESYS_NETWORK.
   */
  getToken(): Promise<string> {
    const cached = this.cached;
    if (cached !== undefined && this.options.clock.now() < cached.refreshAt) {
      return Promise.resolve(cached.accessToken);
    }
    if (this.inFlight === undefined) {
      this.inFlight = this.fetchToken().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  /** Forgets `token` if it is still the cached one (after Genesys rejected it with 401). */
  invalidate(token: string): void {
    if (this.cached?.accessToken === token) {
      this.cached = undefined;
    }
  }

  private async fetchToken(): Promise<string> {
    const { clock, policy } = this.options;
    const requestId = randomUUID();
    let retries = 0;
    // Bounded by policy.maxRetries.
    for (;;) {
      const startedAt = clock.now();
      let failure: AttemptFailure;
      let response: RawResponse | undefined;
      try {
        this.requestCount += 1;
        response = await performAttempt(this.options.dispatcher, {
          url: `${this.options.loginUrl}/oauth/token`,
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
            'user-agent': this.options.userAgent,
            'x-request-id': requestId,
          },
          body: 'grant_type=client_credentials',
          timeoutMs: this.options.timeoutMs,
        });
        if (response.status >= 200 && response.status < 300) {
          return this.store(response, startedAt, requestId);
        }
        failure = { kind: 'status', status: response.status, headers: response.headers };
      } catch (e: unknown) {
        if (!(e instanceof TransportFailure)) {
          throw e;
        }
        failure =
          e.kind === 'timeout' ? { kind: 'timeout' } : { kind: 'network', errorCode: e.errorCode };
      }
      const decision = decideRetry({
        failure,
        retriesSoFar: retries,
        policy,
        nowMs: clock.now(),
        ...(this.options.random === undefined ? {} : { random: this.options.random }),
      });
      if (!decision.retry) {
        throw this.toError(failure, response, requestId, retries + 1);
      }
      retries += 1;
      this.options.logger.warn('retrying Genesys token request', {
        operation: 'requestToken',
        requestId,
        retry: retries,
        reason: decision.reason,
        delayMs: decision.delayMs,
      });
      await clock.sleep(decision.delayMs);
    }
  }

  private store(response: RawResponse, startedAt: number, requestId: string): string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.text);
    } catch {
      parsed = undefined;
    }
    const result = TokenResponseSchema.safeParse(parsed);
    if (!result.success) {
      throw new GenesysApiError({
        code: 'GENESYS_INVALID_RESPONSE',
        message: 'Genesys token response lacks access_token/expires_in',
        status: response.status,
        operation: 'requestToken',
        retryable: false,
        requestId,
      });
    }
    this.options.onToken?.(result.data.access_token);
    const lifetimeMs = result.data.expires_in * 1000;
    const margin = Math.min(TOKEN_REFRESH_MARGIN_MS, lifetimeMs * TOKEN_REFRESH_MARGIN_FRACTION);
    this.cached = {
      accessToken: result.data.access_token,
      refreshAt: startedAt + lifetimeMs - margin,
    };
    this.options.logger.debug('obtained Genesys access token', {
      requestId,
      expiresInSeconds: result.data.expires_in,
    });
    return result.data.access_token;
  }

  private toError(
    failure: AttemptFailure,
    response: RawResponse | undefined,
    requestId: string,
    attempts: number,
  ): GenesysApiError {
    const base = { operation: 'requestToken', requestId, attempts };
    if (failure.kind === 'timeout') {
      return new GenesysApiError({
        ...base,
        code: 'GENESYS_TIMEOUT',
        status: undefined,
        retryable: true,
        message: `Genesys token request to ${this.options.loginUrl} timed out after ${attempts} attempt(s)`,
      });
    }
    if (failure.kind === 'network') {
      return new GenesysApiError({
        ...base,
        code: 'GENESYS_NETWORK',
        status: undefined,
        retryable: true,
        message: `Cannot reach the Genesys login host ${this.options.loginUrl} (${failure.errorCode ?? 'network error'})`,
      });
    }
    const status = failure.status;
    const correlationId = response?.headers['inin-correlation-id'];
    if (status === 429 || status >= 500) {
      return new GenesysApiError({
        ...base,
        code: status === 429 ? 'GENESYS_RATE_LIMITED' : 'GENESYS_UNAVAILABLE',
        status,
        correlationId,
        retryable: true,
        message: `Genesys token request failed with ${status} after ${attempts} attempt(s)`,
      });
    }
    let oauthError: string | undefined;
    let description: string | undefined;
    try {
      const body = OAuthErrorSchema.safeParse(JSON.parse(response?.text ?? ''));
      if (body.success) {
        oauthError = body.data.error;
        description = body.data.description ?? body.data.error_description;
      }
    } catch {
      // Not JSON: keep the status only.
    }
    const fix =
      oauthError === 'invalid_client' || status === 401
        ? `wrong client id/secret or wrong region ${this.options.region}: check the OAuth client ${this.options.clientId} exists in that region's org and the secret is current`
        : `check that OAuth client ${this.options.clientId} uses the Client Credentials grant`;
    return new GenesysApiError({
      ...base,
      code: 'GENESYS_AUTH_FAILED',
      status,
      correlationId,
      genesysCode: oauthError,
      retryable: false,
      fix,
      message: `Genesys refused the client-credentials token request (${status}${oauthError === undefined ? '' : ` ${oauthError}`}${description === undefined ? '' : `: ${description}`}) at ${this.options.loginUrl}: ${fix}`,
    });
  }
}

import { Agent } from 'undici';
import { z } from 'zod';
import { systemClock, type Clock } from '../timers/clock';
import { registerSecret, silentLogger, type Logger } from '../observability/logger';
import { TokenProvider } from './auth';
import * as ops from './conversations';
import { GenesysConfigError } from './errors';
import * as notifications from './notifications';
import type { ChannelTopicEntityListing, NotificationChannel } from './notifications';
import type {
  Conversation,
  MessageConversation,
  MessageData,
  TokenInfo,
  WrapupInput,
} from './models';
import { RateBudget } from './rate-budget';
import { DEFAULT_REGION, resolveRegion } from './regions';
import {
  sendRequest,
  type GenesysObserver,
  type GenesysRequest,
  type GenesysResponse,
  type SendContext,
} from './send';

/** Options for {@link GenesysClient}. Durations in milliseconds. */
export interface GenesysClientOptions {
  /** Region key (`us_east_1`, `eu_west_1`, …) or host suffix (`mypurecloud.ie`). Default `us_east_1`. */
  region?: string;
  /** Overrides `https://api.<host>` (simulator, proxies, tests). */
  apiUrl?: string;
  /** Overrides `https://login.<host>`. */
  loginUrl?: string;
  clientId: string;
  clientSecret: string;
  /** Source of time for token expiry, backoff and rate budget. Default: system clock. */
  clock?: Clock;
  /** Parent logger; the client logs through a `component: genesys` child. Default: silent. */
  logger?: Logger;
  /** Per-attempt deadline. Default 10 000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 5. */
  maxRetries?: number;
  /** Longest Retry-After honoured; a longer one gives up with GENESYS_RATE_LIMITED. Default 60 000. */
  maxRetryAfterMs?: number;
  /** Base of the jittered exponential backoff. Default 250. */
  baseBackoffMs?: number;
  /** Requests in flight at once, shared by all callers. Default 8. */
  maxConcurrency?: number;
  /** Sustained request rate shared by all callers (token bucket). Default 25. `Infinity` disables. */
  requestsPerSecond?: number;
  /** Default `closer-genesys-client`. */
  userAgent?: string;
  /** Randomness for backoff jitter (tests). Default Math.random. */
  random?: () => number;
  /** Told about every attempt and retry, for metrics; must not throw. */
  observer?: GenesysObserver;
}

/** The defaults, in one place. */
export const GENESYS_CLIENT_DEFAULTS = {
  region: DEFAULT_REGION,
  timeoutMs: 10_000,
  maxRetries: 5,
  maxRetryAfterMs: 60_000,
  baseBackoffMs: 250,
  maxConcurrency: 8,
  requestsPerSecond: 25,
  userAgent: 'closer-genesys-client',
} satisfies Partial<GenesysClientOptions>;

const OptionsSchema = z.object({
  clientId: z.string().min(1, 'clientId is required'),
  clientSecret: z.string().min(1, 'clientSecret is required'),
  apiUrl: z.url().optional(),
  loginUrl: z.url().optional(),
  timeoutMs: z.number().int().positive(),
  maxRetries: z.number().int().min(0).max(20),
  maxRetryAfterMs: z.number().min(0),
  baseBackoffMs: z.number().min(0),
  maxConcurrency: z.number().int().positive(),
  requestsPerSecond: z.number().positive(),
  userAgent: z.string().min(1),
});

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The only code that talks to Genesys Cloud. One instance per OAuth client: it owns the token
 * cache, the undici connection pool and the rate budget, which all callers share.
 *
 * @throws GenesysConfigError (`GENESYS_CONFIG`) from the constructor on a bad region or option.
 */
export class GenesysClient {
  /** Resolved region key and URLs actually used. */
  readonly region: string;
  readonly apiUrl: string;
  readonly loginUrl: string;
  readonly clientId: string;
  /** The client's scoped logger (`component: genesys`), for callers that act on its behalf. */
  readonly logger: Logger;
  private readonly auth: TokenProvider;
  private readonly agent: Agent;
  private readonly context: SendContext;

  constructor(options: GenesysClientOptions) {
    const merged = { ...GENESYS_CLIENT_DEFAULTS, ...stripUndefined(options) };
    const parsed = OptionsSchema.safeParse(merged);
    if (!parsed.success) {
      throw new GenesysConfigError(
        `Invalid Genesys client options: ${z.prettifyError(parsed.error)}`,
      );
    }
    const settings = parsed.data;
    const region = resolveRegion(merged.region);
    this.region = region.key;
    this.apiUrl = stripSlash(settings.apiUrl ?? region.apiUrl);
    this.loginUrl = stripSlash(settings.loginUrl ?? region.loginUrl);
    this.clientId = settings.clientId;
    registerSecret(settings.clientSecret);
    const clock = options.clock ?? systemClock;
    const logger = (options.logger ?? silentLogger).child({ component: 'genesys' });
    this.logger = logger;
    const policy = {
      maxRetries: settings.maxRetries,
      baseBackoffMs: settings.baseBackoffMs,
      maxRetryAfterMs: settings.maxRetryAfterMs,
    };
    this.agent = new Agent({ connections: settings.maxConcurrency, keepAliveTimeout: 4_000 });
    const random = options.random === undefined ? {} : { random: options.random };
    this.auth = new TokenProvider({
      loginUrl: this.loginUrl,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      region: region.key,
      dispatcher: this.agent,
      clock,
      logger,
      timeoutMs: settings.timeoutMs,
      userAgent: settings.userAgent,
      policy,
      onToken: registerSecret,
      ...random,
    });
    this.context = {
      apiUrl: this.apiUrl,
      clientId: settings.clientId,
      dispatcher: this.agent,
      auth: this.auth,
      budget: new RateBudget({
        maxConcurrency: settings.maxConcurrency,
        requestsPerSecond: settings.requestsPerSecond,
        clock,
      }),
      clock,
      logger,
      timeoutMs: settings.timeoutMs,
      userAgent: settings.userAgent,
      policy,
      ...random,
      ...(options.observer === undefined ? {} : { observer: options.observer }),
    };
  }

  /** THE one request path; see {@link sendRequest}. @throws GenesysApiError */
  send<T>(request: GenesysRequest<T>): Promise<GenesysResponse<T>> {
    return sendRequest(this.context, request);
  }

  /** A valid access token (cached, single-flight, refreshed before expiry). */
  getToken(): Promise<string> {
    return this.auth.getToken();
  }

  /** Token requests sent so far (tests, metrics). */
  get tokenRequestCount(): number {
    return this.auth.requestCount;
  }

  /** `GET /api/v2/tokens/me`. */
  getTokenInfo(): Promise<TokenInfo> {
    return ops.getTokenInfo(this);
  }

  /** `GET /api/v2/conversations/messages/{id}`. */
  getMessageConversation(conversationId: string): Promise<MessageConversation> {
    return ops.getMessageConversation(this, conversationId);
  }

  /** `GET /api/v2/conversations/{id}` (needs conversation:communication:view). */
  getConversation(conversationId: string): Promise<Conversation> {
    return ops.getConversation(this, conversationId);
  }

  /** `PATCH /api/v2/conversations/messages/{id}` `{"state":"disconnected"}`. */
  disconnectMessageConversation(conversationId: string): Promise<void> {
    return ops.disconnectMessageConversation(this, conversationId);
  }

  /** `PATCH …/messages/{id}/participants/{participantId}` `{"state":"disconnected"}`. */
  disconnectMessageParticipant(conversationId: string, participantId: string): Promise<void> {
    return ops.disconnectMessageParticipant(this, conversationId, participantId);
  }

  /** `POST …/messages/{id}/communications/{communicationId}/messages` `{textBody}`. */
  sendMessage(
    conversationId: string,
    communicationId: string,
    textBody: string,
  ): Promise<MessageData> {
    return ops.sendMessage(this, conversationId, communicationId, textBody);
  }

  /** `POST …/participants/{participantId}/communications/{communicationId}/wrapup` `{code, notes?}`. */
  applyWrapup(
    conversationId: string,
    participantId: string,
    communicationId: string,
    wrapup: WrapupInput,
  ): Promise<void> {
    return ops.applyWrapup(this, conversationId, participantId, communicationId, wrapup);
  }

  /** `POST /api/v2/notifications/channels`: a notification channel `{id, connectUri, expires}`. */
  createNotificationChannel(): Promise<NotificationChannel> {
    return notifications.createNotificationChannel(this);
  }

  /**
   * `PUT /api/v2/notifications/channels/{channelId}/subscriptions` `[{id: topic}, …]`; topics
   * Genesys refuses are logged as warnings naming the missing permission.
   */
  subscribeNotificationChannel(
    channelId: string,
    topics: readonly string[],
  ): Promise<ChannelTopicEntityListing> {
    return notifications.subscribeNotificationChannel(this, channelId, topics, this.logger);
  }

  /** Closes the connection pool; in-flight requests finish first. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, inner]) => inner !== undefined),
  ) as Partial<T>;
}

import { Agent } from 'undici';
import { z } from 'zod';
import { systemClock, type Clock } from '../timers/clock';
import { silentLogger, type Logger } from '../observability/logger-interface';
import { registerSecret } from '../observability/secrets';
import { TokenProvider } from './auth';
import * as ops from './conversations';
import { GenesysConfigError } from './errors';
import {
  ActionPermission,
  GATED_PROBE_BODIES,
  type ActionPermissionVerdict,
  type GatedOperation,
} from './action-permission';
import { inconclusiveProbeError, probeOperation } from './probe-permission';
import * as notifications from './notifications';
import * as activity from './conversation-activity';
import type { ActiveConversations } from './conversation-activity';
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
  /**
   * Sustained request rate shared by all callers (token bucket). Default 25. `Infinity` disables.
   * With several replicas, the OAuth client's rate: `shareRequestBudget` divides it among them.
   */
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
  /**
   * What this client has learned about its permission to end and transfer conversations (see
   * `action-permission.ts`).
   */
  readonly actionPermission: ActionPermission;
  private readonly auth: TokenProvider;
  private readonly agent: Agent;
  private readonly context: SendContext;
  private readonly probing = new Map<GatedOperation, Promise<ActionPermissionVerdict>>();

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
    this.actionPermission = new ActionPermission(clock);
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

  /**
   * The request rate (`requestsPerSecond`) is the OAuth client's, and `processes` replicas use the
   * client now (the live replica count): each takes its share, so together they stay within it.
   */
  shareRequestBudget(processes: number): void {
    this.context.budget.shareWith(processes);
  }

  /** This process's current share of the request rate, per second. */
  get requestsPerSecond(): number {
    return this.context.budget.requestsPerSecond;
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

  /**
   * `PATCH /api/v2/conversations/messages/{id}` `{"state":"disconnected"}`. After an ambiguous
   * failure it re-sends only when a read shows one of `targets` (participant ids; default: whoever
   * is open) still connected; a failed read → `GENESYS_OUTCOME_UNKNOWN`, never a blind re-send.
   */
  disconnectMessageConversation(
    conversationId: string,
    targets?: readonly string[],
  ): Promise<void> {
    return ops.disconnectMessageConversation(this, conversationId, targets);
  }

  /** `PATCH …/messages/{id}/participants/{participantId}` `{"state":"disconnected"}`. */
  disconnectMessageParticipant(conversationId: string, participantId: string): Promise<void> {
    return ops.disconnectMessageParticipant(this, conversationId, participantId);
  }

  /** `POST …/messages/{id}/communications/{communicationId}/messages` `{textBody}`. */
  /** Blind transfer of one participant (the agent's leg) to a queue (docs/genesys/facts.md §14). */
  transferMessageParticipant(
    conversationId: string,
    participantId: string,
    queueId: string,
  ): Promise<void> {
    return ops.transferMessageParticipant(this, conversationId, participantId, queueId);
  }

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

  /**
   * `POST /api/v2/analytics/conversations/activity/query`: the message conversations active now
   * (waiting or with an agent) in `queueIds`; used to reconcile after notification gaps.
   */
  queryActiveConversations(queueIds: readonly string[]): Promise<ActiveConversations> {
    return activity.queryActiveConversations(this, queueIds);
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

  /**
   * Throws unless closer has good reason to expect that `operation` (the whole-conversation or the
   * one-leg disconnect, or the blind transfer) is allowed on a conversation of `divisionId`: called
   * BEFORE sending any message that announces it, so a customer never reads "this chat is closed"
   * or "I'm transferring you" when closer cannot do it. Uses what real requests taught, else
   * probes the operation once (single-flight; `probe-permission.ts`).
   *
   * @throws GenesysApiError `GENESYS_FORBIDDEN` (missing permission and fix) when known refused;
   *   the probe's error when it was inconclusive (network, 5xx, auth): nothing should be sent then.
   */
  async expectAllowed(operation: GatedOperation, divisionId: string | undefined): Promise<void> {
    let verdict = this.actionPermission.verdict(operation, divisionId);
    if (verdict.kind === 'unknown') {
      await this.probePermission(operation);
      verdict = this.actionPermission.verdict(operation, divisionId);
    }
    if (verdict.kind === 'forbidden') {
      throw verdict.error;
    }
  }

  /**
   * Probes a gated operation on random ids and records the result; the same check `closer doctor`
   * runs. Concurrent callers share one probe per operation.
   *
   * @throws GenesysApiError when the probe is inconclusive (it then teaches nothing).
   */
  probePermission(operation: GatedOperation): Promise<ActionPermissionVerdict> {
    const running = this.probing.get(operation);
    if (running !== undefined) {
      return running;
    }
    const probe = (async () => {
      try {
        const result = await probeOperation(this, operation, GATED_PROBE_BODIES[operation]);
        if (result.kind === 'inconclusive') {
          throw inconclusiveProbeError(result, operation);
        }
        this.actionPermission.recordProbe(
          operation,
          result.kind === 'allowed' ? 'allowed' : result.error,
        );
        return this.actionPermission.verdict(operation, undefined);
      } finally {
        this.probing.delete(operation);
      }
    })();
    this.probing.set(operation, probe);
    return probe;
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

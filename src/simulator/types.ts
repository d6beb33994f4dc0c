/**
 * Public types of the Genesys Cloud simulator: options, the running handle and the summaries it
 * hands to tests. Payloads on the wire are typed with the official SDK models instead (models.ts).
 */
import type { ConversationPhase } from '../genesys/lifecycle';
import type { Clock } from '../timers/clock';
import type { SimFaultKind, SimFaultRule } from './faults';
import type {
  SimOrgSummary,
  SimQueue,
  SimQueueSpec,
  SimSchedule,
  SimScheduleGroup,
  SimScheduleGroupSpec,
  SimScheduleSpec,
  SimWebDeployment,
  SimWebDeploymentSpec,
  SimWrapupCodeSpec,
} from './org-types';

/** A fixed-window request limit per OAuth client, as Genesys enforces with 429 `too.many.requests`. */
export interface SimRateLimit {
  /** Requests allowed per window. */
  requests: number;
  /** Window length in seconds. */
  windowSeconds: number;
}

/**
 * Where the simulator POSTs EventBridge envelopes (one per request, like an API destination).
 * Named `SimEventTarget` to avoid clashing with the DOM/Node global `EventTarget`; also exported
 * under the contract name `EventTarget` from index.ts.
 */
export interface SimEventTarget {
  /** Receiver URL, e.g. closer's intake endpoint. */
  url: string;
  /** Extra headers on every delivery (e.g. an API-destination auth header). */
  headers?: Record<string, string>;
  /** Genesys org id in the event `source` (default `00000000-0000-4000-8000-00000000a1a1`). */
  orgId?: string;
  /** Event source suffix in the event `source` (default `closer-sim`). */
  sourceSuffix?: string;
  /**
   * Deliveries in flight at once (default 1: one queue, everything in order). EventBridge API
   * destinations deliver concurrently; with more than one, each conversation's events still go
   * out in order (one lane per conversation, by a hash of its id).
   */
  concurrency?: number;
}

export interface SimulatorOptions {
  /** Port on 127.0.0.1; default 0 (random). */
  port?: number;
  /** Source of message times, token expiry and rate windows; default `systemClock`. */
  clock?: Clock;
  /** `expires_in` of issued tokens in seconds; default 86400 (Genesys default, docs/genesys/facts.md §4). */
  tokenTtlSeconds?: number;
  /** Per-OAuth-client limit; default none. */
  rateLimit?: SimRateLimit;
  /** 0..1 fraction of /api/v2 calls answered 503 (seeded PRNG); default 0. */
  failureRate?: number;
  /** Real-time delay added to every API/OAuth answer in ms; default 0. */
  latencyMs?: number;
  /** PRNG seed for failure injection; default 1. */
  seed?: number;
  /** Event delivery target; default none (no deliveries). */
  eventTarget?: SimEventTarget;
  /** Real-time interval of `channel.metadata` WebSocket heartbeats in ms; default 30000. */
  heartbeatIntervalMs?: number;
  /**
   * Messaging threading timeline in ms: a customer message within this time after a conversation
   * ended re-threads it (same id, new legs); later it is refused. Default 72 h, Genesys's default
   * (help.mypurecloud.com "Messaging threading timeline"); 0 = never re-thread.
   */
  threadingTimelineMs?: number;
  /**
   * Entities listed per result group of `POST /api/v2/analytics/conversations/activity/query`
   * before the group is cut (`truncated: true`, oldest half + newest half); default 1000
   * (**decision**: Genesys's own limit is not documented).
   */
  activityQueryLimit?: number;
}

/** Mutable settings shared by the handle, the request handler and the API handlers. */
export interface SimSettings {
  failureRate: number;
  latencyMs: number;
  activityQueryLimit: number;
}

/** One notification channel as `notificationStatus()` shows it. */
export interface SimChannelStatus {
  id: string;
  clientId: string;
  /** Subscribed topics. */
  topics: string[];
  /** Open WebSockets on the channel. */
  sockets: number;
  /** ISO expiry. */
  expires: string;
}

/** The notification service's state: whether it is dropped, and its channels. */
export interface SimNotificationStatus {
  /** True between `dropNotifications()` and `restoreNotifications()`. */
  dropped: boolean;
  channels: SimChannelStatus[];
}

/** An OAuth client (client-credentials grant) and the permissions its roles grant. */
export interface SimClientSpec {
  clientId: string;
  clientSecret: string;
  name?: string;
  /** Permission strings such as `conversation:communication:disconnect`. */
  permissions: string[];
}

/** One request the simulator received, recorded after it was answered. */
export interface SeenRequest {
  /** 1-based order of arrival. */
  seq: number;
  method: string;
  /** Path without query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON, the parsed form for /oauth/token, or undefined. */
  body: unknown;
  status: number;
  /** OAuth client that made the call, when known. */
  clientId?: string;
  /** Clock time (ms since epoch) when it arrived. */
  at: number;
  /**
   * /api/v2 only: whether the operation took effect (its handler ran to the end), whatever was
   * answered. Lets tests count "reached Genesys" (all records) apart from "took effect".
   */
  applied?: boolean;
  /** The injected fault that shaped the answer, if any (`status` 0 = the socket was dropped). */
  fault?: SimFaultKind;
}

/** Leg purposes the simulator models; `workflow` is an Architect flow or bot. */
export type SimPurpose = 'customer' | 'acd' | 'agent' | 'workflow';
export type SimSide = 'customer' | 'agent';
/** `parked`: an agent parked a message conversation until the customer replies. */
export type SimLegState = 'connected' | 'parked' | 'disconnected';
/** A conversation is `connected` while a leg keeps it open (src/genesys/lifecycle.ts). */
export type SimConversationState = 'connected' | 'disconnected';
/**
 * Who holds a new episode: `flow` (customer + Architect flow/bot), `queue` (customer waiting on
 * an ACD leg), `agent` (an agent answered; the ACD leg ended `transfer`).
 */
export type SimPhase = 'flow' | 'queue' | 'agent';

export interface SimParticipantSummary {
  id: string;
  purpose: SimPurpose;
  state: SimLegState;
  communicationId: string;
  userId?: string;
  queueId?: string;
  wrapup?: { code: string };
  /** Set once the leg ended (`client`, `peer`, `transfer`, `inactivity`, …). */
  disconnectType?: string;
  startTime: string;
  connectedTime: string;
  endTime?: string;
  /** When the leg was last parked (kept after unpark). */
  parkTime?: string;
  /** 1-based episode of the conversation the leg belongs to (re-threading adds episodes). */
  episode: number;
}

export interface SimConversationSummary {
  id: string;
  state: SimConversationState;
  /** closer's phase of the conversation (`conversationPhase` of src/genesys/lifecycle.ts). */
  phase: ConversationPhase;
  participants: SimParticipantSummary[];
  messages: { side: SimSide; text: string; messageTime: string }[];
  /** Disconnect requests that reached the handler (any disconnect endpoint, any outcome). */
  disconnectCount: number;
  /** Messages posted through the API (`POST .../communications/{cid}/messages`). */
  messagesSentByApi: number;
  /** How many times the conversation was started: 1, plus one per re-thread. */
  episodes: number;
  startTime: string;
  endTime?: string;
}

export interface CreateConversationSpec {
  id?: string;
  /** Default `webmessaging`. */
  messageType?: string;
  queueId?: string;
  /** Default true: an agent participant is connected. `false` = phase `queue`. */
  withAgent?: boolean;
  /** Who holds the conversation at start; wins over `withAgent`. Default `agent`. */
  phase?: SimPhase;
  agentUserId?: string;
  customerName?: string;
  /** Participant data on the customer leg from the start, as an inbound flow sets it. */
  attributes?: Record<string, string>;
}

/** How a re-threaded episode starts (defaults: phase `agent`, the last agent's user). */
export interface RethreadOptions {
  /** Default true; `false` = phase `queue`. */
  withAgent?: boolean;
  /** Wins over `withAgent`. */
  phase?: SimPhase;
  agentUserId?: string;
}

/** Options of `answer`: which agent connects (default: the conversation's last agent). */
export interface AnswerOptions {
  agentUserId?: string;
}

export interface RunningSimulator {
  /** `http://127.0.0.1:PORT`; serves the API (/api/v2), the login host (/oauth/token) and /__simulator. */
  url: string;
  /** Every request seen, in order (API, OAuth and control). */
  requests: SeenRequest[];
  /** Only /api/v2 and /oauth requests. */
  apiRequests(): SeenRequest[];
  clearRequests(): void;
  registerClient(spec: SimClientSpec): void;
  createConversation(spec?: CreateConversationSpec): SimConversationSummary;
  postMessage(
    conversationId: string,
    side: SimSide,
    text: string,
  ): { messageId: string; messageTime: string };
  /**
   * The customer disconnects from their side (default `disconnectType` `endpoint`); the agent
   * stays connected.
   */
  customerLeaves(conversationId: string, disconnectType?: string): SimConversationSummary;
  /** The agent ends it (agent leg `client`; the customer is knocked off as `peer`). */
  agentEnds(conversationId: string): SimConversationSummary;
  /** Genesys's own inactivity timer: every open leg ends `inactivity`. */
  genesysTimeout(conversationId: string): SimConversationSummary;
  /** The customer's messaging session expires: the customer leg ends `session.expired`. */
  expireSession(conversationId: string): SimConversationSummary;
  /** New legs on the same id for an ended conversation within the threading timeline. */
  rethread(conversationId: string, options?: RethreadOptions): SimConversationSummary;
  /**
   * A flow or script sets participant data on the customer leg (the newest one): the keys are
   * laid over what it has; published as an `.attributes` detail event and snapshots.
   */
  setAttributes(conversationId: string, attributes: Record<string, string>): SimConversationSummary;
  /** The connected agent parks the conversation until the customer replies. */
  park(conversationId: string): SimConversationSummary;
  unpark(conversationId: string): SimConversationSummary;
  /** The flow hands over to the queue: workflow leg ends `transfer`, an ACD leg connects. */
  routeToQueue(conversationId: string): SimConversationSummary;
  /** An agent answers: the ACD leg ends `transfer`, an agent leg connects. */
  answer(conversationId: string, options?: AnswerOptions): SimConversationSummary;
  conversation(conversationId: string): SimConversationSummary | undefined;
  /** Adds targeted fault rules (checked in order, each fires `times` times). */
  injectFaults(rules: SimFaultRule[]): void;
  clearFaults(): void;
  /** Every issued token becomes invalid (next API call gets 401). */
  expireTokens(): void;
  setRateLimit(limit: SimRateLimit | undefined): void;
  setFailureRate(rate: number): void;
  setLatency(ms: number): void;
  setEventTarget(target: SimEventTarget | undefined): void;
  /** Changes `activityQueryLimit` (entities per activity-query group before truncation). */
  setActivityQueryLimit(limit: number): void;
  /**
   * A notification gap: every notification WebSocket is cut (close code 1006) and WebSocket
   * upgrades answer 503 until `restoreNotifications()`. Notifications produced meanwhile are
   * lost, not queued (Genesys's WebSocket has no redelivery). Channels, their subscriptions, the
   * REST API and EventBridge delivery keep working.
   */
  dropNotifications(): void;
  /** Ends the gap: WebSockets connect again; nothing produced during the gap is sent. */
  restoreNotifications(): void;
  /**
   * Removes channel `channelId` as if it expired: its sockets close (1000), and its HEAD,
   * subscriptions and WebSocket answer 404. Unknown channel → 404 `not.found`.
   */
  expireChannel(channelId: string): void;
  /** Whether notifications are dropped, and every channel with its topics and open sockets. */
  notificationStatus(): SimNotificationStatus;
  /** The org's queues, wrap-up codes, Messenger deployments and schedule groups (seeded; org.ts). */
  org(): SimOrgSummary;
  /** Creates or replaces a queue (e.g. with its message inactivity timer on). */
  putQueue(spec: SimQueueSpec): SimQueue;
  /** Removes a queue; unknown → 404 `not.found`. */
  deleteQueue(queueId: string): void;
  putWrapupCode(spec: SimWrapupCodeSpec): SimWrapupCodeSpec;
  /** Removes a wrap-up code; unknown → 404 `not.found`. */
  deleteWrapupCode(codeId: string): void;
  /** Creates a Messenger deployment, or changes one (its configuration gets a new version). */
  putWebDeployment(spec: SimWebDeploymentSpec): SimWebDeployment;
  /** Removes a deployment; unknown → 404 `not.found`. */
  deleteWebDeployment(deploymentId: string): void;
  /** Creates or replaces an Architect schedule (`start`/`end` local date-times, optional RRULE). */
  putSchedule(spec: SimScheduleSpec): SimSchedule;
  /** Removes a schedule; unknown → 404 `not.found`. */
  deleteSchedule(scheduleId: string): void;
  /**
   * Creates or replaces a schedule group over schedules created first (400 `bad.request` when it
   * names one that does not exist).
   */
  putScheduleGroup(spec: SimScheduleGroupSpec): SimScheduleGroup;
  /** Removes a schedule group; unknown → 404 `not.found`. */
  deleteScheduleGroup(scheduleGroupId: string): void;
  /** Resolves when every event queued so far was delivered (or gave up). */
  flushEvents(): Promise<void>;
  /** Same as `flushEvents`. */
  deliveries(): Promise<void>;
  close(): Promise<void>;
}

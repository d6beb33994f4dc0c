/**
 * Public types of the Genesys Cloud simulator: options, the running handle and the summaries it
 * hands to tests. Payloads on the wire are typed with the official SDK models instead (models.ts).
 */
import type { Clock } from '../timers/clock';

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
}

export type SimPurpose = 'customer' | 'acd' | 'agent';
export type SimSide = 'customer' | 'agent';
export type SimLegState = 'connected' | 'disconnected';

export interface SimParticipantSummary {
  id: string;
  purpose: SimPurpose;
  state: SimLegState;
  communicationId: string;
  userId?: string;
  queueId?: string;
  wrapup?: { code: string };
}

export interface SimConversationSummary {
  id: string;
  state: SimLegState;
  participants: SimParticipantSummary[];
  messages: { side: SimSide; text: string; messageTime: string }[];
  /** Disconnect requests that reached the handler (any disconnect endpoint, any outcome). */
  disconnectCount: number;
}

export interface CreateConversationSpec {
  id?: string;
  /** Default `webmessaging`. */
  messageType?: string;
  queueId?: string;
  /** Default true: an agent participant is connected. */
  withAgent?: boolean;
  agentUserId?: string;
  customerName?: string;
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
  /** The customer disconnects from their side. */
  customerLeaves(conversationId: string): void;
  conversation(conversationId: string): SimConversationSummary | undefined;
  /** Every issued token becomes invalid (next API call gets 401). */
  expireTokens(): void;
  setRateLimit(limit: SimRateLimit | undefined): void;
  setFailureRate(rate: number): void;
  setLatency(ms: number): void;
  setEventTarget(target: SimEventTarget | undefined): void;
  /** Resolves when every event queued so far was delivered (or gave up). */
  flushEvents(): Promise<void>;
  /** Same as `flushEvents`. */
  deliveries(): Promise<void>;
  close(): Promise<void>;
}

import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CloserError } from '../errors';

/**
 * closer's Prometheus metrics: names, help texts and labels live here and nowhere else. Each
 * `createMetrics()` call builds its own `Registry` (never prom-client's global one) so that several
 * apps can live in one process, as the tests do.
 */

/** `result` label of `closer_intake_events_total`: stored events (duplicates are not counted). */
export type IntakeResult = 'accepted';

/** Options for {@link createMetrics}. */
export interface MetricsOptions {
  /** Also collect prom-client's default process/Node.js metrics. Default `true`. */
  defaultMetrics?: boolean;
}

/** The metric handles of one app, plus the registry they are registered in. */
export interface Metrics {
  readonly registry: Registry;
  /**
   * `closer_intake_events_total{source,result}`: events newly stored, by intake (`all` for HTTP
   * intake — EventBridge and webhooks; `notifications` for the WebSocket); `result` is
   * `accepted`. Refused requests show in `closer_intake_request_duration_seconds{source}` and the log.
   */
  readonly intakeEvents: Counter<'source' | 'result'>;
  /** `closer_intake_request_duration_seconds`: intake HTTP request handling time. */
  readonly intakeRequestDuration: Histogram<'source'>;
  /** `closer_genesys_requests_total{operation,status}`: Genesys API calls by outcome (HTTP status or `network`). */
  readonly genesysRequests: Counter<'operation' | 'status'>;
  /** `closer_genesys_retries_total{reason}`: retries of Genesys calls (`status 429`, `status 503`, `timeout`, `network`, …). */
  readonly genesysRetries: Counter<'reason'>;
  /** `closer_timers_armed`: inactivity timers currently armed. */
  readonly timersArmed: Gauge;
  /** `closer_timers_fired_total{rule,phase}`: timers that fired (`warn`, `close`). */
  readonly timersFired: Counter<'rule' | 'phase'>;
  /** `closer_outcomes_total{rule,kind}`: what closer did (terminated, skipped, failed, …). */
  readonly outcomes: Counter<'rule' | 'kind'>;
  /**
   * `closer_endings_total{rule,reason}`: conversations closer ended (`terminated` outcomes), by
   * rule and close reason code (docs/close-reasons.md: `idle-customer`, `max-duration`,
   * `crm-event`, `on-demand`, …; a closed set, never an event's free-text reason).
   */
  readonly endings: Counter<'rule' | 'reason'>;
  /**
   * `closer_agent_idle_total{rule,action}`: agent-idle rules (`idle.side: agent`) that messaged
   * the customer or transferred the chat instead of ending it (`action`: `message`, `transfer`),
   * so supervisors can alert on idle agents.
   */
  readonly agentIdle: Counter<'rule' | 'action'>;
  /** `closer_inbox_pending`: stored events not yet processed. */
  readonly inboxPending: Gauge;
  /** `closer_rules_reloads_total{result}`: rules file reloads (`applied`, `rejected`). */
  readonly rulesReloads: Counter<'result'>;
  /** `closer_audit_outbox_depth`: audit events not yet published (pending), set at scrape. */
  readonly auditOutboxDepth: Gauge;
  /** `closer_audit_outbox_oldest_age_seconds`: age of the oldest unpublished audit event (0 when none). */
  readonly auditOutboxOldestAge: Gauge;
  /** `closer_audit_outbox_dead`: audit events EventBridge refused for good, kept with their error. */
  readonly auditOutboxDead: Gauge;
  /** `closer_audit_events_total{result}`: publish results (`published`, `retried`, `dead`). */
  readonly auditEvents: Counter<'result'>;
  /** `closer_notification_reconnects_total`: the notification WebSocket subscribed again after a gap. */
  readonly notificationReconnects: Counter;
  /** `closer_notification_gap_seconds`: how long each notification gap lasted. */
  readonly notificationGapSeconds: Histogram;
  /** `closer_reconciled_conversations_total`: conversations read by reconciliation (missed or unknown). */
  readonly reconciledConversations: Counter;
  /** `closer_reconcile_runs_total{result}`: reconciliations (`ok`, `truncated`, `failed`). */
  readonly reconcileRuns: Counter<'result'>;
  /**
   * `closer_closing_message_without_end_total{rule}`: a closing message went out and Genesys then
   * refused the disconnect — the customer was told "closed" in a chat that stays open. Alert on it.
   */
  readonly closingMessageWithoutEnd: Counter<'rule'>;
  /**
   * `closer_genesys_up`: 1 when the last check obtained a token and found every permission closer
   * needs, else 0 (credentials refused, Genesys unreachable, a permission missing). Intake keeps
   * accepting events either way; alert on this, not on readiness.
   */
  readonly genesysUp: Gauge;
  /** `closer_genesys_permission_held{operation}`: 1 held, 0 missing or not known, per probed operation. */
  readonly genesysPermissionHeld: Gauge<'operation'>;
  /**
   * `closer_unmatched_deliveries_total{source}`: accepted deliveries (Genesys events, webhooks) that
   * matched no rule; the recent ones and each rule's verdict are in `GET /v1/deliveries/unmatched`.
   */
  readonly unmatchedDeliveries: Counter<'source'>;
}

/** Seconds; intake should answer in milliseconds, so the buckets are fine-grained at the bottom. */
const INTAKE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Builds a fresh registry with every closer metric registered in it. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
  }
  return {
    registry,
    intakeEvents: new Counter({
      name: 'closer_intake_events_total',
      help: 'Conversation events newly stored, by intake (all = HTTP intake, notifications = WebSocket) and result (accepted).',
      labelNames: ['source', 'result'] as const,
      registers,
    }),
    intakeRequestDuration: new Histogram({
      name: 'closer_intake_request_duration_seconds',
      help: 'Time to handle one intake HTTP request, in seconds.',
      labelNames: ['source'] as const,
      buckets: INTAKE_BUCKETS,
      registers,
    }),
    genesysRequests: new Counter({
      name: 'closer_genesys_requests_total',
      help: 'Genesys Cloud API requests, by operation and HTTP status (or "network").',
      labelNames: ['operation', 'status'] as const,
      registers,
    }),
    genesysRetries: new Counter({
      name: 'closer_genesys_retries_total',
      help: 'Retried Genesys Cloud API requests, by reason (status 429, status 5xx, timeout, network).',
      labelNames: ['reason'] as const,
      registers,
    }),
    timersArmed: new Gauge({
      name: 'closer_timers_armed',
      help: 'Inactivity timers currently armed.',
      registers,
    }),
    timersFired: new Counter({
      name: 'closer_timers_fired_total',
      help: 'Timers that fired, by rule and phase (warn, close).',
      labelNames: ['rule', 'phase'] as const,
      registers,
    }),
    outcomes: new Counter({
      name: 'closer_outcomes_total',
      help: 'Outcomes of closer decisions, by rule and kind (terminated, skipped, failed, ...).',
      labelNames: ['rule', 'kind'] as const,
      registers,
    }),
    endings: new Counter({
      name: 'closer_endings_total',
      help: 'Conversations closer ended, by rule and close reason code (idle-customer, max-duration, crm-event, on-demand, ...).',
      labelNames: ['rule', 'reason'] as const,
      registers,
    }),
    agentIdle: new Counter({
      name: 'closer_agent_idle_total',
      help: 'Agent-idle rules that messaged the customer or transferred the chat instead of ending it, by rule and action (message, transfer).',
      labelNames: ['rule', 'action'] as const,
      registers,
    }),
    inboxPending: new Gauge({
      name: 'closer_inbox_pending',
      help: 'Stored intake events not yet processed.',
      registers,
    }),
    rulesReloads: new Counter({
      name: 'closer_rules_reloads_total',
      help: 'Rules file reloads, by result (applied, rejected).',
      labelNames: ['result'] as const,
      registers,
    }),
    auditOutboxDepth: new Gauge({
      name: 'closer_audit_outbox_depth',
      help: 'Audit events in the outbox not yet published.',
      registers,
    }),
    auditOutboxOldestAge: new Gauge({
      name: 'closer_audit_outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished audit event, in seconds (0 when none).',
      registers,
    }),
    auditOutboxDead: new Gauge({
      name: 'closer_audit_outbox_dead',
      help: 'Audit events EventBridge refused for good, kept in the outbox with their error.',
      registers,
    }),
    auditEvents: new Counter({
      name: 'closer_audit_events_total',
      help: 'Audit event publish results: published, retried, dead.',
      labelNames: ['result'] as const,
      registers,
    }),
    notificationReconnects: new Counter({
      name: 'closer_notification_reconnects_total',
      help: 'Times the notification WebSocket subscribed again after a gap.',
      registers,
    }),
    notificationGapSeconds: new Histogram({
      name: 'closer_notification_gap_seconds',
      help: 'How long each notification WebSocket gap lasted, in seconds.',
      buckets: [1, 5, 15, 60, 300, 900, 3600],
      registers,
    }),
    reconciledConversations: new Counter({
      name: 'closer_reconciled_conversations_total',
      help: 'Conversations read by reconciliation after a notification gap or by the safety net.',
      registers,
    }),
    reconcileRuns: new Counter({
      name: 'closer_reconcile_runs_total',
      help: 'Reconciliations of the notification WebSocket intake, by result (ok, truncated, failed).',
      labelNames: ['result'] as const,
      registers,
    }),
    closingMessageWithoutEnd: new Counter({
      name: 'closer_closing_message_without_end_total',
      help: 'Closing messages sent whose disconnect Genesys then refused (the chat stays open).',
      labelNames: ['rule'] as const,
      registers,
    }),
    genesysUp: new Gauge({
      name: 'closer_genesys_up',
      help: 'Genesys reachable with a token and every permission closer needs (1), else 0.',
      registers,
    }),
    genesysPermissionHeld: new Gauge({
      name: 'closer_genesys_permission_held',
      help: 'Whether the OAuth client holds the permission of each operation closer performs (1/0).',
      labelNames: ['operation'] as const,
      registers,
    }),
    unmatchedDeliveries: new Counter({
      name: 'closer_unmatched_deliveries_total',
      help: 'Accepted deliveries (Genesys events, webhooks) that matched no rule, by source.',
      labelNames: ['source'] as const,
      registers,
    }),
  };
}

/** Express handler for `GET /metrics` in the Prometheus text format. */
export function metricsHandler(metrics: Metrics): RequestHandler {
  return (_req, res, next) => {
    metrics.registry.metrics().then(
      (text) => {
        res.setHeader('Content-Type', metrics.registry.contentType);
        res.setHeader('Cache-Control', 'no-store');
        res.status(200).send(text);
      },
      (e: unknown) => {
        next(
          new CloserError('METRICS_UNAVAILABLE', 'the metrics could not be rendered', { cause: e }),
        );
      },
    );
  };
}

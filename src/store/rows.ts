import type {
  AuditOutboxEntry,
  Ending,
  InboxEvent,
  Outcome,
  OutcomeKind,
  Timer,
  TimerPhase,
  UnmatchedDelivery,
} from './store';
import { closeReasonCodeSchema, reasonFieldsOfDetails } from '../decide/close-reasons';

/**
 * Column shapes as both back ends return them (SQLite natively; PostgreSQL with BIGINT read as a
 * number and JSON kept as TEXT), and their mapping to the domain types.
 */
export interface EventRow {
  seq: number;
  source: string;
  event_id: string;
  kind: string;
  payload: string;
  received_at: number;
}

export interface UnmatchedRow {
  seq: number;
  source: string;
  event_id: string;
  conversation_id: string | null;
  received_at: number;
  recorded_at: number;
  verdicts: string;
}

/** An `unmatched_deliveries` row as the domain sees it. */
export function unmatchedFromRow(row: UnmatchedRow): UnmatchedDelivery {
  return {
    seq: row.seq,
    source: row.source,
    eventId: row.event_id,
    ...(row.conversation_id === null ? {} : { conversationId: row.conversation_id }),
    receivedAt: row.received_at,
    recordedAt: row.recorded_at,
    verdicts: JSON.parse(row.verdicts) as unknown[],
  };
}

export interface TimerRow {
  conversation_id: string;
  rule_id: string;
  phase: string;
  due_at: number;
  armed_at: number;
  attempts: number;
  data: string | null;
  episode: number;
}

export interface OutcomeRow {
  id: number;
  conversation_id: string;
  rule_id: string;
  kind: string;
  reason: string | null;
  details: string | null;
  at: number;
  episode: number;
  /** NULL in rows an older closer wrote (a replica mid-upgrade): read from `details` then. */
  reason_code: string | null;
  event_reason: string | null;
}

export interface EndingRow {
  conversation_id: string;
  episode: number;
  rule_id: string;
  state: string;
  claimed_at: number;
  message_intent_at: number | null;
  finished_at: number | null;
}

/** JSON text of an optional object column (NULL when absent). */
export function jsonOrNull(value: Record<string, unknown> | undefined): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function parseObject(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

export function eventFromRow(row: EventRow): InboxEvent {
  return {
    seq: row.seq,
    source: row.source,
    eventId: row.event_id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    receivedAt: row.received_at,
  };
}

export function timerFromRow(row: TimerRow): Timer {
  const timer: Timer = {
    conversationId: row.conversation_id,
    ruleId: row.rule_id,
    // The CHECK constraint on the column keeps it to the TimerPhase values.
    phase: row.phase as TimerPhase,
    dueAt: row.due_at,
    armedAt: row.armed_at,
    attempts: row.attempts,
    episode: row.episode,
  };
  if (row.data !== null) {
    timer.data = parseObject(row.data);
  }
  return timer;
}

export function outcomeFromRow(row: OutcomeRow): Outcome {
  const outcome: Outcome = {
    id: row.id,
    conversationId: row.conversation_id,
    ruleId: row.rule_id,
    kind: row.kind as OutcomeKind,
    at: row.at,
    episode: row.episode,
  };
  if (row.reason !== null) {
    outcome.reason = row.reason;
  }
  const details = row.details === null ? undefined : parseObject(row.details);
  const code = closeReasonCodeSchema.safeParse(row.reason_code);
  const fromDetails = reasonFieldsOfDetails(details);
  const reasonCode = code.success ? code.data : fromDetails.reasonCode;
  const eventReason = row.event_reason ?? fromDetails.eventReason;
  if (reasonCode !== undefined) {
    outcome.reasonCode = reasonCode;
  }
  if (eventReason !== undefined) {
    outcome.eventReason = eventReason;
  }
  if (details !== undefined) {
    outcome.details = details;
  }
  return outcome;
}

export function endingFromRow(row: EndingRow): Ending {
  const ending: Ending = {
    conversationId: row.conversation_id,
    episode: row.episode,
    ruleId: row.rule_id,
    // The CHECK constraint keeps it to the three states.
    state: row.state as Ending['state'],
    claimedAt: row.claimed_at,
  };
  if (row.message_intent_at !== null) {
    ending.messageIntentAt = row.message_intent_at;
  }
  if (row.finished_at !== null) {
    ending.finishedAt = row.finished_at;
  }
  return ending;
}

export interface AuditRow {
  seq: number;
  event_id: string;
  type: string;
  detail: string;
  created_at: number;
  state: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  finished_at: number | null;
}

export function auditFromRow(row: AuditRow): AuditOutboxEntry {
  const entry: AuditOutboxEntry = {
    seq: row.seq,
    eventId: row.event_id,
    type: row.type,
    detail: parseObject(row.detail),
    createdAt: row.created_at,
    // The CHECK constraint keeps it to the three states.
    state: row.state as AuditOutboxEntry['state'],
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
  };
  if (row.last_error !== null) {
    entry.lastError = row.last_error;
  }
  if (row.finished_at !== null) {
    entry.finishedAt = row.finished_at;
  }
  return entry;
}

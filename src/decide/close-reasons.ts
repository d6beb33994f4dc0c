import { z } from 'zod';
import type { Rule } from '../rules/rules-schema';

/**
 * Close reasons: why closer ended (or tried, or would end) a conversation, as one code from a
 * fixed taxonomy (docs/close-reasons.md). Every outcome carries one (`reasonCode`), its audit
 * event too, and `closer_endings_total{rule,reason}` counts endings by it.
 * The set is closed, so the metric label has bounded cardinality; the free text an event rule
 * takes from its webhook (`reasonFrom`) is `eventReason`, never a label.
 */
export const CLOSE_REASON_CODES = [
  /** An inactivity rule watching the customer's silence (`idle.side: customer`). */
  'idle-customer',
  /** An inactivity rule watching the agent's silence (`idle.side: agent`). */
  'idle-agent',
  /** An inactivity rule watching both sides (`idle.side: any`). */
  'idle-any',
  /** A max-duration rule: the episode lasted longer than `maxDuration.after`. */
  'max-duration',
  /** An event rule: a webhook source (a CRM) said so. */
  'crm-event',
  /** An on-demand request (HTTP API, CLI, library through the service). */
  'on-demand',
  /** Someone else ended it first: the customer, the agent, Genesys, or another of closer's rules. */
  'ended-elsewhere',
  /** Genesys does not know the conversation. */
  'not-found',
  /** The outcome's rule is no longer in the rules file, so its kind cannot be told. */
  'rule-removed',
] as const;

/** A close reason code: one of {@link CLOSE_REASON_CODES} (API filters, audit events, stored rows). */
export const closeReasonCodeSchema = z.enum(CLOSE_REASON_CODES);
export type CloseReasonCode = z.infer<typeof closeReasonCodeSchema>;

/** The rule id on-demand outcomes are recorded under (as `ON_DEMAND_RULE_ID`). */
const ON_DEMAND = 'on-demand';

/** The reason code of what a rule acts on (its kind, and for inactivity the watched side). */
export function ruleReasonCode(ruleId: string, rule: Rule | undefined): CloseReasonCode {
  if (ruleId === ON_DEMAND) {
    return 'on-demand';
  }
  if (rule === undefined) {
    return 'rule-removed';
  }
  switch (rule.kind) {
    case 'inactivity':
      return `idle-${rule.idle.side}`;
    case 'max-duration':
      return 'max-duration';
    case 'event':
      return 'crm-event';
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

/** What {@link outcomeReasonCode} reads of an outcome. */
export interface OutcomeForReason {
  ruleId: string;
  kind: string;
  details?: Record<string, unknown>;
}

/**
 * The reason code of an outcome: `not-found` when Genesys does not know the conversation,
 * `ended-elsewhere` when it was over before this rule ended it (by someone else or another rule;
 * a disconnect of this rule's own whose answer was lost keeps the rule's code), else the code of
 * the rule that decided.
 */
export function outcomeReasonCode(
  outcome: OutcomeForReason,
  rule: Rule | undefined,
): CloseReasonCode {
  if (outcome.kind === 'not-found') {
    return 'not-found';
  }
  if (outcome.kind === 'already-ended' && outcome.details?.endedByRule !== outcome.ruleId) {
    return 'ended-elsewhere';
  }
  return ruleReasonCode(outcome.ruleId, rule);
}

/** The top-level reason fields of an outcome. */
export interface OutcomeReasonFields {
  reasonCode?: CloseReasonCode;
  eventReason?: string;
}

/**
 * The reason fields an outcome's `details` hold: where an event rule's trigger puts its
 * `eventReason`, and where outcomes recorded before the fields were top-level kept both (a row of
 * an older closer, e.g. another replica mid-upgrade). A code this closer does not know is left out.
 */
export function reasonFieldsOfDetails(
  details: Record<string, unknown> | undefined,
): OutcomeReasonFields {
  const code = closeReasonCodeSchema.safeParse(details?.reasonCode);
  const eventReason = details?.eventReason;
  return {
    ...(code.success ? { reasonCode: code.data } : {}),
    ...(typeof eventReason === 'string' ? { eventReason } : {}),
  };
}

/** Longest `eventReason` kept (characters); longer text is cut. */
export const MAX_EVENT_REASON_LENGTH = 100;

/**
 * The reason an event carries (`reasonFrom`), made safe to store, log and show: text, a number or
 * a boolean (objects and lists are not a reason), control and format characters (newlines, bidi
 * overrides) removed, whitespace collapsed, at most {@link MAX_EVENT_REASON_LENGTH} characters
 * (user-perceived ones).
 * Undefined when nothing readable is left.
 */
export function sanitizeEventReason(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    return undefined;
  }
  const text = String(value)
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') {
    return undefined;
  }
  // Cut between user-perceived characters, never inside an emoji or a combined letter.
  const chars = Array.from(new Intl.Segmenter().segment(text), (part) => part.segment);
  return chars.length <= MAX_EVENT_REASON_LENGTH
    ? text
    : chars.slice(0, MAX_EVENT_REASON_LENGTH).join('');
}

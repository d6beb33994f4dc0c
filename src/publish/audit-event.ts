import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AuditOutboxInput, OutcomeInput } from '../store/store';
import { closeReasonCodeSchema, MAX_EVENT_REASON_LENGTH } from '../decide/close-reasons';

/**
 * Audit event types: one per outcome kind closer records about a conversation, and the rules
 * file's life (`rules.reloaded` when a valid edit applied, `rules.rejected` when an edit was
 * refused and the previous rules stayed in force).
 */
export const AUDIT_EVENT_TYPES = [
  'conversation.terminated',
  'conversation.already-ended',
  'conversation.skipped',
  'conversation.failed',
  'conversation.warned',
  'conversation.messaged',
  'conversation.transferred',
  'conversation.dry-run',
  'conversation.not-found',
  'rules.reloaded',
  'rules.rejected',
] as const;

/**
 * One audit event: the `Detail` of an EventBridge event whose `DetailType` is `type` and whose
 * `Source` is the publisher's (default `closer`). Delivery is at least once: consumers dedupe on
 * `id`. Never holds secrets; message texts appear only as closer's own configured texts.
 */
export const auditEventSchema = z
  .object({
    /** Stable id (UUID), the same on every delivery of this event. */
    id: z.uuid(),
    type: z.enum(AUDIT_EVENT_TYPES),
    /** When closer decided, ISO-8601 (`2026-01-01T10:00:00.000Z`). */
    at: z.iso.datetime({ offset: true }),
    /** `conversation.*`: the Genesys conversation. */
    conversationId: z.string().min(1).optional(),
    /** `conversation.*`: the rule that decided (`on-demand` for HTTP API requests). */
    ruleId: z.string().min(1).optional(),
    /** `conversation.*`: the conversation's episode (Genesys re-threads a returning customer). */
    episode: z.number().int().positive().optional(),
    /** Why, in plain words. */
    reason: z.string().optional(),
    /** `conversation.*`: the close reason code (docs/close-reasons.md), also in `details`. */
    reasonCode: closeReasonCodeSchema.optional(),
    /** `conversation.*` of event rules with `reasonFrom`: the event's own reason, sanitized. */
    eventReason: z.string().max(MAX_EVENT_REASON_LENGTH).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .refine(
    (event) =>
      !event.type.startsWith('conversation.') ||
      (event.conversationId !== undefined && event.ruleId !== undefined),
    { message: 'conversation events carry conversationId and ruleId' },
  );
export type AuditEvent = z.infer<typeof auditEventSchema>;
export type AuditEventType = AuditEvent['type'];

/** The audit event of an outcome (written in the outcome's own transaction). */
export function auditEventFromOutcome(
  outcome: OutcomeInput,
  id: string = randomUUID(),
): AuditEvent {
  return {
    id,
    type: `conversation.${outcome.kind}`,
    at: new Date(outcome.at).toISOString(),
    conversationId: outcome.conversationId,
    ruleId: outcome.ruleId,
    episode: outcome.episode ?? 1,
    ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    ...(outcome.reasonCode === undefined ? {} : { reasonCode: outcome.reasonCode }),
    ...(outcome.eventReason === undefined ? {} : { eventReason: outcome.eventReason }),
    ...(outcome.details === undefined ? {} : { details: outcome.details }),
  };
}

/** The audit event of a rules file change (applied or refused). */
export function rulesAuditEvent(
  type: 'rules.reloaded' | 'rules.rejected',
  at: number,
  details: Record<string, unknown>,
  id: string = randomUUID(),
): AuditEvent {
  return { id, type, at: new Date(at).toISOString(), details };
}

/** An audit event as the outbox stores it. */
export function toOutboxInput(event: AuditEvent): AuditOutboxInput {
  return {
    eventId: event.id,
    type: event.type,
    detail: event,
    createdAt: Date.parse(event.at),
  };
}

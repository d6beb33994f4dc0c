import { z } from 'zod';
import type { Clock } from '../timers/clock';

/** Every outcome closer records about a conversation it acted on (or decided not to). */
export const AUDIT_EVENT_TYPES = [
  'conversation.terminated',
  'conversation.already-ended',
  'conversation.skipped',
  'conversation.failed',
  'conversation.warned',
  'conversation.dry-run',
  'conversation.not-found',
] as const;

/**
 * One audit record. It becomes the `Detail` of an EventBridge event (`DetailType` = `type`) or one
 * log line. Never put secrets or message bodies in `details`.
 */
export const auditEventSchema = z.object({
  type: z.enum(AUDIT_EVENT_TYPES),
  conversationId: z.string().min(1),
  /** The rule that decided (or the trigger's rule for CRM requests). */
  ruleId: z.string().min(1),
  /** When closer decided, ISO-8601 with offset (`2026-01-01T10:00:00.000Z`). */
  at: z.iso.datetime({ offset: true }),
  /** Short machine-friendly reason (`customer-inactive`, `GENESYS_FORBIDDEN`, …). */
  reason: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
export type AuditEventType = AuditEvent['type'];

/** Builds an audit event stamped with the clock's now. */
export function createAuditEvent(
  clock: Clock,
  type: AuditEventType,
  fields: Omit<AuditEvent, 'type' | 'at'>,
): AuditEvent {
  return { type, ...fields, at: new Date(clock.now()).toISOString() };
}

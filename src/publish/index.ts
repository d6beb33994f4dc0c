/**
 * Audit events: what closer did to each conversation, written to a durable outbox in the same
 * transaction as the decision, and published to Amazon EventBridge from there.
 */
export {
  AUDIT_EVENT_TYPES,
  auditEventSchema,
  auditEventFromOutcome,
  rulesAuditEvent,
  toOutboxInput,
} from './audit-event';
export type { AuditEvent, AuditEventType } from './audit-event';
export { OutboxPublisher } from './outbox-publisher';
export type {
  OutboxObserver,
  OutboxPublisherOptions,
  OutboxPublisherStatus,
} from './outbox-publisher';
export {
  MAX_PUT_EVENTS_ENTRIES,
  MAX_PUT_EVENTS_BYTES,
  NON_RETRYABLE_ENTRY_CODES,
  putEventsEntrySize,
} from './put-events-entry';

/** Audit publishing: where closer records what it did to each conversation. */
export { AUDIT_EVENT_TYPES, auditEventSchema, createAuditEvent } from './audit-event';
export type { AuditEvent, AuditEventType } from './audit-event';
export type { AuditPublisher } from './audit-publisher';
export { EventBridgeAuditPublisher, MAX_PUT_EVENTS_ENTRIES } from './eventbridge-publisher';
export type { EventBridgeAuditPublisherOptions } from './eventbridge-publisher';
export { LogAuditPublisher } from './log-publisher';
export { NoopAuditPublisher } from './noop-publisher';
export { PublishError } from './errors';

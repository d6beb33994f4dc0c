import type { AuditEvent } from './audit-event';

/**
 * Where audit events go. `publish` never rejects for delivery problems: implementations log and
 * count failures, so a broken audit sink cannot stop closer from closing conversations.
 */
export interface AuditPublisher {
  /** Hands one event over; resolves once accepted (not necessarily delivered). */
  publish(event: AuditEvent): Promise<void>;
  /** Delivers what is pending (bounded by the retry policy) and releases resources. Idempotent. */
  close(): Promise<void>;
}

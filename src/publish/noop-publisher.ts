import type { AuditEvent } from './audit-event';
import type { AuditPublisher } from './audit-publisher';

/** Drops every event: for tests and deployments that want no audit trail. */
export class NoopAuditPublisher implements AuditPublisher {
  publish(_event: AuditEvent): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

import type { Logger } from '../observability';
import type { AuditEvent } from './audit-event';
import type { AuditPublisher } from './audit-publisher';

/**
 * Writes one winston line per event (`message: "audit"`, `conversationId`, `ruleId` at the top for
 * log queries, the whole event under `audit`). The default when no EventBridge bus is configured.
 */
export class LogAuditPublisher implements AuditPublisher {
  constructor(private readonly logger: Logger) {}

  publish(event: AuditEvent): Promise<void> {
    this.logger.info('audit', {
      conversationId: event.conversationId,
      ruleId: event.ruleId,
      audit: event,
    });
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

import type { Logger } from '../observability/logger';
import type { Store, OutcomeInput, Outcome } from '../store/store';
import { StoreAlreadyEndedError } from '../store';

/**
 * Where every decision goes: the durable outcome history (`GET /v1/outcomes`), the audit stream
 * (EventBridge or log) and the log. Recording never throws into the caller: an audit failure is
 * logged, because the outcome itself is already durable.
 */
export interface OutcomeSink {
  record(outcome: OutcomeInput): Promise<Outcome>;
}

/** Publishes an outcome to the audit stream (see `src/publish`). */
export type AuditPublish = (outcome: Outcome) => Promise<void>;

export function createOutcomeSink(options: {
  store: Store;
  logger: Logger;
  publish?: AuditPublish;
  onRecorded?: (outcome: Outcome) => void;
}): OutcomeSink {
  const { store, logger, publish, onRecorded } = options;
  return {
    async record(input) {
      let outcome: Outcome;
      try {
        outcome = await store.recordOutcome(input);
      } catch (error: unknown) {
        // The store keeps one terminal outcome per (conversation, rule): a second "already ended"
        // after "terminated" is the same fact, so the first record stands.
        if (error instanceof StoreAlreadyEndedError) {
          logger.debug('terminal outcome already recorded', {
            conversationId: input.conversationId,
            ruleId: input.ruleId,
            kept: error.existing.kind,
          });
          return error.existing;
        }
        throw error;
      }
      logger.info('outcome', {
        conversationId: outcome.conversationId,
        ruleId: outcome.ruleId,
        outcome: outcome.kind,
        reason: outcome.reason,
      });
      onRecorded?.(outcome);
      if (publish !== undefined) {
        try {
          await publish(outcome);
        } catch (error: unknown) {
          logger.error('audit publish failed', {
            conversationId: outcome.conversationId,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      return outcome;
    },
  };
}

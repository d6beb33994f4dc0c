import type { Logger } from '../observability/logger';
import type { Outcome, Store, StoreChanges } from '../store/store';

/** Publishes an outcome to the audit stream (see `src/publish`). */
export type AuditPublish = (outcome: Outcome) => Promise<void>;

/**
 * Where every decision's writes go, in ONE store transaction (state, timers, outcomes), and then
 * each recorded outcome to the log, the metric (through `onRecorded`) and the audit stream. The
 * executor is its only caller, so no outcome escapes audit or metrics. An audit failure is logged:
 * the outcome itself is already durable.
 */
export interface OutcomeRecorder {
  commit(changes: StoreChanges): Promise<Outcome[]>;
}

export function createOutcomeRecorder(options: {
  store: Store;
  logger: Logger;
  publish?: AuditPublish;
  onRecorded?: (outcome: Outcome) => void;
}): OutcomeRecorder {
  const { store, logger, publish, onRecorded } = options;
  return {
    async commit(changes) {
      const recorded = await store.commit(changes);
      for (const outcome of recorded) {
        logger.info('outcome', {
          conversationId: outcome.conversationId,
          ruleId: outcome.ruleId,
          episode: outcome.episode,
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
      }
      return recorded;
    },
  };
}

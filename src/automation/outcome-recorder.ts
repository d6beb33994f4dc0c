import type { Logger } from '../observability/logger';
import type { Outcome, Store, StoreChanges } from '../store/store';
import { auditEventFromOutcome, toOutboxInput } from '../publish';

/**
 * Where every decision's writes go, in ONE store transaction: state, timers, outcomes and — when an
 * audit bus is configured — each outcome's audit event into the outbox (published from there by
 * `publish/OutboxPublisher`, so a crash or an EventBridge outage loses none). Then each recorded
 * outcome goes to the log and the metric (`onRecorded`). The executor is its only caller, so no
 * outcome escapes audit or metrics.
 */
export interface OutcomeRecorder {
  commit(changes: StoreChanges): Promise<Outcome[]>;
}

export function createOutcomeRecorder(options: {
  store: Store;
  logger: Logger;
  /** Write audit events into the outbox (an audit bus is configured). Default false. */
  audit?: boolean;
  /** Called after a commit that wrote audit events (wakes the publisher). */
  onAudit?: () => void;
  onRecorded?: (outcome: Outcome) => void;
}): OutcomeRecorder {
  const { store, logger, onRecorded } = options;
  return {
    async commit(changes) {
      const audit =
        options.audit === true
          ? (changes.outcomes ?? []).map((o) => toOutboxInput(auditEventFromOutcome(o)))
          : [];
      const recorded = await store.commit(
        audit.length === 0 ? changes : { ...changes, audit: [...(changes.audit ?? []), ...audit] },
      );
      if (audit.length > 0) {
        options.onAudit?.();
      }
      for (const outcome of recorded) {
        logger.info('outcome', {
          conversationId: outcome.conversationId,
          ruleId: outcome.ruleId,
          episode: outcome.episode,
          outcome: outcome.kind,
          reason: outcome.reason,
        });
        onRecorded?.(outcome);
      }
      return recorded;
    },
  };
}

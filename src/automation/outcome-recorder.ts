import type { Logger } from '../observability/logger';
import type { Outcome, OutcomeInput, Store, StoreChanges } from '../store/store';
import { auditEventFromOutcome, toOutboxInput } from '../publish';
import type { Rule } from '../rules';
import { outcomeReasonCode } from '../decide';

/**
 * Where every decision's writes go, in ONE store transaction: state, timers, outcomes and — when an
 * audit bus is configured — each outcome's audit event into the outbox (published from there by
 * `publish/OutboxPublisher`, so a crash or an EventBridge outage loses none). Then each recorded
 * outcome goes to the log and the metric (`onRecorded`). The executor is its only caller, so no
 * outcome escapes audit or metrics — nor its close reason: each outcome without one gets its
 * `details.reasonCode` here (`decide/close-reasons.ts`), from the rule that decided.
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
  /** The rule in force with this id (for the close reason); none: every code from the id alone. */
  ruleOf?: (ruleId: string) => Rule | undefined;
}): OutcomeRecorder {
  const { store, logger, onRecorded } = options;
  const withReason = (outcome: OutcomeInput): OutcomeInput =>
    typeof outcome.details?.reasonCode === 'string'
      ? outcome
      : {
          ...outcome,
          details: {
            ...outcome.details,
            reasonCode: outcomeReasonCode(outcome, options.ruleOf?.(outcome.ruleId)),
          },
        };
  return {
    async commit(given) {
      const changes =
        given.outcomes === undefined
          ? given
          : { ...given, outcomes: given.outcomes.map(withReason) };
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
          reasonCode: outcome.details?.reasonCode,
        });
        onRecorded?.(outcome);
      }
      return recorded;
    },
  };
}

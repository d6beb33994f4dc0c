import type { Logger } from '../observability/logger';
import type { Outcome, OutcomeInput, Store, StoreChanges } from '../store/store';
import { auditEventFromOutcome, toOutboxInput } from '../publish';
import type { Rule } from '../rules';
import { outcomeReasonCode, reasonFieldsOfDetails } from '../decide';

/**
 * Where every decision's writes go, in ONE store transaction: state, timers, outcomes and — when an
 * audit bus is configured — each outcome's audit event into the outbox (published from there by
 * `publish/OutboxPublisher`, so a crash or an EventBridge outage loses none). Then each recorded
 * outcome goes to the log and the metric (`onRecorded`). The executor is its only caller, so no
 * outcome escapes audit or metrics — nor its close reason: each outcome without one gets its
 * `reasonCode` here (`decide/close-reasons.ts`), from the rule that decided, and an event rule's
 * `eventReason` is lifted from its trigger's details. `details.reasonCode` repeats the code for
 * readers of closer before the field was top-level (deprecated: read `reasonCode`).
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
  const withReason = (outcome: OutcomeInput): OutcomeInput => {
    const given = reasonFieldsOfDetails(outcome.details);
    const reasonCode =
      outcome.reasonCode ??
      given.reasonCode ??
      outcomeReasonCode(outcome, options.ruleOf?.(outcome.ruleId));
    const eventReason = outcome.eventReason ?? given.eventReason;
    return {
      ...outcome,
      reasonCode,
      ...(eventReason === undefined ? {} : { eventReason }),
      details: { ...outcome.details, reasonCode },
    };
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
          reasonCode: outcome.reasonCode,
        });
        onRecorded?.(outcome);
      }
      return recorded;
    },
  };
}

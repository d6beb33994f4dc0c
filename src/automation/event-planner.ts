import type { StoreChanges, UnmatchedDeliveryInput } from '../store/store';
import {
  anyPatternMatched,
  conversationVerdicts,
  webhookVerdicts,
  type RuleVerdict,
} from '../diagnose/rule-verdicts';
import { matchingEventRules } from '../rules';
import { applyNotification, conversationIdOf, type GenesysNotification } from '../tracking';
import { decide, type Decision } from '../decide';
import type { ExecutorDeps } from './executor-deps';
import { planTimers, eventReasonOf, eventTimeOf } from './plan-timers';

/** Which intake delivery an event came in (for the record of deliveries no rule matched). */
export interface Delivery {
  source: string;
  eventId: string;
  receivedAt: number;
}

/** A webhook delivery as the inbox hands it over: its body, and when it was signed or received. */
export interface WebhookDelivery extends Delivery {
  body: unknown;
}

/**
 * What planning needs: no Genesys client, because planning never calls Genesys — which is why it
 * can run on the processing thread, beside the event loop that answers intake and acts.
 */
export type PlannerDeps = Pick<
  ExecutorDeps,
  'store' | 'rules' | 'clock' | 'logger' | 'recorder' | 'onUnmatched'
>;

/**
 * The half of automation that turns stored events into state and timers: Genesys notifications
 * are folded and every countdown rule's timer planned; webhooks arm due-now timers of the event
 * rules they match. It decides through `decide()` and writes through the recorder, and never acts
 * on Genesys: the `Executor` does that when a timer comes due.
 */
export class EventPlanner {
  constructor(private readonly deps: PlannerDeps) {}

  /**
   * A Genesys notification: folds it into the conversation's state and plans every inactivity
   * rule's timer — state and timers written in one transaction. Returns whether timers changed.
   */
  async handleNotification(
    notification: GenesysNotification,
    delivery?: Delivery,
  ): Promise<boolean> {
    const { store } = this.deps;
    const conversationId = conversationIdOf(notification);
    if (conversationId === undefined) {
      return false;
    }
    // State, timers and endings in one read (one round trip on PostgreSQL).
    const record = await store.readConversationRecord(conversationId);
    const previous = record.state;
    const state = applyNotification(previous, notification);
    if (state === undefined) {
      return false;
    }
    // The state is folded again at commit, from what is stored then (a firing may have written).
    const changes = await planTimers(
      this.deps,
      state,
      {
        conversationId,
        apply: (current) => applyNotification(current, notification) ?? current,
        planned: { from: previous, to: state },
      },
      record,
    );
    // A conversation no rule's `match` selects is recorded once per episode (its first event),
    // so "why didn't it fire?" has an answer without one row per message.
    if (delivery !== undefined && (previous === undefined || previous.episode !== state.episode)) {
      const now = this.deps.clock.now();
      const verdicts = conversationVerdicts(this.config(), state, { now });
      if (!anyPatternMatched(verdicts)) {
        changes.unmatched = this.unmatched(delivery, verdicts, now, conversationId);
      }
    }
    await this.deps.recorder.commit(changes);
    if (changes.unmatched !== undefined) {
      this.deps.onUnmatched?.(changes.unmatched.source);
    }
    return (changes.upsertTimers?.length ?? 0) + (changes.cancelTimers?.length ?? 0) > 0;
  }

  /**
   * Re-plans one conversation's inactivity timers under the rules in force (the rules changed),
   * from its stored state and under its lock; the state itself is not changed. Returns whether
   * timers changed.
   */
  replan(conversationId: string): Promise<boolean> {
    const { store } = this.deps;
    return store.lockConversation(conversationId, async () => {
      const state = await store.getConversation(conversationId);
      if (state === undefined || state.endedAt !== undefined) {
        return false;
      }
      const changes = await planTimers(this.deps, state, {
        conversationId,
        apply: (current) => current,
      });
      const count = (changes.upsertTimers?.length ?? 0) + (changes.cancelTimers?.length ?? 0);
      if (count > 0) {
        await this.deps.recorder.commit(changes);
      }
      return count > 0;
    });
  }

  /**
   * A webhook delivery: arms a due-now timer for each event rule it matches (so the ending goes
   * through the same durable, retried, once-per-episode path), or records why not.
   */
  async handleWebhook(event: WebhookDelivery): Promise<boolean> {
    const { store, clock } = this.deps;
    const now = clock.now();
    const changes: Required<Pick<StoreChanges, 'upsertTimers' | 'outcomes'>> & StoreChanges = {
      now,
      upsertTimers: [],
      outcomes: [],
    };
    const matches = matchingEventRules(event.source, event.body, this.config());
    for (const match of matches) {
      const eventReason = eventReasonOf(match.rule, event.body);
      const trigger = {
        source: event.source,
        eventId: event.eventId,
        ...(eventReason === undefined ? {} : { eventReason }),
      };
      if (match.conversationId === undefined) {
        changes.outcomes.push({
          conversationId: '(unknown)',
          ruleId: match.rule.id,
          kind: 'skipped',
          reason: match.problem ?? 'the event carries no conversation id',
          details: trigger,
          at: now,
        });
        continue;
      }
      const state = await store.getConversation(match.conversationId);
      const ending =
        state === undefined
          ? undefined
          : await store.getEnding(state.conversationId, state.episode);
      const eventTime = eventTimeOf(match.rule, event.body) ?? event.receivedAt;
      const decision = decide({
        mode: 'plan',
        state,
        rule: match.rule,
        now,
        eventTime,
        ...(ending === undefined ? {} : { ending }),
      });
      if (decision.kind === 'arm') {
        changes.upsertTimers.push({
          conversationId: match.conversationId,
          ruleId: match.rule.id,
          phase: 'event',
          dueAt: decision.dueAt,
          episode: decision.episode,
          data: { ...trigger, eventTime },
        });
      } else if (decision.kind === 'skip') {
        changes.outcomes.push(
          skipOutcome(match.conversationId, match.rule.id, decision, now, trigger),
        );
      }
    }
    if (matches.length === 0) {
      changes.unmatched = this.unmatched(
        event,
        webhookVerdicts(this.config(), event.source, event.body, now),
        now,
      );
    }
    await this.deps.recorder.commit(changes);
    if (changes.unmatched !== undefined) {
      this.deps.onUnmatched?.(event.source);
    }
    return changes.upsertTimers.length > 0;
  }

  /** The record of a delivery no rule matched, logged once (info) for the people who run closer. */
  private unmatched(
    delivery: Delivery,
    verdicts: RuleVerdict[],
    now: number,
    conversationId?: string,
  ): UnmatchedDeliveryInput {
    this.deps.logger.info('delivery matched no rule', {
      source: delivery.source,
      eventId: delivery.eventId,
      ...(conversationId === undefined ? {} : { conversationId }),
      rules: verdicts.map((v) => `${v.ruleId}: ${v.reason}`).slice(0, 10),
    });
    return {
      source: delivery.source,
      eventId: delivery.eventId,
      ...(conversationId === undefined ? {} : { conversationId }),
      receivedAt: delivery.receivedAt,
      recordedAt: now,
      verdicts,
    };
  }

  private config() {
    return this.deps.rules().config;
  }
}

/** The outcome recording a `skip` decision (with what triggered it, if anything). */
export function skipOutcome(
  conversationId: string,
  ruleId: string,
  decision: Extract<Decision, { kind: 'skip' }>,
  now: number,
  trigger?: Record<string, unknown>,
) {
  return {
    conversationId,
    ruleId,
    episode: decision.episode,
    kind: decision.outcome,
    reason: decision.reason,
    ...(decision.details === undefined && trigger === undefined
      ? {}
      : { details: { ...trigger, ...decision.details } }),
    at: now,
  };
}

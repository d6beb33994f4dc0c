import type { Clock } from '../timers/clock';
import type { Logger } from '../observability/logger';
import type { InboxEvent, Store } from '../store/store';
import type { LoadedRules } from '../rules';
import { matchingEventRules } from '../rules';

/**
 * A webhook event (e.g. CRM "ticket closed") arms a due-now `event` timer for each event rule it
 * matches, so the termination runs through the same durable, retried, once-only path as
 * inactivity. Returns how many timers were armed. A matching event whose conversation id cannot
 * be found is recorded as a skipped outcome, so ops can see why nothing happened.
 */
export async function armEventRules(
  event: InboxEvent,
  deps: { store: Store; rules: () => LoadedRules; clock: Clock; logger: Logger },
): Promise<number> {
  const { store, clock, logger } = deps;
  const matches = matchingEventRules(event.source, event.payload, deps.rules().config);
  let armed = 0;
  const now = clock.now();
  for (const match of matches) {
    if (match.conversationId === undefined) {
      await store.recordOutcome({
        conversationId: '(unknown)',
        ruleId: match.rule.id,
        kind: 'skipped',
        reason: match.problem ?? 'the event carries no conversation id',
        details: { source: event.source, eventId: event.eventId },
        at: now,
      });
      logger.warn('event rule matched but no conversation id', {
        ruleId: match.rule.id,
        source: event.source,
        eventId: event.eventId,
      });
      continue;
    }
    if (await store.hasEnded(match.conversationId, match.rule.id)) {
      continue;
    }
    await store.upsertTimer(
      {
        conversationId: match.conversationId,
        ruleId: match.rule.id,
        phase: 'event',
        dueAt: now,
        data: { source: event.source, eventId: event.eventId },
      },
      now,
    );
    armed += 1;
  }
  return armed;
}

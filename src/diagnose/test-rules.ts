import { z } from 'zod';
import { readLive } from '../automation/live-read';
import type { GenesysClient } from '../genesys';
import { readInboxPayload } from '../inbox';
import { toInboxEvents } from '../intake/eventbridge/to-inbox-events';
import type { RulesConfig } from '../rules';
import type { Store } from '../store/store';
import { applyNotification, conversationIdOf } from '../tracking';
import type { ConversationState } from '../tracking/conversation-state';
import { conversationPhase } from '../genesys';
import { conversationIdSchema } from '../genesys/conversation-id';
import { CloserError } from '../errors';
import type { RulesTestErrorCode } from './errors';
import {
  anyPatternMatched,
  conversationVerdicts,
  webhookVerdicts,
  type RuleVerdict,
} from './rule-verdicts';

/**
 * What `POST /v1/rules/test` and `closer rules test` explain, exactly one of:
 * - `event`: a Genesys event as EventBridge delivers it (an envelope, or a list of them);
 * - `webhook`: a webhook body and the source it would arrive on;
 * - `conversationId`: a conversation closer tracks (or, with Genesys access, reads live).
 */
export const rulesTestInputSchema = z.union([
  z.strictObject({ event: z.unknown() }),
  z.strictObject({
    webhook: z.strictObject({ source: z.string().min(1).max(64), body: z.unknown() }),
  }),
  // As in the conversation routes' URLs: it goes into a Genesys URL.
  z.strictObject({ conversationId: conversationIdSchema }),
]);

export type RulesTestInput = z.infer<typeof rulesTestInputSchema>;

/** Every rule's verdict on one input, and whether any rule's pattern matched it. */
export interface RulesTestReport {
  input: 'genesys-event' | 'webhook' | 'conversation';
  /** The conversation the verdicts are about (Genesys events and conversation ids). */
  conversationId?: string;
  /** Its phase now (`agent`, `queue`, `flow`, …) and since when (ISO-8601). */
  phase?: { phase: string; since: string | null };
  /** Where the conversation's state came from: closer's store, a live read, or the event alone. */
  stateFrom?: 'store' | 'live' | 'event';
  /** True when at least one rule's pattern matched (it may still not act: see each verdict). */
  matched: boolean;
  verdicts: RuleVerdict[];
}

/** The input cannot be explained; codes and statuses in `RULES_TEST_ERRORS`. */
export class RulesTestError extends CloserError {
  declare readonly code: RulesTestErrorCode;
}

/** What {@link testRules} may read: closer's tracked state, and Genesys for live reads. */
export interface RulesTestDeps {
  now: number;
  store?: Pick<Store, 'getConversation' | 'listTimers' | 'getEnding'>;
  genesys?: GenesysClient;
}

/**
 * "Why didn't it fire?": every rule's verdict on an event, a webhook body or a conversation,
 * computed with the code closer runs (the same matcher, the same decision), without acting.
 *
 * @throws RulesTestError when the event is not a Genesys event or the conversation is unknown.
 */
export async function testRules(
  config: RulesConfig,
  input: RulesTestInput,
  deps: RulesTestDeps,
): Promise<RulesTestReport> {
  if ('webhook' in input) {
    const verdicts = webhookVerdicts(config, input.webhook.source, input.webhook.body, deps.now);
    return { input: 'webhook', matched: anyPatternMatched(verdicts), verdicts };
  }
  let state: ConversationState | undefined;
  let stateFrom: RulesTestReport['stateFrom'];
  if ('event' in input) {
    let events;
    try {
      events = toInboxEvents(input.event, deps.now).events;
    } catch (error: unknown) {
      throw new RulesTestError(
        'RULES_TEST_INVALID_EVENT',
        `event: not a Genesys event as EventBridge delivers it (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      );
    }
    for (const event of events) {
      const payload = readInboxPayload(event.source, event.payload);
      if (payload?.type !== 'genesys') {
        continue;
      }
      const notification = {
        topicName: payload.topicName,
        eventBody: payload.eventBody,
        ...(payload.time === undefined ? {} : { time: payload.time }),
      };
      const id = conversationIdOf(notification);
      if (id === undefined) {
        continue;
      }
      const previous = state?.conversationId === id ? state : await deps.store?.getConversation(id);
      const folded = applyNotification(previous, notification);
      if (folded !== undefined) {
        // Only an event that folds says where the state came from (a malformed snapshot has an
        // id but no state).
        stateFrom ??= previous === undefined ? 'event' : 'store';
        state = folded;
      }
    }
    if (state === undefined) {
      throw new RulesTestError(
        'RULES_TEST_INVALID_EVENT',
        'event: no conversation event closer tracks (a conversation detail event or a conversation snapshot)',
      );
    }
  } else {
    state = await deps.store?.getConversation(input.conversationId);
    stateFrom = 'store';
    if (deps.genesys !== undefined) {
      const live = await readLive(deps.genesys, input.conversationId, state, deps.now);
      if (live.found) {
        state = live.state;
        stateFrom = 'live';
      }
    }
    if (state === undefined) {
      throw new RulesTestError(
        'RULES_TEST_UNKNOWN_CONVERSATION',
        `conversation ${input.conversationId}: closer tracks no such conversation${deps.genesys === undefined ? '' : ' and Genesys does not know it'}`,
      );
    }
  }
  const timers = (await deps.store?.listTimers(state.conversationId)) ?? [];
  const ending = await deps.store?.getEnding(state.conversationId, state.episode);
  const verdicts = conversationVerdicts(config, state, {
    now: deps.now,
    timers,
    ...(ending === undefined ? {} : { ending }),
  });
  const phase = conversationPhase(state.participants);
  return {
    input: 'event' in input ? 'genesys-event' : 'conversation',
    conversationId: state.conversationId,
    phase: {
      phase: phase.phase,
      since: phase.since === undefined ? null : new Date(phase.since).toISOString(),
    },
    ...(stateFrom === undefined ? {} : { stateFrom }),
    matched: anyPatternMatched(verdicts),
    verdicts,
  };
}

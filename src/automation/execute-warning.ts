import type { Outcome, TimerInput } from '../store/store';
import type { TimerHandlerResult } from '../timers';
import { isDryRun } from '../rules';
import { sendConversationMessage } from '../genesys';
import { MAX_CLOSER_MESSAGE_IDS } from '../tracking/conversation-state';
import type { Decision } from '../decide';
import type { ExecutorDeps, FiringContext } from './executor-deps';
import { liveUpdate, withCloserMessage } from './live-read';
import { errorDetails } from './error-details';
import { coerceError } from '../errors';

/**
 * Acts on a `warn` decision: arms the next step (the following staged warning, or the close),
 * sends the warning (unless dry run, or the rule's messages are held) and remembers its message
 * id as closer's own, so it never counts as the customer's or the agent's activity.
 */
export async function executeWarning(
  deps: ExecutorDeps,
  decision: Extract<Decision, { kind: 'warn' }>,
  ctx: FiringContext,
): Promise<TimerHandlerResult> {
  const { store, clock, genesys } = deps;
  const { conversationId, timer } = ctx;
  const now = clock.now();
  // The next step: the following staged warning, or the close.
  const nextTimer: TimerInput = {
    conversationId,
    ruleId: timer.ruleId,
    phase: decision.next.phase,
    dueAt: decision.next.dueAt,
    episode: decision.episode,
    ...(decision.next.phase === 'warn' ? { data: { warning: decision.next.warning } } : {}),
  };
  const details = {
    message: decision.message,
    // Which of the rule's warnings (0 = the first) and how many it has.
    warning: decision.warning,
    warnings: decision.warnings,
    idleSince: new Date(decision.idleSince).toISOString(),
  };
  const outcome = (kind: Outcome['kind'], reason: string, extra: Record<string, unknown> = {}) => ({
    conversationId,
    ruleId: timer.ruleId,
    episode: decision.episode,
    kind,
    reason,
    details: { ...details, ...extra },
    at: now,
  });
  const conversation = liveUpdate(conversationId, ctx.live);
  if (ctx.rule !== undefined && isDryRun(ctx.rule, deps.rules().config)) {
    await deps.recorder.commit({
      now,
      conversation,
      outcomes: [outcome('dry-run', 'would send the warning')],
      upsertTimers: [nextTimer],
    });
    return { status: 'done' };
  }
  const hold = await store.closingMessageHold(timer.ruleId);
  if (hold !== undefined) {
    await deps.recorder.commit({
      now,
      conversation,
      outcomes: [
        outcome(
          'skipped',
          `warning not sent: the rule's messages are held since a disconnect was refused (${hold.reason})`,
        ),
      ],
      upsertTimers: [nextTimer],
    });
    return { status: 'done' };
  }
  // The next step (the following warning, or the close) is armed BEFORE this warning goes out,
  // replacing its timer: a warning whose answer is lost is never sent again (a send is an unsafe
  // write), each warning goes out at most once per count, and the chat still closes.
  await deps.recorder.commit({ now, upsertTimers: [nextTimer] });
  const live = ctx.live?.found === true ? ctx.live.conversation : undefined;
  let sent: Awaited<ReturnType<typeof sendConversationMessage>>;
  try {
    sent = await sendConversationMessage(genesys, conversationId, decision.message, {
      ...(live === undefined ? {} : { live }),
      endOperation: decision.endOperation,
    });
  } catch (thrown: unknown) {
    const error = coerceError(thrown);
    await deps.recorder.commit({
      now,
      conversation,
      outcomes: [
        outcome(
          'failed',
          `warning not sent (or its answer was lost; not sent again): ${error.message}`,
          {
            ...errorDetails(error),
          },
        ),
      ],
    });
    return { status: 'done' };
  }
  await deps.recorder.commit({
    now,
    // closer's own message never counts as activity: remembered with the state.
    conversation: liveUpdate(conversationId, ctx.live, (state) =>
      sent.sent ? withCloserMessage(state, sent.messageId, MAX_CLOSER_MESSAGE_IDS) : state,
    ),
    outcomes: [
      sent.sent
        ? outcome('warned', 'warning sent', { messageId: sent.messageId })
        : outcome('skipped', `warning not sent: ${sent.reason}`),
    ],
  });
  return { status: 'done' };
}

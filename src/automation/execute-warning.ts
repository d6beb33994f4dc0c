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
 * Acts on a `warn` decision: sends the warning (unless dry run, or the rule's messages are held),
 * remembers its message id as closer's own, and arms the close — one transaction.
 */
export async function executeWarning(
  deps: ExecutorDeps,
  decision: Extract<Decision, { kind: 'warn' }>,
  ctx: FiringContext,
): Promise<TimerHandlerResult> {
  const { store, clock, genesys } = deps;
  const { conversationId, timer } = ctx;
  const now = clock.now();
  const closeTimer: TimerInput = {
    conversationId,
    ruleId: timer.ruleId,
    phase: 'close',
    dueAt: decision.closeAt,
    episode: decision.episode,
  };
  const details = {
    message: decision.message,
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
      upsertTimers: [closeTimer],
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
      upsertTimers: [closeTimer],
    });
    return { status: 'done' };
  }
  // The close is armed BEFORE the warning goes out, replacing the warning timer: a warning whose
  // answer is lost is never sent again (a send is an unsafe write), and the chat still closes.
  await deps.recorder.commit({ now, upsertTimers: [closeTimer] });
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

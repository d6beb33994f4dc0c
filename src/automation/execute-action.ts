import type { Outcome, StoreChanges } from '../store/store';
import type { TimerHandlerResult } from '../timers';
import { isDryRun } from '../rules';
import { divisionOf, isGenesysApiError, sendConversationMessage, transferState } from '../genesys';
import { MAX_CLOSER_MESSAGE_IDS } from '../tracking/conversation-state';
import type { ConversationState, RuleActionMark } from '../tracking/conversation-state';
import type { Decision } from '../decide';
import type { ExecutorDeps, FiringContext } from './executor-deps';
import { liveUpdate, withCloserMessage } from './live-read';
import { errorDetails, isPermanentFailure } from './error-details';
import { coerceError } from '../errors';

type ActDecision = Extract<Decision, { kind: 'act' }>;

/** The state with rule `ruleId`'s action mark set. */
function withMark(state: ConversationState, ruleId: string, mark: RuleActionMark) {
  return { ...state, ruleActions: { ...state.ruleActions, [ruleId]: mark } };
}

/**
 * Acts on an `act` decision: an inactivity rule's `action: message` or `action: transfer`, at most
 * once per silence. Like a warning, the message is an unsafe write: the rule's mark on this
 * silence is written BEFORE it goes out, so a lost answer is never followed by a second send. A
 * transfer is claimed the same way; a failure Genesys may have applied keeps the claim, and the
 * next firing (`resumed`) reads the conversation first: transferred already → recorded so, still
 * wanted → transferred (without the message again), unclear → recorded, never repeated blind.
 * A message announcing a transfer goes out only when the transfer is expected to be allowed
 * (`client.expectAllowed`, as for endings): known refused → `failed` naming the permission,
 * nothing sent, not repeated for this silence.
 *
 * @throws transient transfer failures, for the scheduler to retry (the claim stays); a transient
 *   failure to learn the transfer permission, before anything is claimed or sent.
 */
export async function executeAction(
  deps: ExecutorDeps,
  decision: ActDecision,
  ctx: FiringContext,
): Promise<TimerHandlerResult> {
  const { clock, genesys } = deps;
  const { conversationId, timer } = ctx;
  const ruleId = timer.ruleId;
  const now = clock.now();
  const mark: RuleActionMark = {
    action: decision.action,
    since: decision.idleSince,
    episode: decision.episode,
    state: 'claimed',
    at: now,
    ...(decision.participantId === undefined ? {} : { participantId: decision.participantId }),
    ...(decision.queueId === undefined ? {} : { queueId: decision.queueId }),
  };
  const details = {
    action: decision.action,
    idleSince: new Date(decision.idleSince).toISOString(),
    ...(decision.message === undefined ? {} : { message: decision.message }),
    ...(decision.queueId === undefined ? {} : { queueId: decision.queueId }),
    ...(decision.participantId === undefined ? {} : { participantId: decision.participantId }),
  };
  const outcome = (kind: Outcome['kind'], reason: string, extra: Record<string, unknown> = {}) => ({
    conversationId,
    ruleId,
    episode: decision.episode,
    kind,
    reason,
    details: { ...details, ...extra },
    at: clock.now(),
  });
  const record = (
    kind: Outcome['kind'],
    reason: string,
    extra: Record<string, unknown> = {},
    more: (state: ConversationState) => ConversationState = (s) => s,
  ): StoreChanges => ({
    now: clock.now(),
    conversation: liveUpdate(conversationId, ctx.live, more),
    outcomes: [outcome(kind, reason, extra)],
  });
  const done = (state: ConversationState): ConversationState =>
    withMark(state, ruleId, { ...mark, state: 'done', at: clock.now() });

  if (ctx.rule !== undefined && isDryRun(ctx.rule, deps.rules().config)) {
    await deps.recorder.commit(
      record(
        'dry-run',
        decision.action === 'message'
          ? 'would send the message'
          : 'would transfer the conversation',
      ),
    );
    return { status: 'done' };
  }
  const live = ctx.live?.found === true ? ctx.live.conversation : undefined;

  if (decision.resumed && decision.action === 'transfer') {
    // An earlier attempt claimed this transfer and got no answer: read before anything else.
    const seen =
      live === undefined || decision.participantId === undefined || decision.queueId === undefined
        ? 'unclear'
        : transferState(live, decision.participantId, decision.queueId);
    if (seen === 'transferred') {
      await deps.recorder.commit(
        record(
          'transferred',
          `${decision.reason} (an earlier attempt's answer was lost; a read shows it took effect, not repeated)`,
          { confirmedByRead: true },
          done,
        ),
      );
      return { status: 'done' };
    }
    if (seen === 'unclear') {
      await deps.recorder.commit(
        record(
          'skipped',
          'an earlier transfer attempt got no answer and the conversation no longer shows the agent leg to transfer nor the queue leg it would create; not repeated',
          {},
          done,
        ),
      );
      return { status: 'done' };
    }
    // `wanted`: the read shows the agent leg still there and no queue leg: transfer (no message).
  } else {
    if (decision.action === 'transfer' && decision.message !== undefined) {
      // Never "I'm transferring you" without the permission to transfer. Before the claim: a
      // transient failure to find out is retried as a fresh attempt, message included.
      try {
        await genesys.expectAllowed('transferMessageParticipant', divisionOf(live));
      } catch (thrown: unknown) {
        const error = coerceError(thrown);
        if (!isPermanentFailure(error)) {
          throw error;
        }
        await deps.recorder.commit(
          record(
            'failed',
            `transfer not allowed, so its message was not sent: ${error.message}`,
            { ...errorDetails(error), messageSent: false },
            done,
          ),
        );
        return { status: 'done' };
      }
    }
    await deps.recorder.commit({
      now,
      conversation: liveUpdate(conversationId, ctx.live, (state) => withMark(state, ruleId, mark)),
    });
  }

  // The message: the whole action of `message`, the optional notice before a transfer.
  let sentId: string | undefined;
  let messageSkippedReason: string | undefined;
  if (decision.message !== undefined && !decision.resumed) {
    try {
      const sent = await sendConversationMessage(genesys, conversationId, decision.message, {
        ...(live === undefined ? {} : { live }),
        promisesEnd: false,
      });
      if (sent.sent) {
        sentId = sent.messageId ?? '';
      } else {
        messageSkippedReason = sent.reason;
      }
    } catch (thrown: unknown) {
      const error = coerceError(thrown);
      messageSkippedReason = `send failed (or its answer was lost; not sent again): ${error.message}`;
      if (decision.action === 'message') {
        await deps.recorder.commit(
          record(
            'failed',
            `message not sent (or its answer was lost; not sent again): ${error.message}`,
            errorDetails(error),
            done,
          ),
        );
        return { status: 'done' };
      }
    }
  }
  const withMessage = (state: ConversationState): ConversationState =>
    done(
      sentId === undefined || sentId === ''
        ? state
        : withCloserMessage(state, sentId, MAX_CLOSER_MESSAGE_IDS),
    );

  if (decision.action === 'message') {
    await deps.recorder.commit(
      sentId === undefined
        ? record('skipped', `message not sent: ${messageSkippedReason ?? 'no channel'}`, {}, done)
        : record(
            'messaged',
            decision.reason,
            sentId === '' ? {} : { messageId: sentId },
            withMessage,
          ),
    );
    return { status: 'done' };
  }

  const messageFacts = {
    messageSent: sentId !== undefined,
    ...(sentId === undefined || sentId === '' ? {} : { messageId: sentId }),
    ...(messageSkippedReason === undefined ? {} : { messageSkippedReason }),
  };
  try {
    await genesys.transferMessageParticipant(
      conversationId,
      decision.participantId ?? '',
      decision.queueId ?? '',
    );
    genesys.actionPermission.recordResult(
      'transferMessageParticipant',
      divisionOf(live),
      'succeeded',
    );
  } catch (thrown: unknown) {
    const error = coerceError(thrown);
    if (isGenesysApiError(error, 'GENESYS_FORBIDDEN')) {
      // Per division: the next transfer rule firing here sends no message before asking again.
      genesys.actionPermission.recordResult('transferMessageParticipant', divisionOf(live), error);
    }
    if (!isPermanentFailure(error)) {
      if (sentId !== undefined) {
        // Keep what was sent: the retry resumes the claim and never sends the message again.
        await deps.recorder.commit({
          now: clock.now(),
          conversation: liveUpdate(conversationId, ctx.live, (state) =>
            sentId === '' ? state : withCloserMessage(state, sentId, MAX_CLOSER_MESSAGE_IDS),
          ),
        });
      }
      throw error;
    }
    await deps.recorder.commit(
      record(
        'failed',
        `transfer refused: ${error.message}`,
        { ...errorDetails(error), ...messageFacts },
        withMessage,
      ),
    );
    return { status: 'done' };
  }
  await deps.recorder.commit(record('transferred', decision.reason, messageFacts, withMessage));
  return { status: 'done' };
}

import type { CloseAction } from '../rules';
import type { StoreChanges } from '../store/store';
import { endConversation, GenesysApiError, type TerminationOutcome } from '../genesys';
import { openLegs } from '../genesys/lifecycle';
import type { ConversationState } from '../tracking/conversation-state';
import { alreadyEndedBy, describeEndedBy, enderName, type Decision } from '../decide';
import { coerceError } from '../errors';
import type { ExecutorDeps } from './executor-deps';
import { liveUpdate, withCloserMessage, type LiveRead } from './live-read';
import { applyCloserEnding } from '../tracking';
import { MAX_CLOSER_MESSAGE_IDS } from '../tracking/conversation-state';
import { errorDetails, isPermanentFailure } from './error-details';

/** Options of an on-demand ending (HTTP API). */
export interface OnDemandOptions {
  close: CloseAction;
  dryRun?: boolean;
}

/**
 * What an ending did: the Genesys outcome, a skip closer decided without acting, or a permanent
 * failure (already recorded as a `failed` outcome; the caller decides whether to throw it).
 */
export type EndingResult =
  | (TerminationOutcome & { episode: number; reason?: string })
  | {
      outcome: 'failed';
      conversationId: string;
      episode: number;
      error: Error;
      messageSent: boolean;
    };

interface EndingContext {
  conversationId: string;
  ruleId: string;
  live: LiveRead | undefined;
  state: ConversationState | undefined;
  dryRun: boolean;
  /** What triggered it (webhook id, event time), kept in the outcome. */
  trigger?: Record<string, unknown>;
  /** Timers removed in the outcome's own transaction (an on-demand request's durable record). */
  cancelTimers?: StoreChanges['cancelTimers'];
}

/**
 * Acts on a `close` (or `skip`) decision, once per (conversation, episode):
 * 1. claims the episode's ending in the database — a second rule (or on-demand request) gets
 *    "already ended by rule X" and sends nothing;
 * 2. decides the closing message: none when the rule's messages are held (a disconnect was
 *    refused after a message went out); when an earlier attempt recorded its intent
 *    (`messageIntentAt`, written just before sending) and may have died after sending, only if the
 *    conversation's own messages show none from closer's side since (docs/guarantees.md);
 * 3. ends it (`endConversation`: permission gate before the message, confirming read before any
 *    repeated disconnect), and records the outcome with the state in one transaction;
 * 4. on failure: a 403 after a message → `failed` with `messageSent: true`, loud log and metric,
 *    and the rule's closing messages held until one of its disconnects succeeds; a transient
 *    failure keeps the claim (and the message intent) for the retry; a permanent one releases it.
 *
 * @throws the transient errors, for the scheduler to retry.
 */
export async function executeEnding(
  deps: ExecutorDeps,
  decision: Decision,
  ctx: EndingContext,
): Promise<EndingResult> {
  const { store, clock, recorder } = deps;
  const now = clock.now();
  const { conversationId, ruleId } = ctx;
  const base: StoreChanges = { now, conversation: liveUpdate(conversationId, ctx.live) };
  const record = async (
    result: EndingResult,
    kind: 'terminated' | 'already-ended' | 'not-found' | 'skipped' | 'dry-run' | 'failed',
    reason: string,
    details: Record<string, unknown>,
    extra: Partial<StoreChanges> = {},
  ): Promise<EndingResult> => {
    await recorder.commit({
      ...base,
      ...(ctx.cancelTimers === undefined ? {} : { cancelTimers: ctx.cancelTimers }),
      ...extra,
      outcomes: [
        {
          conversationId,
          ruleId,
          episode: result.episode,
          kind,
          reason,
          details: { ...ctx.trigger, ...details },
          at: now,
        },
      ],
    });
    return result;
  };

  if (decision.kind === 'skip') {
    const outcome = decision.outcome === 'not-found' ? 'not-found' : 'already-ended';
    return record(
      { outcome, conversationId, episode: decision.episode, reason: decision.reason },
      decision.outcome,
      decision.reason,
      decision.details ?? {},
    );
  }
  if (decision.kind !== 'close') {
    // Not an ending (e.g. an on-demand request never plans): nothing to do.
    return { outcome: 'already-ended', conversationId, episode: ctx.state?.episode ?? 1 };
  }
  const { episode, close } = decision;
  const conversation = ctx.live?.found === true ? ctx.live.conversation : undefined;
  if (ctx.dryRun) {
    const wouldDisconnect =
      conversation === undefined ? [] : openLegs(conversation.participants).map((p) => p.id);
    return record(
      {
        outcome: 'dry-run',
        conversationId,
        episode,
        wouldSendMessage: close.message !== undefined && !decision.customerGone,
        wouldDisconnect,
      },
      'dry-run',
      'would end the conversation',
      { ...close, wouldDisconnect },
    );
  }

  const claim = await store.claimEnding({ conversationId, episode, ruleId, at: now });
  if (!claim.claimed) {
    const reason = alreadyEndedBy(claim.ending.ruleId);
    return record(
      { outcome: 'already-ended', conversationId, episode, reason },
      'already-ended',
      reason,
      {
        endedByRule: claim.ending.ruleId,
      },
    );
  }
  const hold = await store.closingMessageHold(ruleId);
  const suppressMessage =
    hold !== undefined
      ? `closing messages of rule ${ruleId} are held since a disconnect was refused after one (${hold.reason})`
      : undefined;
  // An earlier attempt (a crash, a failed disconnect) recorded its intent: send only if the
  // conversation's own messages show no closing message since (endConversation looks).
  const intentAt = claim.ending.messageIntentAt;
  const earlierIntent =
    intentAt === undefined
      ? undefined
      : { at: intentAt, knownMessageIds: ctx.state?.closerMessageIds ?? [] };

  // Set from a callback, so held in an object (a plain `let` would read as always false here).
  const sent = { message: false };
  let result: TerminationOutcome;
  try {
    result = await endConversation(deps.genesys, conversationId, {
      ...(close.message === undefined ? {} : { message: close.message }),
      ...(close.leg === undefined ? {} : { leg: close.leg }),
      ...(close.wrapupCode === undefined ? {} : { wrapupCode: close.wrapupCode }),
      ...(conversation === undefined ? {} : { conversation }),
      ...(suppressMessage === undefined ? {} : { suppressMessage }),
      ...(earlierIntent === undefined ? {} : { earlierIntent }),
      beforeMessage: () => store.markEndingMessage(conversationId, episode, clock.now()),
      onMessageSent: () => {
        sent.message = true;
      },
      logger: deps.logger.child({ conversationId, ruleId, episode }),
    });
  } catch (thrown: unknown) {
    const error = coerceError(thrown);
    const permanent = isPermanentFailure(error);
    const messageSent = sent.message;
    const intent =
      messageSent ||
      (await store.getEnding(conversationId, episode))?.messageIntentAt !== undefined;
    if (!permanent) {
      // Keep the claim (and its message intent): the retry resumes it and looks before sending again.
      throw error;
    }
    await store.finishEnding(conversationId, episode, 'released', clock.now());
    const forbidden = error instanceof GenesysApiError && error.code === 'GENESYS_FORBIDDEN';
    if (forbidden && messageSent) {
      await store.holdClosingMessages(ruleId, clock.now(), error.message);
      deps.onMessageWithoutEnd?.(ruleId);
      deps.logger.error(
        'closing message sent but the disconnect was refused; the chat stays open and the rule sends no further closing messages until a disconnect succeeds',
        {
          conversationId,
          ruleId,
          episode,
          error: error.message,
        },
      );
    }
    return record(
      { outcome: 'failed', conversationId, episode, error, messageSent },
      'failed',
      error.message,
      { ...errorDetails(error), messageSent, messageIntent: intent },
    );
  }

  const { outcome, conversationId: _id, ...rest } = result;
  if (outcome === 'terminated') {
    await store.finishEnding(conversationId, episode, 'ended', clock.now());
    if (hold !== undefined) {
      await store.releaseClosingMessages(ruleId);
    }
    const closerEnding = {
      participantIds: result.disconnectedParticipantIds,
      at: clock.now(),
      ruleId,
    };
    const messageId = result.messageId;
    return record(
      { ...result, episode },
      'terminated',
      decision.reason,
      {
        ...rest,
        ...(decision.idleSince === undefined
          ? {}
          : { idleSince: new Date(decision.idleSince).toISOString() }),
      },
      {
        // What closer did is known now, whatever the events say later: the episode is over.
        conversation: liveUpdate(conversationId, ctx.live, (state) =>
          applyCloserEnding(
            messageId === undefined
              ? state
              : withCloserMessage(state, messageId, MAX_CLOSER_MESSAGE_IDS),
            closerEnding,
          ),
        ),
      },
    );
  }
  await store.finishEnding(conversationId, episode, 'released', clock.now());
  const reason =
    outcome === 'not-found'
      ? 'Genesys does not know this conversation'
      : outcome === 'already-ended' && result.endedDuringDisconnect === true
        ? `ended while ${enderName(ruleId)} was ending it: Genesys answered its disconnect "already disconnected" (someone else ended it meanwhile, or an earlier disconnect of closer's took effect late)`
        : describeEndedBy(ctx.state?.endedBy);
  return record(
    { ...result, episode, reason },
    outcome === 'dry-run' ? 'dry-run' : outcome,
    reason,
    rest,
  );
}

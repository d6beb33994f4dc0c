import type { Clock } from '../timers/clock';
import type { Logger } from '../observability/logger';
import type { Store, Timer } from '../store/store';
import type { TimerHandlerResult } from '../timers';
import type { LoadedRules, InactivityRule, EventRule } from '../rules';
import { isDryRun, lastActivityAt } from '../rules';
import type { GenesysClient } from '../genesys';
import { endConversation, GenesysApiError, sendConversationMessage } from '../genesys';
import { CloserError, coerceError } from '../errors';
import type { OutcomeSink } from './outcome-recorder';
import { readLiveState } from './live-state';
import { closerMessageIds } from './closer-messages';

/** What firing a timer needs. */
export interface FireTimerDeps {
  store: Store;
  rules: () => LoadedRules;
  clock: Clock;
  logger: Logger;
  genesys: GenesysClient;
  outcomes: OutcomeSink;
}

/**
 * Runs one due timer: re-reads the live conversation (events lag, so stored state is only a hint),
 * confirms it is still idle by its own message times, then warns or ends it — or records why it
 * did not. Errors Genesys will answer the same way again (403, 400, bad credentials) are recorded
 * as `failed` at once; transient ones (429 after retries, 5xx, network) go back to the scheduler
 * for a later attempt.
 */
export async function fireTimer(timer: Timer, deps: FireTimerDeps): Promise<TimerHandlerResult> {
  const { store, logger } = deps;
  const log = logger.child({ conversationId: timer.conversationId, ruleId: timer.ruleId });
  const config = deps.rules().config;
  const rule = config.rules.find((r) => r.id === timer.ruleId);
  const at = deps.clock.now();
  if (rule === undefined || !rule.enabled) {
    await deps.outcomes.record({
      conversationId: timer.conversationId,
      ruleId: timer.ruleId,
      kind: 'skipped',
      reason: 'the rule is no longer in force',
      at,
    });
    return { status: 'done' };
  }
  if (await store.hasEnded(timer.conversationId, rule.id)) {
    return { status: 'done' };
  }
  try {
    if (rule.kind === 'event') {
      await terminate(timer, rule, deps);
      return { status: 'done' };
    }
    await fireInactivity(timer, rule, deps);
    return { status: 'done' };
  } catch (thrown: unknown) {
    const error = coerceError(thrown);
    // Input Genesys can never accept (a too-long message, an impossible id) fails the same way on
    // every attempt, like a 403: record it now instead of retrying until the scheduler gives up.
    const permanent =
      (error instanceof GenesysApiError && !error.retryable) ||
      (error instanceof CloserError && error.code === 'GENESYS_INVALID_INPUT');
    log.warn('timer firing failed', {
      error: error.message,
      code: error instanceof CloserError ? error.code : undefined,
      permanent,
    });
    if (permanent) {
      await deps.outcomes.record({
        conversationId: timer.conversationId,
        ruleId: rule.id,
        kind: 'failed',
        reason: error.message,
        details: errorDetails(error),
        at: deps.clock.now(),
      });
      return { status: 'done' };
    }
    return { status: 'retry', reason: error.message };
  }
}

async function fireInactivity(
  timer: Timer,
  rule: InactivityRule,
  deps: FireTimerDeps,
): Promise<void> {
  const { store, clock, genesys } = deps;
  const ignore = await closerMessageIds(store, timer.conversationId);
  const live = await readLiveState(genesys, timer.conversationId, ignore);
  const now = clock.now();
  if (live.kind !== 'active') {
    await deps.outcomes.record({
      conversationId: timer.conversationId,
      ruleId: rule.id,
      kind: live.kind,
      reason:
        live.kind === 'not-found'
          ? 'Genesys does not know this conversation'
          : 'nobody is connected any more',
      at: now,
    });
    return;
  }
  const stored = await store.getConversation(timer.conversationId);
  const last =
    lastActivityAt(live.state, rule.idle.side) ??
    (stored === undefined ? undefined : lastActivityAt(stored, rule.idle.side)) ??
    timer.armedAt;
  const deadline = last + rule.idle.after;
  const warnAt = rule.warn === undefined ? undefined : deadline - rule.warn.before;

  if (timer.phase === 'warn' && rule.warn !== undefined && warnAt !== undefined) {
    if (now < warnAt) {
      await rearm(timer, 'warn', warnAt, deps);
      return;
    }
    // A late warning (closer was down) still gives the customer the promised time to answer.
    const closeAt = Math.max(deadline, now + rule.warn.before);
    if (isDryRun(rule, deps.rules().config)) {
      await deps.outcomes.record({
        conversationId: timer.conversationId,
        ruleId: rule.id,
        kind: 'dry-run',
        reason: 'would send the warning',
        details: { message: rule.warn.message, idleSince: new Date(last).toISOString() },
        at: now,
      });
    } else {
      const sent = await sendConversationMessage(
        genesys,
        timer.conversationId,
        rule.warn.message,
        live.conversation,
      );
      await deps.outcomes.record({
        conversationId: timer.conversationId,
        ruleId: rule.id,
        kind: sent.sent ? 'warned' : 'skipped',
        reason: sent.sent ? 'warning sent' : `warning not sent: ${sent.reason}`,
        details: sent.sent ? { messageId: sent.messageId, message: rule.warn.message } : {},
        at: now,
      });
    }
    await rearm(timer, 'close', closeAt, deps);
    return;
  }

  if (now < deadline) {
    const phase = warnAt !== undefined && now < warnAt ? 'warn' : 'close';
    await rearm(timer, phase, phase === 'warn' && warnAt !== undefined ? warnAt : deadline, deps);
    return;
  }
  await terminate(timer, rule, deps, last);
}

async function terminate(
  timer: Timer,
  rule: InactivityRule | EventRule,
  deps: FireTimerDeps,
  idleSince?: number,
): Promise<void> {
  const now = deps.clock.now();
  const close = rule.close;
  const trigger =
    rule.kind === 'event'
      ? { trigger: 'event', ...timer.data }
      : {
          trigger: 'inactivity',
          idleSince: idleSince === undefined ? undefined : new Date(idleSince).toISOString(),
        };
  const options = {
    ...(close.message === undefined ? {} : { message: close.message }),
    ...(close.leg === undefined ? {} : { leg: close.leg }),
    ...(close.wrapupCode === undefined ? {} : { wrapupCode: close.wrapupCode }),
  };
  if (isDryRun(rule, deps.rules().config)) {
    const preview = await endConversation(deps.genesys, timer.conversationId, {
      ...options,
      dryRun: true,
    });
    await deps.outcomes.record({
      conversationId: timer.conversationId,
      ruleId: rule.id,
      kind: preview.outcome === 'dry-run' ? 'dry-run' : preview.outcome,
      reason: preview.outcome === 'dry-run' ? 'would end the conversation' : preview.outcome,
      details: { ...trigger, ...options },
      at: now,
    });
    return;
  }
  const result = await endConversation(deps.genesys, timer.conversationId, options);
  const { outcome, conversationId: _id, ...rest } = result;
  await deps.outcomes.record({
    conversationId: timer.conversationId,
    ruleId: rule.id,
    kind: outcome,
    reason:
      outcome === 'terminated'
        ? `ended by rule ${rule.id}`
        : outcome === 'already-ended'
          ? 'nobody is connected any more'
          : outcome === 'not-found'
            ? 'Genesys does not know this conversation'
            : 'dry run',
    details: { ...trigger, ...rest },
    at: now,
  });
}

async function rearm(
  timer: Timer,
  phase: 'warn' | 'close',
  dueAt: number,
  deps: FireTimerDeps,
): Promise<void> {
  await deps.store.upsertTimer(
    { conversationId: timer.conversationId, ruleId: timer.ruleId, phase, dueAt },
    deps.clock.now(),
  );
}

function errorDetails(error: Error): Record<string, unknown> {
  if (error instanceof GenesysApiError) {
    return {
      code: error.code,
      status: error.status,
      missingPermissions: error.missingPermissions,
      ...(error.fix === undefined ? {} : { fix: error.fix }),
    };
  }
  return error instanceof CloserError ? { code: error.code } : {};
}

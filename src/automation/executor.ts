import type { Ending, StoreChanges, Timer } from '../store/store';
import type { TimerHandlerResult } from '../timers';
import type { Rule } from '../rules';
import { isDryRun } from '../rules';
import type { GenesysNotification } from '../tracking';
import type { ConversationState } from '../tracking/conversation-state';
import { decide, ON_DEMAND_RULE_ID, type Decision, type OnDemandRequest } from '../decide';
import { CloserError, coerceError } from '../errors';
import { asUrgent } from '../genesys';
import type { ExecutorDeps, FiringContext } from './executor-deps';
import { EventPlanner, skipOutcome, type Delivery, type WebhookDelivery } from './event-planner';

export type { Delivery, WebhookDelivery } from './event-planner';
import { liveUpdate, readLive, type LiveRead } from './live-read';
import { errorDetails, isPermanentFailure } from './error-details';
import { timerData } from './timer-data';
import { executeWarning } from './execute-warning';
import { executeAction } from './execute-action';
import { executeEnding, type EndingResult, type OnDemandOptions } from './execute-ending';
import { closeOfRecord, InFlightEndings, onDemandRecord } from './in-flight-endings';

/** Default {@link ExecutorDeps.onDemandRetryMs}: the default claim lease, 60 s. */
const DEFAULT_ON_DEMAND_RETRY_MS = 60_000;

/**
 * The one place that ACTS: it asks `decide()` what to do, then calls Genesys, writes state,
 * timers and outcomes (one store transaction per decision, through the recorder: audit events and
 * metrics included), and nothing else in closer does. Dry run is a mode of it, per rule.
 */
export class Executor {
  /** On-demand endings running now; a shutdown waits for them and defers the rest. */
  readonly inFlight: InFlightEndings;

  /** Planning from events (no Genesys calls); the inbox processor's handler. */
  readonly events: EventPlanner;

  constructor(private readonly deps: ExecutorDeps) {
    this.inFlight = new InFlightEndings(deps);
    this.events = new EventPlanner(deps);
  }

  /** See {@link EventPlanner.handleNotification}. */
  handleNotification(notification: GenesysNotification, delivery?: Delivery): Promise<boolean> {
    return this.events.handleNotification(notification, delivery);
  }

  /** See {@link EventPlanner.replan}. */
  replan(conversationId: string): Promise<boolean> {
    return this.events.replan(conversationId);
  }

  /** See {@link EventPlanner.handleWebhook}. */
  handleWebhook(event: WebhookDelivery): Promise<boolean> {
    return this.events.handleWebhook(event);
  }

  /**
   * A due timer: reads the live conversation (events lag; stored state is a hint), decides, acts.
   * Errors Genesys will answer the same way again are recorded as `failed` at once; transient ones
   * go back to the scheduler for a later attempt (which reads again first).
   */
  fireTimer(timer: Timer): Promise<TimerHandlerResult> {
    // The store's conversation lock: across every process sharing the database (PostgreSQL).
    return this.deps.store.lockConversation(timer.conversationId, () =>
      timer.ruleId === ON_DEMAND_RULE_ID ? this.fireOnDemand(timer) : this.fireTimerNow(timer),
    );
  }

  /**
   * An on-demand request's durable record came due: the request did not finish in the process
   * that took it (a shutdown cut it short, or it died). Completes it like a resumed ending: the
   * live read first (over already → recorded so, nothing sent), the claim resumed, no closing
   * message when one may already have gone out.
   */
  private async fireOnDemand(timer: Timer): Promise<TimerHandlerResult> {
    const { store, logger } = this.deps;
    const { conversationId } = timer;
    // The request itself may have finished meanwhile (under this same lock), removing its record.
    const armed = (await store.listTimers(conversationId)).some(
      (t) => t.ruleId === timer.ruleId && t.phase === timer.phase && t.dueAt === timer.dueAt,
    );
    if (!armed) {
      return { status: 'done' };
    }
    const close = closeOfRecord(timer.data);
    if (close === undefined) {
      logger.warn('on-demand record without a request dropped', { conversationId });
      return { status: 'done' };
    }
    const request: OnDemandRequest = { kind: 'on-demand', id: ON_DEMAND_RULE_ID, close };
    try {
      const { decision, live, state, ending } = await this.decideNow(
        conversationId,
        request,
        timer,
      );
      await this.settleOwnClaim(decision, conversationId, request.id, ending, false);
      await executeEnding(this.deps, decision, {
        conversationId,
        ruleId: request.id,
        live,
        state,
        dryRun: false,
        trigger: { deferred: true, requestedAt: new Date(timer.armedAt).toISOString() },
      });
      return { status: 'done' };
    } catch (thrown: unknown) {
      return this.failed(thrown, conversationId, request.id, timer.episode);
    }
  }

  private async fireTimerNow(timer: Timer): Promise<TimerHandlerResult> {
    const rule = this.config().rules.find((r) => r.id === timer.ruleId);
    try {
      const { decision, live, state, ending } = await this.decideNow(
        timer.conversationId,
        rule?.enabled === true ? rule : undefined,
        timer,
      );
      return await this.act(decision, {
        conversationId: timer.conversationId,
        rule,
        timer,
        live,
        state,
        ending,
      });
    } catch (thrown: unknown) {
      return this.failed(thrown, timer.conversationId, timer.ruleId, timer.episode);
    }
  }

  /**
   * An on-demand ending (HTTP API): one per episode like a rule's, recorded under `on-demand`.
   * Durable: the request is recorded (`onDemandRecord`) before closer acts and the record removed
   * with the outcome, so one a shutdown or a crash cuts short completes later instead of leaving a
   * closing message sent and the conversation open. A transient failure while running is recorded
   * `failed`, its claim released (keeping the closing message's intent, so no later ending repeats
   * the message), the record removed, and thrown.
   *
   * @throws InFlightEndingError `ENDING_DEFERRED` when a shutdown's bound came first (the record
   *   completes it at the next start), `SHUTTING_DOWN` when it came before it started.
   */
  endOnDemand(conversationId: string, options: OnDemandOptions): Promise<EndingResult> {
    // Someone is waiting for it: its Genesys requests go ahead of queued timer firings.
    return asUrgent(() => this.endOnDemandUrgently(conversationId, options));
  }

  private endOnDemandUrgently(
    conversationId: string,
    options: OnDemandOptions,
  ): Promise<EndingResult> {
    const { store, clock } = this.deps;
    if (options.dryRun === true) {
      return store.lockConversation(conversationId, () =>
        this.endOnDemandNow(conversationId, options.close, true),
      );
    }
    return this.inFlight.run(conversationId, (running) =>
      store.lockConversation(conversationId, async () => {
        if (this.inFlight.isAbandoned()) {
          // Its request was answered SHUTTING_DOWN while it waited for the lock: do nothing.
          throw new Error('abandoned by the shutdown before it started');
        }
        const now = clock.now();
        const stored = await store.getConversation(conversationId);
        const record = onDemandRecord(
          conversationId,
          options.close,
          stored?.episode ?? 1,
          now,
          this.deps.onDemandRetryMs ?? DEFAULT_ON_DEMAND_RETRY_MS,
        );
        await store.upsertTimer(record, now);
        running.record = record;
        try {
          return await this.endOnDemandNow(conversationId, options.close, false);
        } catch (thrown: unknown) {
          if (!this.inFlight.isAbandoned()) {
            // The request failed and its caller is told so: nothing is left to complete later.
            await store.cancelTimers(conversationId, ON_DEMAND_RULE_ID).catch((e: unknown) => {
              this.deps.logger.warn('on-demand record not removed after a failure', {
                conversationId,
                error: coerceError(e).message,
              });
            });
          }
          throw thrown;
        }
      }),
    );
  }

  /** The on-demand ending itself, under the conversation's lock. */
  private async endOnDemandNow(
    conversationId: string,
    close: OnDemandOptions['close'],
    dryRun: boolean,
  ): Promise<EndingResult> {
    const request: OnDemandRequest = { kind: 'on-demand', id: ON_DEMAND_RULE_ID, close };
    const { decision, live, state, ending } = await this.decideNow(
      conversationId,
      request,
      undefined,
    );
    await this.settleOwnClaim(decision, conversationId, request.id, ending, dryRun);
    const record = dryRun ? undefined : [{ conversationId, ruleId: request.id }];
    try {
      return await executeEnding(this.deps, decision, {
        conversationId,
        ruleId: request.id,
        live,
        state,
        dryRun,
        ...(record === undefined ? {} : { cancelTimers: record }),
      });
    } catch (thrown: unknown) {
      const error = coerceError(thrown);
      if (this.inFlight.isAbandoned()) {
        // Past the shutdown's bound: the claim and its message intent stay for the record.
        throw error;
      }
      const episode = state?.episode ?? 1;
      await this.deps.store.finishEnding(
        conversationId,
        episode,
        'released',
        this.deps.clock.now(),
      );
      await this.deps.recorder.commit({
        now: this.deps.clock.now(),
        ...(record === undefined ? {} : { cancelTimers: record }),
        outcomes: [
          {
            conversationId,
            ruleId: request.id,
            episode,
            kind: 'failed',
            reason: error.message,
            details: errorDetails(error),
            at: this.deps.clock.now(),
          },
        ],
      });
      throw error;
    }
  }

  /**
   * A decision other than `close` while this rule (or anyone, once the episode is over) still
   * holds the episode's ending claim: settle the claim so it never blocks the episode for good —
   * `ended` when the conversation is over (the lost-answer disconnect took effect), else
   * `released` (the rule is gone, disabled, no longer matches, or went dry-run: a dry-run `close`
   * acts on no claim).
   */
  private async settleOwnClaim(
    decision: Decision,
    conversationId: string,
    ruleId: string,
    ending: Ending | undefined,
    dryRun: boolean,
  ): Promise<void> {
    if (ending?.state !== 'claimed' || (decision.kind === 'close' && !dryRun)) {
      return;
    }
    const over = decision.kind === 'skip' && decision.outcome === 'already-ended';
    if (ending.ruleId !== ruleId && !over) {
      return;
    }
    await this.deps.store.finishEnding(
      conversationId,
      ending.episode,
      over ? 'ended' : 'released',
      this.deps.clock.now(),
    );
  }

  /** The scheduler gave up on a timer: record it, and free the episode's ending if it held it. */
  async giveUp(timer: Timer, reason: string): Promise<void> {
    const { store, clock } = this.deps;
    const ending = await store.getEnding(timer.conversationId, timer.episode);
    if (ending?.ruleId === timer.ruleId && ending.state === 'claimed') {
      await store.finishEnding(timer.conversationId, timer.episode, 'released', clock.now());
    }
    await this.deps.recorder.commit({
      now: clock.now(),
      outcomes: [
        {
          conversationId: timer.conversationId,
          ruleId: timer.ruleId,
          episode: timer.episode,
          kind: 'failed',
          reason: `gave up after ${timer.attempts + 1} attempts: ${reason}`,
          at: clock.now(),
        },
      ],
    });
  }

  private async decideNow(
    conversationId: string,
    rule: Rule | OnDemandRequest | undefined,
    timer: Timer | undefined,
  ): Promise<{
    decision: Decision;
    live: LiveRead | undefined;
    state: ConversationState | undefined;
    ending: Ending | undefined;
  }> {
    const { store, clock, genesys } = this.deps;
    const stored = await store.getConversation(conversationId);
    const live =
      rule === undefined ? undefined : await readLive(genesys, conversationId, stored, clock.now());
    const state = live?.found === true ? live.state : stored;
    const ending =
      state === undefined ? undefined : await store.getEnding(conversationId, state.episode);
    const decision = decide({
      mode: 'fire',
      state,
      rule,
      now: clock.now(),
      ...(timer === undefined ? {} : { timer }),
      ...(ending === undefined ? {} : { ending }),
      ...(live?.found === false ? { notFound: true } : {}),
    });
    return { decision, live, state, ending };
  }

  private async act(decision: Decision, ctx: FiringContext): Promise<TimerHandlerResult> {
    const { clock } = this.deps;
    const now = clock.now();
    const { conversationId, timer, live } = ctx;
    const dryRun = ctx.rule !== undefined && isDryRun(ctx.rule, this.config());
    await this.settleOwnClaim(decision, conversationId, timer.ruleId, ctx.ending, dryRun);
    const base: StoreChanges = { now, conversation: liveUpdate(conversationId, live) };
    switch (decision.kind) {
      case 'keep':
        await this.deps.recorder.commit(base);
        return { status: 'done' };
      case 'arm':
        await this.deps.recorder.commit({
          ...base,
          upsertTimers: [
            {
              conversationId,
              ruleId: timer.ruleId,
              phase: decision.phase,
              dueAt: decision.dueAt,
              episode: decision.episode,
              ...timerData(decision, timer.data),
            },
          ],
        });
        return { status: 'done' };
      case 'cancel':
        await this.deps.recorder.commit({
          ...base,
          cancelTimers: [{ conversationId, ruleId: timer.ruleId }],
        });
        return { status: 'done' };
      case 'skip':
        await this.deps.recorder.commit({
          ...base,
          outcomes: [
            skipOutcome(conversationId, timer.ruleId, decision, this.deps.clock.now(), timer.data),
          ],
        });
        return { status: 'done' };
      case 'warn':
        return executeWarning(this.deps, decision, ctx);
      case 'act':
        return executeAction(this.deps, decision, ctx);
      case 'close': {
        await executeEnding(this.deps, decision, {
          conversationId,
          ruleId: timer.ruleId,
          live,
          state: ctx.state,
          dryRun,
          ...(timer.data === undefined ? {} : { trigger: timer.data }),
        });
        return { status: 'done' };
      }
      default: {
        const unreachable: never = decision;
        return unreachable;
      }
    }
  }

  /** Records a permanent failure (403, impossible input) now; hands a transient one back. */
  private async failed(
    thrown: unknown,
    conversationId: string,
    ruleId: string,
    episode: number,
  ): Promise<TimerHandlerResult> {
    const error = coerceError(thrown);
    const permanent = isPermanentFailure(error);
    this.deps.logger.warn('timer firing failed', {
      conversationId,
      ruleId,
      error: error.message,
      code: error instanceof CloserError ? error.code : undefined,
      permanent,
    });
    if (!permanent) {
      return { status: 'retry', reason: error.message };
    }
    await this.deps.recorder.commit({
      now: this.deps.clock.now(),
      outcomes: [
        {
          conversationId,
          ruleId,
          episode,
          kind: 'failed',
          reason: error.message,
          details: errorDetails(error),
          at: this.deps.clock.now(),
        },
      ],
    });
    return { status: 'done' };
  }

  private config() {
    return this.deps.rules().config;
  }
}

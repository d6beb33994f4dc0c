import type { Logger } from '../observability/logger';
import { coerceError } from '../errors';
import type { Store } from '../store/store';
import type { EventPlanner } from './event-planner';

/** Conversations read per page of a replan pass. 200. */
const PAGE = 200;

/**
 * Re-plans every open tracked conversation under the rules in force: run when the rules change
 * (and at start, when the file may have changed while closer was down). Without it a new or
 * changed inactivity rule would reach a conversation only with its next event, so a quiet chat
 * would never get the new rule's timer. Passes are coalesced: a request during a pass asks for
 * one more pass after it. Safe beside event processing: a timer armed from a state that was
 * stale by then is re-decided from the fresh state when it fires.
 */
export class Replanner {
  private running: Promise<number> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly deps: {
      store: Pick<Store, 'listConversations'>;
      planner: Pick<EventPlanner, 'replan'>;
      logger: Logger;
    },
  ) {}

  /** Asks for a pass in the background (coalesced); failures are logged, the next pass retries. */
  request(): void {
    if (this.stopped) {
      return;
    }
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.loop()
      .catch((error: unknown) => {
        this.deps.logger.error('re-planning conversations under the new rules failed', {
          error: coerceError(error).message,
        });
        return 0;
      })
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Resolves when no pass is running (tests and `settle()`). */
  async idle(): Promise<void> {
    while (this.running !== undefined) {
      await this.running;
    }
  }

  /** Ends after the conversation being re-planned; later requests do nothing. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async loop(): Promise<number> {
    let changed = 0;
    do {
      this.again = false;
      changed += await this.pass();
    } while (this.askedAgain() && !this.stopped);
    return changed;
  }

  /** Read through a call: `request()` sets it across the awaits of a pass. */
  private askedAgain(): boolean {
    return this.again;
  }

  private async pass(): Promise<number> {
    let changed = 0;
    let seen = 0;
    let after = '';
    for (;;) {
      const page = await this.deps.store.listConversations(after, PAGE);
      for (const state of page) {
        if (this.stopped) {
          return changed;
        }
        if (state.endedAt === undefined && (await this.deps.planner.replan(state.conversationId))) {
          changed += 1;
        }
      }
      seen += page.length;
      const last = page[page.length - 1];
      if (last === undefined || page.length < PAGE) {
        break;
      }
      after = last.conversationId;
    }
    this.deps.logger.info('conversations re-planned under the rules in force', {
      scanned: seen,
      timersChanged: changed,
    });
    return changed;
  }
}

import { CloserError, coerceError, type ErrorAnswerTable } from '../errors';
import { ON_DEMAND_RULE_ID } from '../decide';
import type { CloseAction } from '../rules';
import type { Logger } from '../observability/logger';
import type { Store, Timer } from '../store/store';
import type { Clock } from '../timers/clock';
import { withinMs } from '../timers/within-ms';

/**
 * Codes of on-demand endings a shutdown cut short (503 with `Retry-After`: sending the request
 * again is safe — a repeat finds the conversation ended and sends nothing).
 */
export const IN_FLIGHT_ENDING_ERRORS = {
  /**
   * The shutdown bound came before the ending finished: it is recorded and completes at the next
   * start (or on another replica), with no second closing message.
   */
  ENDING_DEFERRED: { status: 503, retryable: true },
  /** closer was shutting down before the ending started: nothing was done; send it again. */
  SHUTTING_DOWN: { status: 503, retryable: true },
} as const satisfies ErrorAnswerTable;

/** An on-demand ending a shutdown cut short (see {@link IN_FLIGHT_ENDING_ERRORS}). */
export class InFlightEndingError extends CloserError {
  declare readonly code: keyof typeof IN_FLIGHT_ENDING_ERRORS;
}

/**
 * The durable record of an on-demand request while it runs: a timer of rule `on-demand` (phase
 * `event`, which inactivity planning leaves alone) holding the request. Written before closer acts
 * and removed with the outcome; if the process stops in between, the scheduler fires it — at
 * once after a graceful shutdown, after `retryMs` after a crash — and the ending completes then,
 * through the same confirming read and message intent as any resumed ending.
 */
export function onDemandRecord(
  conversationId: string,
  close: CloseAction,
  episode: number,
  requestedAt: number,
  retryMs: number,
): Timer {
  return {
    conversationId,
    ruleId: ON_DEMAND_RULE_ID,
    phase: 'event',
    dueAt: requestedAt + retryMs,
    episode,
    armedAt: requestedAt,
    attempts: 0,
    // `eventTime`: a re-threaded conversation's newer episode is not ended by an older request.
    data: { close: { ...close }, eventTime: requestedAt },
  };
}

/** The request an on-demand record holds, or undefined when the data is not one. */
export function closeOfRecord(data: Record<string, unknown> | undefined): CloseAction | undefined {
  const close = data?.close;
  if (typeof close !== 'object' || close === null || Array.isArray(close)) {
    return undefined;
  }
  const fields = close as Record<string, unknown>;
  const text = (key: string): string | undefined =>
    typeof fields[key] === 'string' ? fields[key] : undefined;
  const leg = text('leg');
  const message = text('message');
  const wrapupCode = text('wrapupCode');
  return {
    ...(message === undefined ? {} : { message }),
    ...(leg === 'customer' || leg === 'agent' ? { leg } : {}),
    ...(wrapupCode === undefined ? {} : { wrapupCode }),
  };
}

/** One on-demand ending running in this process. */
export interface InFlightEnding {
  readonly conversationId: string;
  /** Its durable record, once written (the ending may act only after that). */
  record?: Timer;
}

interface Entry extends InFlightEnding {
  done: Promise<unknown>;
  cutShort: (error: InFlightEndingError) => void;
}

/**
 * The on-demand endings running in this process, so a shutdown can wait for them and answer the
 * rest: {@link InFlightEndings.abandon} waits up to its bound, then makes each unfinished one's
 * record due now (it completes at the next start) and answers its request `ENDING_DEFERRED`.
 */
export class InFlightEndings {
  private readonly entries = new Set<Entry>();
  private abandoned = false;

  constructor(private readonly deps: { store: Store; clock: Clock; logger: Logger }) {}

  /**
   * True once {@link abandon} ran: nothing new starts, and failures are left to the records. (A
   * method, read afresh after each await.)
   */
  isAbandoned(): boolean {
    return this.abandoned;
  }

  /**
   * Runs `work` as an in-flight ending. Resolves or rejects with it, or rejects with an
   * {@link InFlightEndingError} when a shutdown abandons it first (the work goes on unanswered
   * until the process exits; its record completes it later).
   */
  run<T>(conversationId: string, work: (ending: InFlightEnding) => Promise<T>): Promise<T> {
    if (this.abandoned) {
      return Promise.reject(shuttingDown());
    }
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        conversationId,
        done: Promise.resolve(),
        cutShort: reject,
      };
      this.entries.add(entry);
      entry.done = work(entry)
        .then(resolve, reject)
        .finally(() => {
          this.entries.delete(entry);
        });
    });
  }

  /** How many endings are running now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Waits for the running endings, at most `waitMs` (real time), then abandons the rest: each
   * one's record is made due now (it completes at the next start, or on another replica), and its
   * request is answered `ENDING_DEFERRED` (`SHUTTING_DOWN` when it had not started). Returns how
   * many were deferred. Never throws (a record that cannot be updated still fires after its
   * retry delay).
   */
  async abandon(waitMs: number): Promise<number> {
    const running = [...this.entries].map((entry) => entry.done);
    await withinMs(Promise.all(running), waitMs);
    this.abandoned = true;
    const left = [...this.entries];
    const now = this.deps.clock.now();
    await Promise.all(
      left.map(async (entry) => {
        if (entry.record === undefined) {
          entry.cutShort(shuttingDown());
          return;
        }
        try {
          // Only the record as written: one the ending removed meanwhile is not brought back.
          await this.deps.store.retryTimer(entry.record, now);
        } catch (e: unknown) {
          this.deps.logger.warn(
            'on-demand ending record not made due now; it fires after its delay',
            {
              conversationId: entry.conversationId,
              dueAt: new Date(entry.record.dueAt).toISOString(),
              error: coerceError(e).message,
            },
          );
        }
        this.deps.logger.warn(
          'on-demand ending deferred by the shutdown; it completes at the next start',
          {
            conversationId: entry.conversationId,
          },
        );
        entry.cutShort(
          new InFlightEndingError(
            'ENDING_DEFERRED',
            'closer is shutting down before this ending finished: it is recorded and completes when closer starts again (no second closing message)',
            { details: { conversationId: entry.conversationId } },
          ),
        );
      }),
    );
    return left.length;
  }
}

function shuttingDown(): InFlightEndingError {
  return new InFlightEndingError(
    'SHUTTING_DOWN',
    'closer is shutting down and did not start this ending; send it again',
  );
}

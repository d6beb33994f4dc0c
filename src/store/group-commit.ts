/**
 * Group commit: writes submitted while the event loop is busy (e.g. by the intake requests whose
 * bodies arrived in the same I/O phase) are committed together in ONE transaction at the next
 * check phase (`setImmediate`), and each submitter's promise settles only after that transaction
 * committed, so "resolved" still means "durable". One commit per batch instead of one per request
 * is what makes durable intake cheap: the commit (SQLite), or the statement's round trip and the
 * server's work per statement (PostgreSQL), not the rows, is the expensive part.
 *
 * Inputs are applied in submission order (the same order separate transactions would have had).
 * If the batch transaction fails, each input is retried in its own transaction, in order, so a
 * failure caused by one input is reported to that submitter only.
 *
 * Store-agnostic: the commit functions may be synchronous (better-sqlite3: the whole batch is
 * committed inside `flush()`, before it returns) or return promises (pg). With asynchronous
 * commits, at most `maxInFlight` batches are committing at once; what is submitted meanwhile waits
 * and goes into the next batch, so batches grow with the load instead of queueing statements.
 */
export interface GroupCommitOptions {
  /** Batches committing at the same time, at most. Default 1. */
  maxInFlight?: number;
  /** Inputs in one batch, at most (the rest go into the next). Default: no limit. */
  maxBatch?: number;
}

interface Entry<I, R> {
  input: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

export class GroupCommit<I, R> {
  private queue: Entry<I, R>[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private inFlight = 0;
  /** Batches started and not yet settled (what `flush()` waits for). */
  private readonly committing = new Set<Promise<void>>();
  private readonly maxInFlight: number;
  private readonly maxBatch: number;

  /**
   * @param commitAll applies every input in one transaction; returns one result per input, in order.
   * @param commitOne applies one input in its own transaction (a batch of one, and the fallback
   *   after a failed batch).
   */
  constructor(
    private readonly commitAll: (inputs: I[]) => R[] | Promise<R[]>,
    private readonly commitOne: (input: I) => R | Promise<R>,
    options: GroupCommitOptions = {},
  ) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
    this.maxBatch = Math.max(1, options.maxBatch ?? Number.POSITIVE_INFINITY);
  }

  /** Queues `input` for the next group commit; resolves with its result once committed. */
  submit(input: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Starts committing everything queued now, whatever is in flight (used before the database
   * closes); resolves once every batch started so far has settled. With synchronous commit
   * functions the queued inputs are committed when this returns.
   */
  flush(): Promise<void> {
    this.cancelScheduled();
    while (this.queue.length > 0) {
      this.start();
    }
    return Promise.all([...this.committing]).then(() => undefined);
  }

  /** A commit at the next check phase, if anything waits and a batch may start. */
  private schedule(): void {
    if (this.scheduled === undefined && this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      this.scheduled = setImmediate(() => {
        this.scheduled = undefined;
        while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
          this.start();
        }
      });
    }
  }

  private cancelScheduled(): void {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
  }

  /** Takes the next batch off the queue and commits it. */
  private start(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    const done = this.commit(batch);
    this.committing.add(done);
    void done.then(() => this.committing.delete(done));
  }

  /**
   * Commits `batch` and settles its entries; never rejects. Synchronous commit functions are
   * called without an `await` between them, so such a batch is done when this returns.
   */
  private async commit(batch: Entry<I, R>[]): Promise<void> {
    this.inFlight += 1;
    try {
      if (batch.length > 1) {
        let results: R[] | undefined;
        try {
          const all = this.commitAll(batch.map((entry) => entry.input));
          results = isPromiseLike(all) ? await all : all;
        } catch {
          // Retried one by one below: only the inputs that fail alone are rejected.
        }
        if (results !== undefined) {
          batch.forEach((entry, index) => {
            entry.resolve(results[index] as R);
          });
          return;
        }
      }
      for (const entry of batch) {
        try {
          const one = this.commitOne(entry.input);
          entry.resolve(isPromiseLike(one) ? await one : one);
        } catch (e: unknown) {
          entry.reject(e);
        }
      }
    } finally {
      this.inFlight -= 1;
      this.schedule();
    }
  }
}

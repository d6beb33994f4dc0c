/**
 * Group commit: writes submitted while the event loop is busy (e.g. by the intake requests whose
 * bodies arrived in the same I/O phase) are committed together in ONE transaction at the next
 * check phase (`setImmediate`), and each submitter's promise settles only after that transaction
 * committed, so "resolved" still means "durable". One commit per batch instead of one per request
 * is what makes durable intake cheap: the commit, not the insert, is the expensive part.
 *
 * Inputs are applied in submission order (the same order separate transactions would have had).
 * If the batch transaction fails, each input is retried in its own transaction, so a failure
 * caused by one input is reported to that submitter only.
 */
export class GroupCommit<I, R> {
  private queue: { input: I; resolve: (result: R) => void; reject: (error: unknown) => void }[] =
    [];
  private scheduled: NodeJS.Immediate | undefined;

  /**
   * @param commitAll applies every input in one transaction; returns one result per input, in order.
   * @param commitOne applies one input in its own transaction (the fallback after a failed batch).
   */
  constructor(
    private readonly commitAll: (inputs: I[]) => R[],
    private readonly commitOne: (input: I) => R,
  ) {}

  /** Queues `input` for the next group commit; resolves with its result once committed. */
  submit(input: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.scheduled ??= setImmediate(() => {
        this.flush();
      });
    });
  }

  /** Commits everything queued now (also called before the database closes). */
  flush(): void {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) {
      return;
    }
    if (batch.length > 1) {
      let results: R[] | undefined;
      try {
        results = this.commitAll(batch.map((entry) => entry.input));
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
        entry.resolve(this.commitOne(entry.input));
      } catch (e: unknown) {
        entry.reject(e);
      }
    }
  }
}

import { GroupCommit } from '../../../src/store/group-commit';

/** A GroupCommit over numbers that records every transaction it was asked to run. */
function recorder(failOn?: number) {
  const transactions: number[][] = [];
  const apply = (n: number): string => {
    if (n === failOn) {
      throw new Error(`bad input ${n}`);
    }
    return `ok ${n}`;
  };
  const group = new GroupCommit<number, string>(
    (inputs) => {
      transactions.push([...inputs]);
      return inputs.map(apply);
    },
    (input) => {
      transactions.push([input]);
      return apply(input);
    },
  );
  return { group, transactions };
}

describe('GroupCommit', () => {
  it('commits submissions of the same turn in one transaction, results in submission order', async () => {
    const { group, transactions } = recorder();
    const results = await Promise.all([group.submit(1), group.submit(2), group.submit(3)]);
    expect(results).toEqual(['ok 1', 'ok 2', 'ok 3']);
    expect(transactions).toEqual([[1, 2, 3]]);
  });

  it('does not commit before the check phase, and settles no promise before the commit', async () => {
    const { group, transactions } = recorder();
    let settled = false;
    const pending = group.submit(7).then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(transactions).toEqual([]);
    expect(settled).toBe(false);
    await pending;
    expect(transactions).toEqual([[7]]);
  });

  it('commits later turns in later transactions', async () => {
    const { group, transactions } = recorder();
    await group.submit(1);
    await Promise.all([group.submit(2), group.submit(3)]);
    expect(transactions).toEqual([[1], [2, 3]]);
  });

  it('after a failed batch retries each input alone and rejects only the one that fails', async () => {
    const { group, transactions } = recorder(2);
    const results = await Promise.allSettled([group.submit(1), group.submit(2), group.submit(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: new Error('bad input 2') });
    expect(transactions).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('flush() commits what is queued at once (used before the database closes)', async () => {
    const { group, transactions } = recorder();
    const both = Promise.all([group.submit(4), group.submit(5)]);
    void group.flush();
    expect(transactions).toEqual([[4, 5]]);
    await expect(both).resolves.toEqual(['ok 4', 'ok 5']);
    void group.flush();
    expect(transactions).toHaveLength(1);
  });
});

/** One turn of the event loop (past the next check phase). */
const turn = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

/** A GroupCommit whose commits are asynchronous and finish only when the test says so. */
function asyncRecorder(options: { maxInFlight?: number; maxBatch?: number } = {}) {
  const transactions: number[][] = [];
  const open: (() => void)[] = [];
  const commit = <T>(inputs: number[], result: () => T): Promise<T> => {
    transactions.push([...inputs]);
    return new Promise<undefined>((resolve) => {
      open.push(() => {
        resolve(undefined);
      });
    }).then(result);
  };
  const apply = (n: number): string => {
    if (n < 0) {
      throw new Error(`bad input ${n}`);
    }
    return `ok ${n}`;
  };
  const group = new GroupCommit<number, string>(
    (inputs) => commit(inputs, () => inputs.map(apply)),
    (input) => commit([input], () => apply(input)),
    options,
  );
  /** Lets the oldest open commit finish, and the next batch (if any) start. */
  const finishOne = async (): Promise<void> => {
    open.shift()?.();
    // The commit settles in microtasks, then schedules the next batch for the check phase.
    await turn();
    await turn();
  };
  return { group, transactions, open, finishOne };
}

describe('GroupCommit with asynchronous commits (PostgreSQL)', () => {
  it('batches what arrives while a batch commits into the next one, one batch at a time', async () => {
    const { group, transactions, finishOne } = asyncRecorder();
    const settled: string[] = [];
    const track = (p: Promise<string>) => p.then((r) => settled.push(r));
    const first = track(group.submit(1));
    await turn();
    expect(transactions).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => track(group.submit(n)));
    await turn();
    // Still one batch in flight: 2, 3 and 4 wait, and nothing has settled before its commit.
    expect(transactions).toEqual([[1]]);
    expect(settled).toEqual([]);
    await finishOne();
    await first;
    expect(settled).toEqual(['ok 1']);
    expect(transactions).toEqual([[1], [2, 3, 4]]);
    await finishOne();
    await Promise.all(later);
    expect(settled).toEqual(['ok 1', 'ok 2', 'ok 3', 'ok 4']);
  });

  it('starts up to maxInFlight batches and caps a batch at maxBatch inputs', async () => {
    const { group, transactions, finishOne } = asyncRecorder({ maxInFlight: 2, maxBatch: 2 });
    const all = Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n)));
    await turn();
    expect(transactions).toEqual([
      [1, 2],
      [3, 4],
    ]);
    await finishOne();
    expect(transactions).toEqual([[1, 2], [3, 4], [5]]);
    await finishOne();
    await finishOne();
    await expect(all).resolves.toEqual(['ok 1', 'ok 2', 'ok 3', 'ok 4', 'ok 5']);
  });

  it('after a failed batch retries each input alone, in order, rejecting only the bad one', async () => {
    const { group, transactions, open } = asyncRecorder();
    const results = Promise.allSettled([group.submit(1), group.submit(-2), group.submit(3)]);
    // Finish every commit as it is asked for.
    const pump = setInterval(() => {
      open.shift()?.();
    }, 1);
    try {
      const settled = await results;
      expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(settled[1]).toMatchObject({ reason: new Error('bad input -2') });
      expect(transactions).toEqual([[1, -2, 3], [1], [-2], [3]]);
    } finally {
      clearInterval(pump);
    }
  });

  it('flush() starts what is queued even with a batch in flight, and waits for both', async () => {
    const { group, transactions, open } = asyncRecorder();
    const first = group.submit(1);
    await turn();
    const second = group.submit(2);
    let flushed = false;
    const flushing = group.flush().then(() => {
      flushed = true;
    });
    expect(transactions).toEqual([[1], [2]]);
    open.shift()?.();
    await first;
    await turn();
    expect(flushed).toBe(false);
    open.shift()?.();
    await flushing;
    await expect(second).resolves.toBe('ok 2');
  });
});

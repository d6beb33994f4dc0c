import { GroupCommit } from '../../../src/store/sqlite/group-commit';

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
    group.flush();
    expect(transactions).toEqual([[4, 5]]);
    await expect(both).resolves.toEqual(['ok 4', 'ok 5']);
    group.flush();
    expect(transactions).toHaveLength(1);
  });
});

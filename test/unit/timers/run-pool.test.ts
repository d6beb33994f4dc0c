import { runPool } from '../../../src/timers/run-pool';

async function tick(): Promise<void> {
  await new Promise<void>((resolve) => {
    setImmediate(resolve);
  });
}

describe('runPool', () => {
  it('runs every item with at most `concurrency` at once', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await runPool([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      running -= 1;
      done.push(item);
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('finishes the other items when one throws, then rethrows the first error', async () => {
    const done: number[] = [];
    const run = runPool([1, 2, 3], 1, (item) => {
      if (item === 2) {
        return Promise.reject(new Error('item 2'));
      }
      done.push(item);
      return Promise.resolve();
    });
    await expect(run).rejects.toThrow('item 2');
    expect(done).toEqual([1, 3]);
  });

  it('does nothing for no items and treats concurrency < 1 as 1', async () => {
    const seen: number[] = [];
    await runPool([], 4, () => Promise.reject(new Error('never')));
    await runPool([1, 2], 0, (item) => {
      seen.push(item);
      return Promise.resolve();
    });
    expect(seen).toEqual([1, 2]);
  });
});

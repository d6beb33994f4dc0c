/**
 * Runs async work one at a time per key (a conversation id): a timer firing, an on-demand
 * request and a second timer of the same conversation never act on it at once, so each sees
 * what the previous one wrote (its ending claim, its closing message). In-process: one closer
 * owns a SQLite file; replicas on a shared database need the database's own locks.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
      }
    }
  }
}

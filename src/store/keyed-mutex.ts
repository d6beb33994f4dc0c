/**
 * Runs async work one at a time per key (a conversation id), in this process: each piece of work
 * starts after the previous one for the same key settled, so it sees what that one wrote. The
 * SQLite store's `lockConversation` (one process owns the file); the PostgreSQL store puts it in
 * front of the database lock, so one process holds at most one connection per key.
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

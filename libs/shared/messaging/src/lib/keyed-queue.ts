/**
 * Runs tasks one at a time per key, and tasks of different keys side by side. A consumer that reads
 * several topics gets one integration's events from several partitions at once; queueing them by
 * integration id keeps that integration's handling sequential (one writer per document, which FerretDB
 * 1.x needs) while other integrations go on in parallel.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running work (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}

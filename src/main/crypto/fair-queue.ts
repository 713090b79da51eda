/**
 * A FIFO per source, served in turn (round robin): the next item comes from the source after the
 * one served last, so a source with a hundred items queued delays another source's one item by at
 * most one item per busy source, not by a hundred. The doctor queues handshake crypto by source
 * address, so many handshakes from a few addresses cannot starve a newcomer from elsewhere.
 *
 * Items pushed with the same `batch` (the operations one handshake step starts together) are
 * served back to back once their source's turn comes. Strict item-by-item turns would make every
 * step wait a full round per item: in a storm of a thousand handshakes each started four
 * operations, every one finished only after three rounds, all at about the same late moment,
 * and most missed their deadline. A batch is one step of one connection, so it is short.
 */
interface Entry<T> {
  item: T;
  batch: object | undefined;
}

export class FairQueue<T> {
  private readonly bySource = new Map<string, Entry<T>[]>();
  private count = 0;
  /** The source served last and the batch of that item: its next item of the same batch goes next. */
  private last: { source: string; batch: object } | null = null;

  get length(): number {
    return this.count;
  }

  push(source: string, item: T, batch?: object): void {
    const entry = { item, batch };
    const queue = this.bySource.get(source);
    if (queue) queue.push(entry);
    else this.bySource.set(source, [entry]);
    this.count++;
  }

  /** The next item: the rest of the batch just served, else from the source whose turn it is (Map order: served sources move last). */
  shift(): T | undefined {
    const last = this.last;
    if (last) {
      const queue = this.bySource.get(last.source);
      if (queue && queue[0]?.batch === last.batch) return this.take(last.source, queue);
    }
    for (const [source, queue] of this.bySource) return this.take(source, queue);
    return undefined;
  }

  /** The rest of the batch just served (the items next in its source's queue with its batch), taken off the queue. */
  takeBatchRest(): T[] {
    const rest: T[] = [];
    const last = this.last;
    if (!last) return rest;
    for (let queue = this.bySource.get(last.source); queue && queue[0]?.batch === last.batch; queue = this.bySource.get(last.source)) {
      rest.push(this.take(last.source, queue)!);
    }
    return rest;
  }

  private take(source: string, queue: Entry<T>[]): T | undefined {
    const entry = queue.shift();
    this.bySource.delete(source);
    if (queue.length > 0) this.bySource.set(source, queue);
    if (!entry) return undefined;
    this.count--;
    this.last = entry.batch ? { source, batch: entry.batch } : null;
    return entry.item;
  }

  /** Removes one item; false when it was not queued. */
  remove(item: T): boolean {
    for (const [source, queue] of this.bySource) {
      const at = queue.findIndex((e) => e.item === item);
      if (at < 0) continue;
      queue.splice(at, 1);
      if (queue.length === 0) this.bySource.delete(source);
      this.count--;
      return true;
    }
    return false;
  }

  /** Empties the queue, returning what it held. */
  drain(): T[] {
    const all = [...this.bySource.values()].flat().map((e) => e.item);
    this.bySource.clear();
    this.count = 0;
    this.last = null;
    return all;
  }
}

/**
 * A FIFO per source, served in turn (round robin): the next item comes from the source after the
 * one served last, so a source with a hundred items queued delays another source's one item by at
 * most one item per busy source, not by a hundred. The doctor queues handshake crypto by source
 * address, so many handshakes from a few addresses cannot starve a newcomer from elsewhere.
 */
export class FairQueue<T> {
  private readonly bySource = new Map<string, T[]>();
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(source: string, item: T): void {
    const queue = this.bySource.get(source);
    if (queue) queue.push(item);
    else this.bySource.set(source, [item]);
    this.count++;
  }

  /** The next item, from the source whose turn it is (Map order: served sources move last). */
  shift(): T | undefined {
    for (const [source, queue] of this.bySource) {
      const item = queue.shift();
      this.bySource.delete(source);
      if (queue.length > 0) this.bySource.set(source, queue);
      if (item !== undefined) {
        this.count--;
        return item;
      }
    }
    return undefined;
  }

  /** Removes one item; false when it was not queued. */
  remove(item: T): boolean {
    for (const [source, queue] of this.bySource) {
      const at = queue.indexOf(item);
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
    const all = [...this.bySource.values()].flat();
    this.bySource.clear();
    this.count = 0;
    return all;
  }
}

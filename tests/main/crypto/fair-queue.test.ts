import { describe, expect, it } from 'vitest';
import { FairQueue } from '../../../src/main/crypto/fair-queue.js';

describe('FairQueue', () => {
  it('serves sources in turn, each in its own order', () => {
    const q = new FairQueue<string>();
    for (let i = 1; i <= 4; i++) q.push('flood', `f${i}`);
    q.push('newcomer', 'n1');
    q.push('flood', 'f5');
    q.push('other', 'o1');
    const order: string[] = [];
    for (let item = q.shift(); item !== undefined; item = q.shift()) order.push(item);
    expect(order).toEqual(['f1', 'n1', 'o1', 'f2', 'f3', 'f4', 'f5']);
    expect(q.length).toBe(0);
  });

  it("serves one batch (a handshake step's operations) back to back, and still takes turns between batches", () => {
    const q = new FairQueue<string>();
    const [a1, b1, a2] = [{}, {}, {}];
    for (const item of ['a1-verify', 'a1-decrypt', 'a1-mask']) q.push('a', item, a1);
    for (const item of ['b1-verify', 'b1-decrypt']) q.push('b', item, b1);
    q.push('a', 'a2-verify', a2); // the same source's next step waits for b's turn
    q.push('c', 'c-alone');
    const order: string[] = [];
    for (let item = q.shift(); item !== undefined; item = q.shift()) order.push(item);
    expect(order).toEqual(['a1-verify', 'a1-decrypt', 'a1-mask', 'b1-verify', 'b1-decrypt', 'c-alone', 'a2-verify']);
  });

  it('hands over the rest of the batch just served, and nothing of another batch', () => {
    const q = new FairQueue<string>();
    const [a1, a2] = [{}, {}];
    for (const item of ['a1-verify', 'a1-decrypt', 'a1-mask']) q.push('a', item, a1);
    q.push('a', 'a2-verify', a2);
    q.push('b', 'b-alone');
    expect(q.takeBatchRest()).toEqual([]); // nothing served yet
    expect(q.shift()).toBe('a1-verify');
    expect(q.takeBatchRest()).toEqual(['a1-decrypt', 'a1-mask']);
    expect(q.length).toBe(2);
    expect(q.takeBatchRest()).toEqual([]);
    expect(q.shift()).toBe('b-alone'); // turns go on as before
    expect(q.shift()).toBe('a2-verify');
  });

  it('removes a queued item and drains the rest', () => {
    const q = new FairQueue<number>();
    q.push('a', 1);
    q.push('b', 2);
    q.push('a', 3);
    expect(q.remove(2)).toBe(true);
    expect(q.remove(2)).toBe(false);
    expect(q.length).toBe(2);
    expect(q.drain().sort()).toEqual([1, 3]);
    expect(q.shift()).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/main/store/index.js';
import { T0, expectStoreError, testStore, track } from './helpers.js';

const MIN = 60_000;

describe('blocks', () => {
  it('blocks until an absolute expiry and lapses when the clock passes it', () => {
    const { store, clock } = testStore();
    const entry = store.blocks.block('p1', 'bad signature', T0 + 2 * MIN);
    expect(entry).toEqual({ id: 'p1', reason: 'bad signature', note: null, blockedAt: T0, expiresAt: T0 + 2 * MIN });
    expect(store.blocks.active('p1')).toEqual(entry);
    clock.advance(2 * MIN - 1);
    expect(store.blocks.active('p1')).toEqual(entry);
    clock.advance(1); // now === expiresAt: lapsed
    expect(store.blocks.active('p1')).toBeUndefined();
    expect(store.blocks.list()).toEqual([]);
  });

  it('survives closing and reopening the store', () => {
    const { store, clock, dataDir } = testStore();
    store.blocks.block('p1', 'replayed nonce', T0 + 5 * MIN);
    store.close();
    clock.advance(MIN);
    const reopened = track(openStore(dataDir, { now: clock.now }));
    expect(reopened.blocks.active('p1')?.expiresAt).toBe(T0 + 5 * MIN);
    clock.advance(4 * MIN);
    expect(reopened.blocks.active('p1')).toBeUndefined();
  });

  it('lets a later expiry extend a block but never lets a shorter one cut it', () => {
    const { store, clock } = testStore();
    store.blocks.block('p1', 'stale timestamp', T0 + 10 * MIN);
    clock.advance(MIN);
    const shorter = store.blocks.block('p1', 'bad verifier', T0 + 3 * MIN);
    expect(shorter).toEqual({ id: 'p1', reason: 'stale timestamp', note: null, blockedAt: T0, expiresAt: T0 + 10 * MIN });
    const longer = store.blocks.block('p1', 'blocked by the doctor', T0 + 60 * MIN);
    expect(longer).toEqual({ id: 'p1', reason: 'blocked by the doctor', note: null, blockedAt: T0, expiresAt: T0 + 60 * MIN });
    expect(store.blocks.active('p1')).toEqual(longer);
  });

  it('treats a block over a lapsed one as new', () => {
    const { store, clock } = testStore();
    store.blocks.block('p1', 'first', T0 + MIN);
    clock.advance(5 * MIN);
    const again = store.blocks.block('p1', 'second', T0 + 6 * MIN);
    expect(again).toEqual({ id: 'p1', reason: 'second', note: null, blockedAt: T0 + 5 * MIN, expiresAt: T0 + 6 * MIN });
  });

  it("keeps the doctor's note apart from the reason, cleaned, and replaced only by a longer block", () => {
    const { store, clock, dataDir } = testStore();
    const entry = store.blocks.block('p1', 'blocked by the doctor', T0 + 10 * MIN, 'shouted at\u001b[2J staff \u202Eevil');
    expect(entry).toMatchObject({ reason: 'blocked by the doctor', note: 'shouted at\uFFFD[2J staff \uFFFDevil' });
    expect(store.blocks.block('p1', 'blocked by the doctor', T0 + 5 * MIN, 'later, shorter').note).toBe(entry.note);
    clock.advance(MIN);
    expect(store.blocks.block('p1', 'blocked by the doctor', T0 + 20 * MIN).note).toBeNull();
    expect(store.blocks.block('p2', 'r', T0 + 2 * MIN, '').note).toBeNull();
    expect(() => store.blocks.block('p3', 'r', T0 + 2 * MIN, 'x'.repeat(201))).toThrow(/note/);
    store.blocks.block('p4', 'r', T0 + 30 * MIN, 'missed three appointments');
    store.close();
    const reopened = track(openStore(dataDir, { now: clock.now }));
    expect(reopened.blocks.active('p4')).toMatchObject({ reason: 'r', note: 'missed three appointments' });
  });

  it('lists active blocks soonest expiry first', () => {
    const { store, clock } = testStore();
    store.blocks.block('late', 'r', T0 + 30 * MIN);
    store.blocks.block('gone', 'r', T0 + MIN);
    store.blocks.block('soon', 'r', T0 + 5 * MIN);
    expect(store.blocks.list().map((b) => b.id)).toEqual(['gone', 'soon', 'late']);
    clock.advance(2 * MIN);
    expect(store.blocks.list().map((b) => b.id)).toEqual(['soon', 'late']);
  });

  it('unblocks, saying whether an active block was lifted', () => {
    const { store, clock } = testStore();
    store.blocks.block('p1', 'r', T0 + MIN);
    store.blocks.block('p2', 'r', T0 + MIN);
    expect(store.blocks.unblock('p1')).toBe(true);
    expect(store.blocks.active('p1')).toBeUndefined();
    expect(store.blocks.unblock('p1')).toBe(false);
    clock.advance(MIN);
    expect(store.blocks.unblock('p2')).toBe(false); // had lapsed already
  });

  it('purges lapsed rows only', () => {
    const { store, clock } = testStore();
    store.blocks.block('a', 'r', T0 + MIN);
    store.blocks.block('b', 'r', T0 + 2 * MIN);
    store.blocks.block('c', 'r', T0 + 3 * MIN);
    clock.advance(2 * MIN);
    expect(store.blocks.purgeExpired()).toBe(2);
    expect(store.blocks.purgeExpired()).toBe(0);
    expect(store.blocks.list().map((b) => b.id)).toEqual(['c']);
  });

  it('validates its inputs', () => {
    const { store } = testStore();
    expectStoreError(() => store.blocks.block('p 1', 'r', T0 + MIN), 'BAD_INPUT', /^blocks\.block: id must be 1 to 64 letters/);
    expectStoreError(() => store.blocks.block('p1', 'r', T0), 'BAD_INPUT', /later than now/);
    expectStoreError(() => store.blocks.block('p1', 'r', Number.POSITIVE_INFINITY), 'BAD_INPUT', /expiresAt/);
    expectStoreError(() => store.blocks.block('p1', 'r', T0 + 0.5), 'BAD_INPUT', /expiresAt/);
    expectStoreError(() => store.blocks.block('p1', 'x'.repeat(201), T0 + MIN), 'BAD_INPUT', /reason/);
    expectStoreError(() => store.blocks.active(''), 'BAD_INPUT');
    expect(store.blocks.list()).toEqual([]);
  });
});

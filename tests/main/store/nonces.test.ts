import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/main/store/index.js';
import { ManualClock, expectStoreError, testStore, track } from './helpers.js';

describe('nonces', () => {
  it('keeps a nonce until it expires, across a reopen, and purges it after', () => {
    const { store, clock, dataDir } = testStore();
    store.nonces.add('alice 0123', clock.t + 5_000);
    store.nonces.add('bob 4567', clock.t + 1_000);
    store.close();
    const again = track(openStore(dataDir, { now: clock.now }));
    expect(again.nonces.live().map((n) => n.key)).toEqual(['bob 4567', 'alice 0123']);
    clock.advance(2_000);
    expect(again.nonces.live().map((n) => n.key)).toEqual(['alice 0123']);
    expect(again.nonces.purgeExpired()).toBe(1);
    clock.advance(10_000);
    expect(again.nonces.live()).toEqual([]);
  });

  it('keeps the later expiry when a nonce is added twice, and refuses bad input', () => {
    const { store, clock } = testStore(new ManualClock());
    store.nonces.add('k', clock.t + 1_000);
    store.nonces.add('k', clock.t + 500);
    expect(store.nonces.live()).toEqual([{ key: 'k', expiresAt: clock.t + 1_000 }]);
    expectStoreError(() => store.nonces.add('', clock.t), 'BAD_INPUT');
    expectStoreError(() => store.nonces.add('x'.repeat(161), clock.t), 'BAD_INPUT');
  });
});

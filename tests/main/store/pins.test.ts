import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/main/store/index.js';
import { T0, expectStoreError, testStore, track } from './helpers.js';

const KEY_A = JSON.stringify({ p: 'ff', g: '2', y: '3' });
const KEY_B = JSON.stringify({ p: 'ff', g: '2', y: '5' });

describe('pins', () => {
  it('pins a first key and re-confirms the same one, moving lastSeen', () => {
    const { store, clock } = testStore();
    const first = store.pins.pin('doctor', '1111 2222', KEY_A);
    expect(first).toEqual({ peerId: 'doctor', keyFingerprint: '1111 2222', publicKey: KEY_A, firstSeen: T0, lastSeen: T0 });
    clock.advance(5000);
    expect(store.pins.pin('doctor', '1111 2222', KEY_A)).toEqual({ ...first, lastSeen: T0 + 5000 });
    expect(store.pins.get('doctor')?.lastSeen).toBe(T0 + 5000);
  });

  it('refuses a different key with PIN_CONFLICT and keeps the pinned one', () => {
    const { store, clock } = testStore();
    store.pins.pin('p1', 'aaaa', KEY_A);
    clock.advance(1000);
    expectStoreError(() => store.pins.pin('p1', 'bbbb', KEY_B), 'PIN_CONFLICT', /bbbb.*aaaa.*until a person accepts/);
    expect(store.pins.get('p1')).toEqual({ peerId: 'p1', keyFingerprint: 'aaaa', publicKey: KEY_A, firstSeen: T0, lastSeen: T0 });
  });

  it('replaces the pin when a person accepts the new key', () => {
    const { store, clock } = testStore();
    store.pins.pin('p1', 'aaaa', KEY_A);
    clock.advance(1000);
    const accepted = store.pins.replace('p1', 'bbbb', KEY_B);
    expect(accepted).toEqual({ peerId: 'p1', keyFingerprint: 'bbbb', publicKey: KEY_B, firstSeen: T0 + 1000, lastSeen: T0 + 1000 });
    expect(store.pins.pin('p1', 'bbbb', KEY_B).keyFingerprint).toBe('bbbb');
    expectStoreError(() => store.pins.pin('p1', 'aaaa', KEY_A), 'PIN_CONFLICT');
  });

  it('accepts a known_hosts-style peer id: id@host:port/group', () => {
    const { store } = testStore();
    const peerId = `dr-house@[fe80::1%eth0]:7000/${'ab'.repeat(16)}`;
    store.pins.pin(peerId, '12345 67890 12345 67890 12345 67890', KEY_A);
    expect(store.pins.get(peerId)?.keyFingerprint).toBe('12345 67890 12345 67890 12345 67890');
  });

  it('touches, lists in id order, removes, and persists', () => {
    const { store, clock, dataDir } = testStore();
    store.pins.pin('zed', 'zz', KEY_A);
    store.pins.pin('amy', 'aa', KEY_B);
    clock.advance(60_000);
    store.pins.touch('zed');
    expectStoreError(() => store.pins.touch('nobody'), 'NOT_FOUND');
    expect(store.pins.list().map((p) => [p.peerId, p.lastSeen])).toEqual([
      ['amy', T0],
      ['zed', T0 + 60_000],
    ]);
    store.pins.remove('amy');
    store.pins.remove('amy'); // idempotent
    store.close();
    const reopened = track(openStore(dataDir, { now: clock.now }));
    expect(reopened.pins.list().map((p) => p.peerId)).toEqual(['zed']);
  });

  it('validates its inputs', () => {
    const { store } = testStore();
    expectStoreError(() => store.pins.pin('p 1', 'aa', KEY_A), 'BAD_INPUT', /^pins\.pin: peerId/);
    expectStoreError(() => store.pins.pin('p"1', 'aa', KEY_A), 'BAD_INPUT', /peerId/);
    expectStoreError(() => store.pins.pin('x'.repeat(513), 'aa', KEY_A), 'BAD_INPUT', /peerId/);
    expectStoreError(() => store.pins.pin('p1', '', KEY_A), 'BAD_INPUT', /keyFingerprint/);
    expectStoreError(() => store.pins.pin('p1', 'aa\n', KEY_A), 'BAD_INPUT', /keyFingerprint/);
    expectStoreError(() => store.pins.pin('p1', 'aa', ''), 'BAD_INPUT', /publicKey/);
    expectStoreError(() => store.pins.replace('p1', 'aa', 'x'.repeat(16_385)), 'BAD_INPUT', /^pins\.replace: publicKey/);
    expect(store.pins.list()).toEqual([]);
  });
});

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/main/store/index.js';
import { T0, expectStoreError, testStore, track } from './helpers.js';

// A made-up 2048-bit number: the store keeps public keys, it does not validate groups.
const P = (1n << 2047n) + 12345n * 2n + 1n;
const KEY = { groupId: 'ffdhe2048', p: P, g: 2n, y: P - 12345678901234567890n, createdAt: T0 };

describe('ownKeys', () => {
  it('stores public keys and reads the bigints back exactly, across a reopen', () => {
    const { store, dataDir } = testStore();
    store.ownKeys.put(KEY);
    store.ownKeys.put({ ...KEY, groupId: 'custom-1', createdAt: T0 + 1 });
    store.close();
    const reopened = track(openStore(dataDir));
    expect(reopened.ownKeys.get('ffdhe2048')).toEqual({ ...KEY, lastUsedAt: KEY.createdAt });
    expect(reopened.ownKeys.list().map((k) => k.groupId)).toEqual(['ffdhe2048', 'custom-1']);
    expect(reopened.ownKeys.count()).toBe(2);
    expect(reopened.ownKeys.get('ffdhe3072')).toBeUndefined();
  });

  it('keeps one key per group: a put replaces that group\'s key only', () => {
    const { store } = testStore();
    store.ownKeys.put(KEY);
    store.ownKeys.put({ ...KEY, groupId: 'other' });
    store.ownKeys.put({ ...KEY, y: 7n, createdAt: T0 + 99 });
    expect(store.ownKeys.count()).toBe(2);
    expect(store.ownKeys.get('ffdhe2048')).toEqual({ ...KEY, y: 7n, createdAt: T0 + 99, lastUsedAt: T0 + 99 });
    expect(store.ownKeys.get('other')?.y).toBe(KEY.y);
  });

  it('validates keys at the boundary', () => {
    const { store } = testStore();
    expectStoreError(() => store.ownKeys.put({ ...KEY, groupId: 'no spaces' }), 'BAD_INPUT', /groupId/);
    expectStoreError(() => store.ownKeys.put({ ...KEY, y: 0n }), 'BAD_INPUT', /y must be a positive bigint/);
    expectStoreError(() => store.ownKeys.put({ ...KEY, y: P }), 'BAD_INPUT', /smaller than p/);
    expectStoreError(() => store.ownKeys.put({ ...KEY, p: 1n << 9000n }), 'BAD_INPUT', /8192 bits/);
    expectStoreError(() => store.ownKeys.put({ ...KEY, g: 2 as unknown as bigint }), 'BAD_INPUT', /g must be/);
    expectStoreError(() => store.ownKeys.put({ ...KEY, createdAt: -1 }), 'BAD_INPUT', /createdAt/);
    expect(store.ownKeys.count()).toBe(0);
  });

  it('refuses a row edited into non-hex with CORRUPT_ROW', () => {
    const { store } = testStore();
    store.ownKeys.put(KEY);
    const raw = new Database(store.path);
    raw.prepare("UPDATE own_keys SET y_hex = '0x12zz'").run();
    raw.close();
    expectStoreError(() => store.ownKeys.get('ffdhe2048'), 'CORRUPT_ROW', /y_hex/);
  });
});

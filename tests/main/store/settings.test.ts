import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/main/store/index.js';
import { expectStoreError, testStore, track } from './helpers.js';

describe('settings', () => {
  it('sets, overwrites and reads back values across a reopen', () => {
    const { store, dataDir } = testStore();
    expect(store.settings.get('doctor.policy')).toBeUndefined();
    store.settings.set('doctor.policy', 'tofu');
    store.settings.set('doctor.policy', 'ask');
    store.settings.set('empty', '');
    store.close();
    const reopened = track(openStore(dataDir));
    expect(reopened.settings.get('doctor.policy')).toBe('ask');
    expect(reopened.settings.get('empty')).toBe('');
  });

  it('validates keys and value sizes', () => {
    const { store } = testStore();
    expectStoreError(() => store.settings.set('Policy', 'x'), 'BAD_INPUT', /^settings\.set: key/);
    expectStoreError(() => store.settings.set('a'.repeat(65), 'x'), 'BAD_INPUT');
    expectStoreError(() => store.settings.get('1abc'), 'BAD_INPUT', /^settings\.get: key/);
    expectStoreError(() => store.settings.set('k', 'v'.repeat(4097)), 'BAD_INPUT', /value/);
    expectStoreError(() => store.settings.set('k', 5 as unknown as string), 'BAD_INPUT', /value/);
    expect(store.settings.get('k')).toBeUndefined();
  });
});

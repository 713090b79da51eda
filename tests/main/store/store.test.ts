import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DB_FILE_NAME, openStore, openStoreFile } from '../../../src/main/store/index.js';
import { ManualClock, expectStoreError, modeOf, tempDir, testStore, track, withUmask } from './helpers.js';

describe('openStore', () => {
  it('creates the data dir 0700 and medchat.db 0600, and the WAL files stay 0600', () => {
    const { store, dataDir } = withUmask(0o022, () => testStore());
    withUmask(0o022, () => store.audit.append({ kind: 'start' }));
    expect(store.path).toBe(path.join(dataDir, DB_FILE_NAME));
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(store.path)).toBe(0o600);
    expect(modeOf(store.path + '-wal')).toBe(0o600);
  });

  it('creates missing parent directories 0700 too', () => {
    const root = tempDir();
    const dataDir = path.join(root, 'a', 'b');
    withUmask(0o022, () => track(openStore(dataDir)));
    expect(modeOf(path.join(root, 'a'))).toBe(0o700);
    expect(modeOf(dataDir)).toBe(0o700);
  });

  it('keeps data across close and reopen', () => {
    const { store, clock, dataDir } = testStore();
    store.settings.set('policy', 'ask');
    store.close();
    store.close(); // closing twice is harmless
    const again = track(openStore(dataDir, { now: clock.now }));
    expect(again.settings.get('policy')).toBe('ask');
  });

  it('refuses a clock that returns nonsense instead of writing it', () => {
    const { store, clock } = testStore();
    clock.t = Number.NaN;
    expectStoreError(() => store.audit.append({ kind: 'start' }), 'BAD_INPUT', /clock/);
    expect(store.audit.count()).toBe(0);
  });
});

describe('openStoreFile', () => {
  it('refuses a missing file and does not create it', () => {
    const file = path.join(tempDir(), 'typo.db');
    expectStoreError(() => openStoreFile(file), 'DB_NOT_FOUND');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('opens a copy read-only: reads work, writes are refused by SQLite', () => {
    const { store } = testStore();
    store.audit.append({ kind: 'start', detail: 'hello' });
    store.close();
    const copy = path.join(tempDir(), 'copy.db');
    fs.copyFileSync(store.path, copy);
    const ro = track(openStoreFile(copy, { readonly: true }));
    expect(ro.audit.verify()).toEqual({ ok: true, rows: 1, problem: null, sealChecked: false });
    expect(() => ro.audit.append({ kind: 'start' })).toThrow(/readonly/);
    expect(ro.audit.count()).toBe(1);
  });

  it('gives a working in-memory store for ":memory:"', () => {
    const clock = new ManualClock();
    const store = track(openStoreFile(':memory:', { now: clock.now }));
    store.blocks.block('p1', 'test', clock.t + 1000);
    expect(store.blocks.active('p1')?.expiresAt).toBe(clock.t + 1000);
  });
});

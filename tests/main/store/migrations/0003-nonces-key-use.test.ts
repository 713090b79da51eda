import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../src/main/store/db.js';
import { openStoreFile } from '../../../../src/main/store/index.js';
import { MIGRATIONS } from '../../../../src/main/store/migrations/index.js';
import { T0, tempDir, track } from '../helpers.js';

describe('migration 0003-nonces-key-use', () => {
  it('keeps version-2 keys (last use = creation) and adds the nonce table', () => {
    const file = path.join(tempDir(), 'v2.db');
    const db = new Database(file);
    migrate(db, MIGRATIONS, 2);
    db.prepare("INSERT INTO own_keys VALUES ('g1', 'ff', '2', '4', ?)").run(T0);
    expect(() => db.prepare('SELECT * FROM seen_nonces').all()).toThrow(/no such table/);

    migrate(db, MIGRATIONS, 3);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'seen_nonces'").pluck().get()).toBe(1);
    db.close();

    const store = track(openStoreFile(file, { now: () => T0 + 10 }));
    expect(store.ownKeys.get('g1')).toMatchObject({ p: 0xffn, createdAt: T0, lastUsedAt: T0 });
    store.ownKeys.touch('g1', T0 + 5);
    expect(store.ownKeys.get('g1')?.lastUsedAt).toBe(T0 + 5);
    store.ownKeys.remove('g1');
    expect(store.ownKeys.get('g1')).toBeUndefined();
  });
});

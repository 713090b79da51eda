import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../src/main/store/db.js';
import { openStoreFile } from '../../../../src/main/store/index.js';
import { MIGRATIONS } from '../../../../src/main/store/migrations/index.js';
import { T0, tempDir, track } from '../helpers.js';

describe('migration 0006-block-note', () => {
  it('keeps version-5 blocks, with no note, and lets new blocks carry one', () => {
    const file = path.join(tempDir(), 'v5.db');
    const db = new Database(file);
    migrate(db, MIGRATIONS, 5);
    db.prepare("INSERT INTO blocks (id, reason, blocked_at, expires_at) VALUES ('bob', 'blocked by the doctor', ?, ?)").run(T0, T0 + 60_000);
    migrate(db, MIGRATIONS, 6);
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    db.close();

    const store = track(openStoreFile(file, { now: () => T0 + 1 }));
    expect(store.blocks.active('bob')).toEqual({ id: 'bob', reason: 'blocked by the doctor', note: null, blockedAt: T0, expiresAt: T0 + 60_000 });
    expect(store.blocks.block('carol', 'blocked by the doctor', T0 + 60_000, 'asked to be removed').note).toBe('asked to be removed');
  });
});

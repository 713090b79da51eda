import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../../src/main/store/db.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, type Migration } from '../../../src/main/store/migrations/index.js';
import { expectStoreError, tempDir } from './helpers.js';

function tables(db: Database.Database): string[] {
  return db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .pluck()
    .all()
    .map(String);
}

describe('openDatabase', () => {
  it('creates a migrated database with WAL, foreign keys and our application id', () => {
    const file = path.join(tempDir(), 'a.db');
    const db = openDatabase(file, { create: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('trusted_schema', { simple: true })).toBe(0);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    } finally {
      db.close();
    }
  });

  it('does not switch an in-memory database to WAL', () => {
    const db = openDatabase(':memory:');
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('memory');
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('refuses a missing file unless asked to create it, and creates nothing', () => {
    const file = path.join(tempDir(), 'missing.db');
    expectStoreError(() => openDatabase(file), 'DB_NOT_FOUND', /exists/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses a database newer than the app, asking to upgrade, and leaves it untouched', () => {
    const file = path.join(tempDir(), 'new.db');
    openDatabase(file, { create: true }).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expectStoreError(() => openDatabase(file), 'DB_TOO_NEW', /upgrade MedChatSecure/);
    expectStoreError(() => openDatabase(file, { readonly: true }), 'DB_TOO_NEW', /upgrade/);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    check.close();
  });

  it('refuses another program\'s SQLite file without adding tables to it', () => {
    const file = path.join(tempDir(), 'other.db');
    const raw = new Database(file);
    raw.exec('CREATE TABLE notes (body TEXT)');
    raw.close();
    expectStoreError(() => openDatabase(file), 'NOT_A_MEDCHAT_DB', /another program/);
    const check = new Database(file);
    expect(tables(check)).toEqual(['notes']);
    check.close();
  });

  it('refuses a file that is not SQLite at all', () => {
    const file = path.join(tempDir(), 'text.db');
    fs.writeFileSync(file, 'this is not a database, just some text that is long enough to have a header'.repeat(10));
    expectStoreError(() => openDatabase(file), 'NOT_A_MEDCHAT_DB', /not a SQLite database/);
  });

  it('opens read-only only at the current schema version', () => {
    const file = path.join(tempDir(), 'old.db');
    const raw = new Database(file);
    migrate(raw, MIGRATIONS, SCHEMA_VERSION - 1);
    raw.close();
    expectStoreError(() => openDatabase(file, { readonly: true }), 'DB_NEEDS_UPGRADE', /read-write once/);
    openDatabase(file).close(); // read-write: migrates
    const db = openDatabase(file, { readonly: true });
    expect(db.readonly).toBe(true);
    db.close();
  });

  it('keeps STRICT typing: a text in an INTEGER column is refused', () => {
    const db = openDatabase(':memory:');
    try {
      expect(() => db.prepare("INSERT INTO blocks (id, reason, blocked_at, expires_at) VALUES ('a', 'r', 1, 'soon')").run()).toThrow(
        /cannot store TEXT value in INTEGER column/,
      );
    } finally {
      db.close();
    }
  });
});

describe('migrate', () => {
  it('runs all pending migrations in one transaction: a failure leaves the file as it was', () => {
    const failing: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'broken',
      up(db) {
        db.exec('CREATE TABLE half_done (x INTEGER) STRICT');
        throw new Error('migration failed on purpose');
      },
    };
    const db = new Database(':memory:');
    try {
      expect(() => migrate(db, [...MIGRATIONS, failing])).toThrow('migration failed on purpose');
      expect(db.pragma('user_version', { simple: true })).toBe(0);
      expect(tables(db)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('is a no-op when already current, and refuses a list with a gap in versions', () => {
    const db = new Database(':memory:');
    try {
      migrate(db);
      const before = tables(db);
      migrate(db);
      expect(tables(db)).toEqual(before);
      const skipping = [MIGRATIONS[0]!, { ...MIGRATIONS[1]!, version: 3 }];
      expect(() => migrate(db, skipping)).toThrow(/expected 2/);
    } finally {
      db.close();
    }
  });
});

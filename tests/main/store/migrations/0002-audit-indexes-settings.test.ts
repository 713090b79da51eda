import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { auditHash } from '../../../../src/main/store/audit-chain.js';
import { migrate } from '../../../../src/main/store/db.js';
import { openStoreFile } from '../../../../src/main/store/index.js';
import { AUDIT_GENESIS_HASH, MIGRATIONS } from '../../../../src/main/store/migrations/index.js';
import { T0, tempDir, track } from '../helpers.js';

/** Writes audit rows as a version-1 app would have, chain and checkpoint included. */
function appendV1(db: Database.Database, details: string[]): void {
  let prev = AUDIT_GENESIS_HASH;
  details.forEach((detail, i) => {
    const entry = { seq: i + 1, at: T0 + i, kind: 'join', patientId: 'p1', address: '127.0.0.1:5000', detail };
    const hash = auditHash(entry, prev);
    db.prepare('INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      entry.seq, entry.at, entry.kind, entry.patientId, entry.address, entry.detail, prev, hash,
    );
    db.prepare('UPDATE audit_head SET seq = ?, hash = ?').run(entry.seq, hash);
    prev = hash;
  });
}

describe('migration 0002-audit-indexes-settings', () => {
  it('keeps version-1 data, adds the indexes and the settings table', () => {
    const file = path.join(tempDir(), 'v1.db');
    const db = new Database(file);
    migrate(db, MIGRATIONS, 1);
    appendV1(db, ['first', 'second', 'third']);
    db.prepare("INSERT INTO blocks VALUES ('p2', 'bad signature', ?, ?)").run(T0, T0 + 120_000);
    db.prepare("INSERT INTO pins VALUES ('p1', 'abcd', '{}', ?, ?)").run(T0, T0);
    expect(() => db.prepare('SELECT * FROM settings').all()).toThrow(/no such table/);

    migrate(db, MIGRATIONS, 2);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    const indexes = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
    expect(indexes).toEqual(['audit_by_kind', 'audit_by_patient', 'blocks_by_expiry']);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM audit WHERE kind = 'join' ORDER BY seq DESC").all();
    expect(JSON.stringify(plan)).toMatch(/audit_by_kind/);
    const strict = db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'settings'").pluck().get();
    expect(strict).toBe(1);
    db.close();

    const store = track(openStoreFile(file, { now: () => T0 + 10 }));
    expect(store.audit.verify()).toEqual({ ok: true, rows: 3, problem: null, sealChecked: false });
    expect(store.audit.query().map((e) => e.detail)).toEqual(['third', 'second', 'first']);
    expect(store.blocks.active('p2')?.reason).toBe('bad signature');
    expect(store.pins.get('p1')?.keyFingerprint).toBe('abcd');
    store.settings.set('policy', 'tofu');
    expect(store.settings.get('policy')).toBe('tofu');
    // The chain continues across the migration.
    expect(store.audit.append({ kind: 'exit', patientId: 'p1' }).seq).toBe(4);
    expect(store.audit.verify().ok).toBe(true);
  });
});

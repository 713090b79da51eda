import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../../src/main/store/db.js';
import { APPLICATION_ID, AUDIT_GENESIS_HASH, MIGRATIONS } from '../../../../src/main/store/migrations/index.js';

const TABLES = ['audit', 'audit_head', 'blocks', 'own_keys', 'perf_rows', 'perf_sessions', 'pins'];

describe('migration 0001-initial', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    migrate(db, MIGRATIONS, 0);
  });
  afterEach(() => db.close());

  it('starts from an empty database at version 0', () => {
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get()).toBe(0);
  });

  it('creates its tables, all STRICT, and marks the file as ours', () => {
    migrate(db, MIGRATIONS, 1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    const list = db.prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    expect(list).toEqual(TABLES.map((name) => ({ name, strict: 1 })));
  });

  it('seeds the audit checkpoint at row 0 with the genesis hash', () => {
    migrate(db, MIGRATIONS, 1);
    expect(db.prepare('SELECT id, seq, hash FROM audit_head').all()).toEqual([{ id: 1, seq: 0, hash: AUDIT_GENESIS_HASH }]);
  });

  it('installs the append-only triggers on the audit tables', () => {
    migrate(db, MIGRATIONS, 1);
    const insert = db.prepare('INSERT INTO audit (seq, at, kind, patient_id, address, detail, prev_hash, hash) VALUES (?, 1, ?, NULL, NULL, ?, ?, ?)');
    // Out of order: the chain head is 0, so seq 2 is refused.
    expect(() => insert.run(2, 'start', '', AUDIT_GENESIS_HASH, 'f'.repeat(64))).toThrow('an audit row must extend the chain head');
    insert.run(1, 'start', '', AUDIT_GENESIS_HASH, 'a'.repeat(64));
    expect(() => db.prepare("UPDATE audit SET detail = 'x'").run()).toThrow('rows cannot be updated');
    expect(() => db.prepare('DELETE FROM audit').run()).toThrow('rows cannot be deleted');
    expect(() => db.prepare('DELETE FROM audit_head').run()).toThrow('checkpoint cannot be deleted');
    expect(() => db.prepare('UPDATE audit_head SET seq = 5').run()).toThrow('only moves to the newest row');
    db.prepare('UPDATE audit_head SET seq = 1, hash = ?').run('a'.repeat(64));
    expect(db.prepare('SELECT seq FROM audit_head').pluck().get()).toBe(1);
  });

  it('cascades perf rows with their session (foreign keys on)', () => {
    migrate(db, MIGRATIONS, 1);
    db.pragma('foreign_keys = ON');
    db.prepare("INSERT INTO perf_sessions (seq, session_id, role, started_at) VALUES (1, 's1', 'doctor', 0)").run();
    db.prepare("INSERT INTO perf_rows VALUES (1, 'AES Encryption', 1, 1.0, 1.0, 1.0)").run();
    expect(() => db.prepare("INSERT INTO perf_rows VALUES (9, 'AES Encryption', 1, 1.0, 1.0, 1.0)").run()).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO perf_sessions (seq, session_id, role, started_at) VALUES (2, 's2', 'nurse', 0)").run()).toThrow(/CHECK/);
    db.prepare('DELETE FROM perf_sessions').run();
    expect(db.prepare('SELECT count(*) FROM perf_rows').pluck().get()).toBe(0);
  });
});

import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../src/main/store/db.js';
import { openStoreFile } from '../../../../src/main/store/index.js';
import { MIGRATIONS } from '../../../../src/main/store/migrations/index.js';
import { T0, tempDir, track } from '../helpers.js';

describe('migration 0005-audit-seal', () => {
  it('keeps a version-4 log (unsealed checkpoint), allows only a hex seal, and seals from the next row', () => {
    const file = path.join(tempDir(), 'v4.db');
    const v4 = track(openStoreFile(':memory:')); // the current code writes rows; copy them into a v4 file
    v4.audit.append({ kind: 'join', patientId: 'alice' });
    const row = v4.audit.checkpoint();
    const db = new Database(file);
    migrate(db, MIGRATIONS, 4);
    const entry = v4.audit.query()[0]!;
    db.prepare('INSERT INTO audit (seq, at, kind, patient_id, address, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      1, entry.at, entry.kind, entry.patientId, entry.address, entry.detail, '0'.repeat(64), row.hash,
    );
    db.prepare('UPDATE audit_head SET seq = 1, hash = ? WHERE id = 1').run(row.hash);
    migrate(db, MIGRATIONS, 5);
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(db.prepare('SELECT seal FROM audit_head').pluck().get()).toBeNull();
    db.exec('DROP TRIGGER audit_head_moves_forward');
    expect(() => db.prepare("UPDATE audit_head SET seal = 'not hex'").run()).toThrow(/CHECK constraint/);
    expect(() => db.prepare(`UPDATE audit_head SET seal = '${'A'.repeat(64)}'`).run()).toThrow(/CHECK constraint/);
    db.close();

    const store = track(openStoreFile(file, { now: () => T0 }));
    expect(store.audit.verify()).toMatchObject({ ok: true, rows: 1 });
    store.audit.useSealKey(new Uint8Array(32).fill(9), true);
    expect(store.audit.checkpoint()).toMatchObject({ seq: 2, seal: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(store.audit.verify()).toEqual({ ok: true, rows: 2, problem: null, sealChecked: true });
  });
});

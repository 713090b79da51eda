import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { auditHash, openStoreFile, type Store } from '../../../src/main/store/index.js';
import { tempDir, testStore, track } from './helpers.js';

/** A store with four rows, closed so its file is complete (WAL checkpointed). */
function closedLog(): Store {
  const { store, clock } = testStore();
  for (const detail of ['one', 'two', 'three', 'four']) {
    store.audit.append({ kind: 'join', patientId: 'p1', detail });
    clock.advance(1000);
  }
  store.close();
  return store;
}

/** Copies the database, drops the append-only triggers in the copy and runs `sql` on it. */
function tamperedCopy(original: Store, sql: string): Store {
  const copy = path.join(tempDir(), 'copy.db');
  fs.copyFileSync(original.path, copy);
  const raw = new Database(copy);
  raw.exec(`
    DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_insert_extends_chain;
    DROP TRIGGER audit_head_no_delete; DROP TRIGGER audit_head_moves_forward;
    ${sql}`);
  raw.close();
  return track(openStoreFile(copy, { readonly: true }));
}

describe('audit.verify', () => {
  it('accepts an empty log and a clean log', () => {
    const { store } = testStore();
    expect(store.audit.verify()).toEqual({ ok: true, rows: 0, problem: null, sealChecked: false });
    const log = closedLog();
    expect(track(openStoreFile(log.path)).audit.verify()).toEqual({ ok: true, rows: 4, problem: null, sealChecked: false });
  });

  it('detects an edited row', () => {
    const copy = tamperedCopy(closedLog(), "UPDATE audit SET detail = 'nothing happened' WHERE seq = 2;");
    expect(copy.audit.query().find((e) => e.seq === 2)?.detail).toBe('nothing happened');
    expect(copy.audit.verify()).toEqual({ ok: false, rows: 4, problem: 'edited row 2: hash mismatch', sealChecked: false });
  });

  it('detects a consistent rewrite of a row at the link to the following row', () => {
    const original = closedLog();
    const reader = openStoreFile(original.path, { readonly: true });
    const raw = new Database(original.path, { readonly: true });
    const prev = String(raw.prepare('SELECT prev_hash FROM audit WHERE seq = 2').pluck().get());
    raw.close();
    const entry = reader.audit.query().find((e) => e.seq === 2)!;
    reader.close();
    const rehashed = auditHash({ ...entry, detail: 'forged' }, prev);
    const copy = tamperedCopy(original, `UPDATE audit SET detail = 'forged', hash = '${rehashed}' WHERE seq = 2;`);
    expect(copy.audit.verify().problem).toBe('row 3: link to row 2 broken (previous-hash mismatch); row 2 was replaced');
  });

  it('detects a deleted middle row', () => {
    const copy = tamperedCopy(closedLog(), 'DELETE FROM audit WHERE seq = 2;');
    expect(copy.audit.verify()).toEqual({ ok: false, rows: 3, problem: 'row 2 missing: gap after row 1 (the next row is 3)', sealChecked: false });
  });

  it('detects a deleted first row', () => {
    const copy = tamperedCopy(closedLog(), 'DELETE FROM audit WHERE seq = 1;');
    expect(copy.audit.verify().problem).toBe('row 1 missing: the log starts at row 2');
  });

  it('detects deleted last rows through the checkpoint', () => {
    const copy = tamperedCopy(closedLog(), 'DELETE FROM audit WHERE seq >= 3;');
    expect(copy.audit.verify()).toEqual({
      ok: false,
      rows: 2,
      problem: 'chain head does not match checkpoint: rows deleted at the end (the checkpoint says row 4, the log ends at row 2)',
      sealChecked: false,
    });
  });

  it('keeps the gap visible when the app appends after rows were deleted at the end', () => {
    const original = closedLog();
    const copyPath = tamperedCopy(original, 'DELETE FROM audit WHERE seq = 4;').path;
    const writable = track(openStoreFile(copyPath));
    expect(writable.audit.append({ kind: 'exit' }).seq).toBe(5);
    expect(writable.audit.verify().problem).toBe('row 4 missing: gap after row 3 (the next row is 5)');
  });

  it('detects a deleted checkpoint and a checkpoint that lags behind the rows', () => {
    expect(tamperedCopy(closedLog(), 'DELETE FROM audit_head;').audit.verify().problem).toMatch(/^chain checkpoint missing/);
    expect(tamperedCopy(closedLog(), 'UPDATE audit_head SET seq = 3;').audit.verify().problem).toBe(
      'chain head does not match checkpoint: rows after row 3 were added outside the app',
    );
    expect(tamperedCopy(closedLog(), "UPDATE audit_head SET hash = 'ab';").audit.verify().problem).toBe(
      "chain head does not match checkpoint: row 4 differs from the checkpoint's hash",
    );
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  AUDIT_SEAL_VAULT_ID,
  auditSealKey,
  openFileKeyVault,
  openStoreFile,
  parseAuditCheckpoint,
  readAuditSealKey,
  type KeyVault,
} from '../../../src/main/store/index.js';
import { expectStoreError, tempDir, testStore, track } from './helpers.js';

function memoryVault(): KeyVault & { keys: Map<string, bigint> } {
  const keys = new Map<string, bigint>();
  return { keys, get: (id) => keys.get(id), put: (id, x) => void keys.set(id, x), remove: (id) => void keys.delete(id) };
}

function sealedStore() {
  const made = testStore();
  const vault = memoryVault();
  made.store.audit.useSealKey(auditSealKey(vault, (key) => made.store.audit.useSealKey(key, true)), false);
  return { ...made, vault };
}

/** The head's columns, rewritten in a copy of the file with the checkpoint's trigger dropped. */
function setHead(file: string, sql: string): void {
  const raw = new Database(file);
  raw.exec(`DROP TRIGGER audit_head_moves_forward; ${sql}`);
  raw.close();
}

describe('audit seal', () => {
  it('is made once per folder: the first start records it, later starts reuse the vault key', () => {
    const { store, vault } = sealedStore();
    expect(store.audit.query().map((e) => e.kind)).toEqual(['audit-sealed']);
    expect(vault.keys.get(AUDIT_SEAL_VAULT_ID)).toBeTypeOf('bigint');
    const key = readAuditSealKey(vault)!;
    expect(key).toHaveLength(32);
    expect(auditSealKey(vault, () => expect.unreachable('a second key'))).toEqual(key);
    store.audit.append({ kind: 'join', patientId: 'alice' });
    expect(store.audit.verify()).toEqual({ ok: true, rows: 2, problem: null, sealChecked: true });
    expect(store.audit.checkpoint()).toMatchObject({ format: 'medchat-audit-checkpoint/1', seq: 2, seal: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('keeps a key whose top bytes are zero (the vault stores it as a number)', () => {
    const vault = memoryVault();
    vault.put(AUDIT_SEAL_VAULT_ID, 0x01n);
    expect(Buffer.from(readAuditSealKey(vault)!).toString('hex')).toBe('0'.repeat(62) + '01');
  });

  it('a crash between sealing and saving the key leaves no vault key the log has not seen', () => {
    const { store } = testStore();
    const failing: KeyVault = { get: () => undefined, put: () => { throw new Error('disk full'); }, remove: () => undefined };
    expect(() => auditSealKey(failing, (key) => store.audit.useSealKey(key, true))).toThrow('disk full');
    // The next start finds no key, makes a new one, and records that again: both rows are in the chain.
    const vault = memoryVault();
    store.audit.useSealKey(auditSealKey(vault, (key) => store.audit.useSealKey(key, true)), false);
    expect(store.audit.query().map((e) => e.kind)).toEqual(['audit-sealed', 'audit-sealed']);
    expect(store.audit.verify().ok).toBe(true);
  });

  it('a log written before sealing (unsealed rows) verifies once sealed from the next row on', () => {
    const { store } = testStore();
    store.audit.append({ kind: 'join', patientId: 'old' });
    expect(store.audit.checkpoint().seal).toBeNull();
    const vault = memoryVault();
    store.audit.useSealKey(auditSealKey(vault, (key) => store.audit.useSealKey(key, true)), false);
    expect(store.audit.verify()).toEqual({ ok: true, rows: 2, problem: null, sealChecked: true });
  });

  it('refuses a missing, altered or foreign seal when the key is known', () => {
    const { store, vault } = sealedStore();
    store.audit.append({ kind: 'join', patientId: 'alice' });
    store.close();
    const key = readAuditSealKey(vault)!;
    const open = (sql: string) => {
      const copy = path.join(tempDir(), 'copy.db');
      fs.copyFileSync(store.path, copy);
      setHead(copy, sql);
      const s = track(openStoreFile(copy, { readonly: true }));
      s.audit.useSealKey(key, false);
      return s.audit.verify();
    };
    expect(open('UPDATE audit_head SET seal = NULL;').problem).toMatch(/^checkpoint not sealed, though this folder has a seal key/);
    expect(open(`UPDATE audit_head SET seal = '${'ab'.repeat(32)}';`).problem).toMatch(/^checkpoint seal does not verify/);
    // The original with another folder's key: the same sentence, so a swapped-in database shows too.
    const other = track(openStoreFile(store.path, { readonly: true }));
    other.audit.useSealKey(new Uint8Array(32).fill(7), false);
    expect(other.audit.verify().problem).toMatch(/^checkpoint seal does not verify/);
  });

  it('checks an exported checkpoint: this folder sealed it, the log still holds it, not rolled back', () => {
    const { store } = sealedStore();
    store.audit.append({ kind: 'join', patientId: 'alice' });
    const kept = store.audit.checkpoint();
    expect(store.audit.verify(kept).ok).toBe(true);
    store.audit.append({ kind: 'exit', patientId: 'alice' });
    expect(store.audit.verify(kept).ok).toBe(true); // a later log still holds it
    expect(store.audit.verify({ ...kept, seal: 'cd'.repeat(32) }).problem).toBe('exported checkpoint (row 2) was not sealed by this data folder');
    expect(store.audit.verify({ ...kept, seq: 9 }).problem).toMatch(/^exported checkpoint \(row 9\) was not sealed/);
    expect(store.audit.verify({ ...kept, seq: 9, seal: null }).problem).toBe('rolled back: the exported checkpoint names row 9, but the log ends at row 3');
    expect(store.audit.verify({ ...kept, hash: 'ef'.repeat(32), seal: null }).problem).toBe(
      'row 2 differs from the exported checkpoint: the log was rewritten since it was exported',
    );
  });

  it('parses only a well-formed checkpoint file, with a sentence naming what is wrong', () => {
    const good = { format: 'medchat-audit-checkpoint/1', seq: 3, hash: 'a'.repeat(64), seal: null, exportedAt: 1 };
    expect(parseAuditCheckpoint(JSON.stringify(good))).toEqual(good);
    const cases: [string, RegExp][] = [
      ['not json', /not JSON/],
      ['[]', /does not hold a JSON object/],
      [JSON.stringify({ ...good, extra: 1 }), /fields must be exactly/],
      [JSON.stringify({ ...good, format: 'v2' }), /unknown format/],
      [JSON.stringify({ ...good, seq: -1 }), /seq must be/],
      [JSON.stringify({ ...good, seq: 2 ** 60 }), /seq must be/],
      [JSON.stringify({ ...good, hash: 'A'.repeat(64) }), /hash must be/],
      [JSON.stringify({ ...good, seal: 5 }), /seal must be/],
      [JSON.stringify({ ...good, exportedAt: 'now' }), /exportedAt must be/],
      ['x'.repeat(5000), /too large/],
    ];
    for (const [text, message] of cases) expectStoreError(() => parseAuditCheckpoint(text), 'BAD_INPUT', message);
  });

  it('the file vault keeps the seal key beside the identity keys, owner-only', () => {
    const file = path.join(tempDir(), 'keys.json');
    const vault = openFileKeyVault(file);
    const { store } = testStore();
    const key = auditSealKey(vault, (k) => store.audit.useSealKey(k, true));
    expect(Buffer.from(readAuditSealKey(openFileKeyVault(file))!).toString('hex')).toBe(Buffer.from(key).toString('hex'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

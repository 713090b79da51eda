import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { AuditQuery } from '../../../src/shared/contract.js';
import { encodeFields } from '../../../src/main/crypto/encoding.js';
import { sha256 } from '../../../src/main/crypto/hash.js';
import { AUDIT_DETAIL_MAX, AUDIT_MAX_LIMIT } from '../../../src/main/store/index.js';
import { T0, expectStoreError, testStore } from './helpers.js';

describe('audit.append', () => {
  it('numbers rows from 1, stamps them with the clock and returns the stored entry', () => {
    const { store, clock } = testStore();
    const first = store.audit.append({ kind: 'join', patientId: 'p1', address: '127.0.0.1:5001', detail: 'hello received' });
    clock.advance(250);
    const second = store.audit.append({ kind: 'rekey' });
    expect(first).toEqual({ seq: 1, at: T0, kind: 'join', patientId: 'p1', address: '127.0.0.1:5001', detail: 'hello received' });
    expect(second).toEqual({ seq: 2, at: T0 + 250, kind: 'rekey', patientId: null, address: null, detail: '' });
    expect(store.audit.count()).toBe(2);
  });

  it('stores hash = SHA-256 of the documented field encoding, chained through prev_hash', () => {
    const { store } = testStore();
    store.audit.append({ kind: 'join', patientId: 'p1', address: '[::1]:5001', detail: 'd1' });
    store.audit.append({ kind: 'block', patientId: 'p1', detail: 'bad signature' });
    const path = store.path;
    store.close();
    const raw = new Database(path, { readonly: true });
    const rows = raw.prepare('SELECT * FROM audit ORDER BY seq').all() as Record<string, string | number | null>[];
    raw.close();
    const hex = (fields: (string | number)[]): string => Buffer.from(sha256(encodeFields(fields))).toString('hex');
    const h1 = hex(['medchat/audit/v1', 1, T0, 'join', 'p1', '[::1]:5001', 'd1', '0'.repeat(64)]);
    const h2 = hex(['medchat/audit/v1', 2, T0, 'block', 'p1', '', 'bad signature', h1]);
    expect(rows.map((r) => [r.prev_hash, r.hash])).toEqual([
      ['0'.repeat(64), h1],
      [h1, h2],
    ]);
  });

  it('validates kind, ids, address and detail length at the boundary', () => {
    const { store } = testStore();
    expectStoreError(() => store.audit.append({ kind: 'Join' }), 'BAD_INPUT', /^audit\.append: kind must be/);
    expectStoreError(() => store.audit.append({ kind: 'a'.repeat(41) }), 'BAD_INPUT');
    expectStoreError(() => store.audit.append({ kind: '1join' }), 'BAD_INPUT');
    expectStoreError(() => store.audit.append({ kind: 'join', patientId: 'p 1' }), 'BAD_INPUT', /patientId/);
    expectStoreError(() => store.audit.append({ kind: 'join', patientId: 'x'.repeat(65) }), 'BAD_INPUT', /patientId/);
    expectStoreError(() => store.audit.append({ kind: 'join', address: 'evil\nhost' }), 'BAD_INPUT', /address/);
    expectStoreError(() => store.audit.append({ kind: 'join', detail: 'x'.repeat(AUDIT_DETAIL_MAX + 1) }), 'BAD_INPUT', /detail/);
    expect(store.audit.append({ kind: 'join', detail: 'x'.repeat(AUDIT_DETAIL_MAX) }).detail).toHaveLength(AUDIT_DETAIL_MAX);
    expect(store.audit.count()).toBe(1);
  });

  it('replaces control characters and bidi overrides in details, keeping newlines and tabs', () => {
    const { store } = testStore();
    const entry = store.audit.append({ kind: 'reject', detail: 'peer said \u001b[2Jhi\r\tok\n\u202Eevil' });
    expect(entry.detail).toBe('peer said \uFFFD[2Jhi\uFFFD\tok\n\uFFFDevil');
    expect(store.audit.query()[0]?.detail).toBe(entry.detail);
    expect(store.audit.verify().ok).toBe(true);
  });

  it('is append-only in the database itself: UPDATE and DELETE are aborted by triggers', () => {
    const { store } = testStore();
    store.audit.append({ kind: 'join', detail: 'original' });
    const raw = new Database(store.path);
    try {
      expect(() => raw.prepare("UPDATE audit SET detail = 'forged'").run()).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
    expect(store.audit.query()[0]?.detail).toBe('original');
  });
});

describe('audit.query', () => {
  function seeded() {
    const ctx = testStore();
    const a = ctx.store.audit;
    a.append({ kind: 'join', patientId: 'alice', address: '10.0.0.1:4000', detail: 'Hello from Alice' });
    a.append({ kind: 'fail', patientId: 'bob', detail: 'stale timestamp (100% late)' });
    a.append({ kind: 'join', patientId: 'bob', detail: 'hello from bob' });
    a.append({ kind: 'broadcast', detail: 'seq 1 to 2 patients' });
    a.append({ kind: 'fail', patientId: 'alice_2', detail: 'bad signature' });
    return ctx;
  }
  const seqs = (entries: { seq: number }[]): number[] => entries.map((e) => e.seq);

  it('returns newest first, and filters by exact kind and by part of the patient id, any case', () => {
    const { store } = seeded();
    expect(seqs(store.audit.query())).toEqual([5, 4, 3, 2, 1]);
    expect(seqs(store.audit.query({ kind: 'join' }))).toEqual([3, 1]);
    expect(seqs(store.audit.query({ patientId: 'alice' }))).toEqual([5, 1]);
    expect(seqs(store.audit.query({ patientId: 'Bob' }))).toEqual([3, 2]);
    expect(seqs(store.audit.query({ patientId: 'bo' }))).toEqual([3, 2]);
    // LIKE's wildcards are plain characters here: "_" matches only an underscore.
    expect(seqs(store.audit.query({ patientId: 'e_2' }))).toEqual([5]);
    expect(seqs(store.audit.query({ patientId: 'e_' }))).toEqual([5]);
    expect(seqs(store.audit.query({ kind: 'fail', patientId: 'bob' }))).toEqual([2]);
    // What filter boxes send for "any".
    expect(seqs(store.audit.query({ kind: '', patientId: '', text: '' }))).toEqual([5, 4, 3, 2, 1]);
    expect(seqs(store.audit.query({ kind: null, limit: null } as unknown as AuditQuery))).toEqual([5, 4, 3, 2, 1]);
  });

  it('searches text case-insensitively in detail, kind, patient and address', () => {
    const { store } = seeded();
    expect(seqs(store.audit.query({ text: 'HELLO' }))).toEqual([3, 1]);
    expect(seqs(store.audit.query({ text: 'broad' }))).toEqual([4]);
    expect(seqs(store.audit.query({ text: 'ALICE' }))).toEqual([5, 1]);
    expect(seqs(store.audit.query({ text: '10.0.0.1' }))).toEqual([1]);
  });

  it('treats % and _ in the search text literally', () => {
    const { store } = seeded();
    expect(seqs(store.audit.query({ text: '100%' }))).toEqual([2]);
    expect(seqs(store.audit.query({ text: '%' }))).toEqual([2]);
    expect(seqs(store.audit.query({ text: 'alice_' }))).toEqual([5]);
    expect(seqs(store.audit.query({ text: 'e_2' }))).toEqual([5]);
    expect(seqs(store.audit.query({ text: '\\' }))).toEqual([]);
  });

  it('limits to 500 rows by default and accepts up to the maximum', () => {
    const { store } = testStore();
    for (let i = 0; i < 502; i += 1) store.audit.append({ kind: 'tick' });
    const page = store.audit.query();
    expect(page).toHaveLength(500);
    expect(page[0]?.seq).toBe(502);
    expect(store.audit.query({ limit: 2 }).map((e) => e.seq)).toEqual([502, 501]);
    expect(store.audit.query({ limit: AUDIT_MAX_LIMIT })).toHaveLength(502);
  });

  it('refuses bad filters with BAD_INPUT', () => {
    const { store } = testStore();
    expectStoreError(() => store.audit.query({ limit: 0 }), 'BAD_INPUT', /limit/);
    expectStoreError(() => store.audit.query({ limit: AUDIT_MAX_LIMIT + 1 }), 'BAD_INPUT', /limit/);
    expectStoreError(() => store.audit.query({ limit: 1.5 }), 'BAD_INPUT', /limit/);
    expectStoreError(() => store.audit.query({ kind: "x' OR 1=1 --" }), 'BAD_INPUT', /kind/);
    expectStoreError(() => store.audit.query({ patientId: 'a b' }), 'BAD_INPUT', /patientId/);
    expectStoreError(() => store.audit.query({ text: 'x'.repeat(201) }), 'BAD_INPUT', /text/);
  });
});

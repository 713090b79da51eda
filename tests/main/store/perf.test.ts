import { describe, expect, it } from 'vitest';
import type { PerfRow } from '../../../src/shared/metrics.js';
import { openStore } from '../../../src/main/store/index.js';
import { T0, expectStoreError, testStore, track } from './helpers.js';

const AES: PerfRow = { primitive: 'AES Encryption', calls: 4, totalMs: 2, avgMs: 0.5, maxMs: 0.9 };
const KEYGEN: PerfRow = { primitive: 'KeyPair Generation', calls: 1, totalMs: 35.25, avgMs: 35.25, maxMs: 35.25 };

describe('perf', () => {
  it('starts sessions with distinct ids, even at the same instant', () => {
    const { store } = testStore();
    const a = store.perf.startSession('doctor');
    const b = store.perf.startSession('doctor');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^doctor-[0-9a-z]+-[0-9a-z]+$/);
  });

  it('saves rows, replacing the previous save, and returns them in the seed table order', () => {
    const { store, clock } = testStore();
    const id = store.perf.startSession('patient');
    store.perf.save(id, [{ ...AES, calls: 1 }]);
    store.perf.save(id, [AES, KEYGEN]);
    clock.advance(9000);
    store.perf.end(id);
    clock.advance(1000);
    store.perf.end(id); // the first end wins
    expect(store.perf.history()).toEqual([{ sessionId: id, role: 'patient', startedAt: T0, endedAt: T0 + 9000, interrupted: false, rows: [KEYGEN, AES] }]);
  });

  it('closes the sessions of a killed process at their last save, marked interrupted, for that role only', () => {
    const { store, clock } = testStore();
    const saved = store.perf.startSession('doctor');
    clock.advance(5_000);
    store.perf.save(saved, [AES]);
    const never = store.perf.startSession('doctor');
    const patient = store.perf.startSession('patient');
    const ended = store.perf.startSession('doctor');
    clock.advance(1_000);
    store.perf.end(ended);
    clock.advance(60_000);
    expect(store.perf.closeInterrupted('doctor')).toBe(2);
    const byId = new Map(store.perf.history().map((x) => [x.sessionId, x]));
    expect(byId.get(saved)).toMatchObject({ endedAt: T0 + 5_000, interrupted: true, rows: [AES] });
    expect(byId.get(never)).toMatchObject({ endedAt: T0 + 5_000, interrupted: true, rows: [] });
    expect(byId.get(ended)).toMatchObject({ endedAt: T0 + 6_000, interrupted: false });
    expect(byId.get(patient)).toMatchObject({ endedAt: null, interrupted: false });
    expect(store.perf.closeInterrupted('doctor')).toBe(0);
    expectStoreError(() => store.perf.closeInterrupted('nurse' as 'doctor'), 'BAD_INPUT', /role/);
  });

  it('lists history newest first, by role and with a limit, across a reopen', () => {
    const { store, clock, dataDir } = testStore();
    const d1 = store.perf.startSession('doctor');
    clock.advance(1000);
    const p1 = store.perf.startSession('patient');
    clock.advance(1000);
    const d2 = store.perf.startSession('doctor');
    store.perf.save(d2, [AES]);
    store.close();
    const reopened = track(openStore(dataDir, { now: clock.now }));
    expect(reopened.perf.history().map((s) => s.sessionId)).toEqual([d2, p1, d1]);
    expect(reopened.perf.history('doctor').map((s) => s.sessionId)).toEqual([d2, d1]);
    expect(reopened.perf.history(undefined, 1).map((s) => [s.sessionId, s.endedAt, s.rows])).toEqual([[d2, null, [AES]]]);
    expect(reopened.perf.startSession('doctor')).not.toBe(d2);
  });

  it('refuses unknown sessions and bad rows without changing the saved figures', () => {
    const { store } = testStore();
    const id = store.perf.startSession('doctor');
    store.perf.save(id, [AES]);
    expectStoreError(() => store.perf.save('doctor-nope-1', [AES]), 'NOT_FOUND', /no performance session/);
    expectStoreError(() => store.perf.end('doctor-nope-1'), 'NOT_FOUND');
    const bad = (row: Partial<Record<keyof PerfRow, unknown>>): PerfRow[] => [{ ...AES, ...row } as PerfRow];
    expectStoreError(() => store.perf.save(id, bad({ primitive: 'Coffee' })), 'BAD_INPUT', /primitive/);
    expectStoreError(() => store.perf.save(id, bad({ calls: -1 })), 'BAD_INPUT', /calls/);
    expectStoreError(() => store.perf.save(id, bad({ calls: 1.5 })), 'BAD_INPUT', /calls/);
    expectStoreError(() => store.perf.save(id, bad({ avgMs: Number.NaN })), 'BAD_INPUT', /avgMs/);
    expectStoreError(() => store.perf.save(id, bad({ maxMs: Number.POSITIVE_INFINITY })), 'BAD_INPUT', /maxMs/);
    expectStoreError(() => store.perf.save(id, [AES, AES]), 'BAD_INPUT', /repeats/);
    expectStoreError(() => store.perf.save(id, 'rows' as unknown as PerfRow[]), 'BAD_INPUT', /array/);
    expectStoreError(() => store.perf.startSession('nurse' as 'doctor'), 'BAD_INPUT', /role/);
    expectStoreError(() => store.perf.history('doctor', 0), 'BAD_INPUT', /limit/);
    expect(store.perf.history()[0]?.rows).toEqual([AES]);
  });
});

import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../src/main/store/db.js';
import { openStoreFile } from '../../../../src/main/store/index.js';
import { MIGRATIONS } from '../../../../src/main/store/migrations/index.js';
import { T0, tempDir, track } from '../helpers.js';

describe('migration 0004-perf-saved-at', () => {
  it('keeps version-3 sessions (not interrupted, no save time) and closes an open one at its start', () => {
    const file = path.join(tempDir(), 'v3.db');
    const db = new Database(file);
    migrate(db, MIGRATIONS, 3);
    db.prepare("INSERT INTO perf_sessions (seq, session_id, role, started_at, ended_at) VALUES (1, 'doctor-a-1', 'doctor', ?, ?)").run(T0, T0 + 10);
    db.prepare("INSERT INTO perf_sessions (seq, session_id, role, started_at, ended_at) VALUES (2, 'doctor-b-2', 'doctor', ?, NULL)").run(T0 + 20);
    migrate(db, MIGRATIONS, 4);
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(() => db.prepare("UPDATE perf_sessions SET interrupted = 2 WHERE seq = 1").run()).toThrow(/CHECK constraint/);
    db.close();

    const store = track(openStoreFile(file, { now: () => T0 + 100 }));
    expect(store.perf.history().map((s) => [s.sessionId, s.endedAt, s.interrupted])).toEqual([
      ['doctor-b-2', null, false],
      ['doctor-a-1', T0 + 10, false],
    ]);
    expect(store.perf.closeInterrupted('doctor')).toBe(1);
    expect(store.perf.history()[0]).toMatchObject({ sessionId: 'doctor-b-2', endedAt: T0 + 20, interrupted: true });
  });
});

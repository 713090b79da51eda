/**
 * Performance history: per session (one doctor run, one patient connection), the seed's table of
 * primitive, call count and timings, so a user can read past figures later. save() replaces a
 * session's rows with the latest totals, so callers can save periodically and once at the end.
 */
import type { PerfSession, Role } from '../../shared/contract.js';
import { PRIMITIVES, isPrimitive, type PerfRow } from '../../shared/metrics.js';
import type { Clock } from './clock.js';
import type { Db } from './db.js';
import { StoreError } from './errors.js';
import { asRow, rowInteger, rowIntegerOrNull, rowNumber, rowString } from './rows.js';
import { checkId, checkInteger, checkNonNegative } from './validate.js';

export interface PerfStore {
  /** Opens a session and returns its id (role, start time and a sequence number). */
  startSession(role: Role): string;
  /** Replaces the session's rows; NOT_FOUND for an unknown session. */
  save(sessionId: string, rows: PerfRow[]): void;
  /** Records the end time (the first end wins); NOT_FOUND for an unknown session. */
  end(sessionId: string): void;
  /**
   * Sessions of `role` never ended (their process was killed) end at their last save, marked
   * interrupted; returns how many. Only for a process that holds the data folder's lock.
   */
  closeInterrupted(role: Role): number;
  /** Newest first, with rows in the seed's primitive order; limit 1-1000, default 50. */
  history(role?: Role, limit?: number): PerfSession[];
}

export const PERF_DEFAULT_HISTORY = 50;
export const PERF_MAX_HISTORY = 1000;

function checkRole(role: unknown, label: string): Role {
  if (role !== 'doctor' && role !== 'patient') throw new StoreError('BAD_INPUT', `${label} must be 'doctor' or 'patient'.`);
  return role;
}

function checkRows(rows: unknown): PerfRow[] {
  if (!Array.isArray(rows) || rows.length > PRIMITIVES.length) {
    throw new StoreError('BAD_INPUT', `perf.save: rows must be an array of at most ${PRIMITIVES.length} rows.`);
  }
  const seen = new Set<string>();
  return rows.map((value: unknown, i) => {
    const label = `perf.save: rows[${i}]`;
    if (typeof value !== 'object' || value === null) throw new StoreError('BAD_INPUT', `${label} must be an object.`);
    const row = value as Record<string, unknown>;
    if (!isPrimitive(row.primitive)) throw new StoreError('BAD_INPUT', `${label}.primitive must be one of the measured primitives.`);
    if (seen.has(row.primitive)) throw new StoreError('BAD_INPUT', `${label}.primitive repeats ${row.primitive}.`);
    seen.add(row.primitive);
    return {
      primitive: row.primitive,
      calls: checkInteger(row.calls, `${label}.calls`, 0, Number.MAX_SAFE_INTEGER),
      totalMs: checkNonNegative(row.totalMs, `${label}.totalMs`),
      avgMs: checkNonNegative(row.avgMs, `${label}.avgMs`),
      maxMs: checkNonNegative(row.maxMs, `${label}.maxMs`),
    };
  });
}

function readPerfRow(value: unknown): PerfRow {
  const what = 'perf row';
  const row = asRow(value, what);
  const primitive = rowString(row, 'primitive', what);
  if (!isPrimitive(primitive)) throw new StoreError('CORRUPT_ROW', `${what}: unknown primitive; the database may have been edited by hand.`);
  return {
    primitive,
    calls: rowInteger(row, 'calls', what),
    totalMs: rowNumber(row, 'total_ms', what),
    avgMs: rowNumber(row, 'avg_ms', what),
    maxMs: rowNumber(row, 'max_ms', what),
  };
}

const primitiveOrder = (a: PerfRow, b: PerfRow): number => PRIMITIVES.indexOf(a.primitive) - PRIMITIVES.indexOf(b.primitive);

export function createPerfStore(db: Db, now: Clock): PerfStore {
  const nextSeq = db.prepare('SELECT coalesce(max(seq), 0) + 1 FROM perf_sessions').pluck();
  const insertSession = db.prepare('INSERT INTO perf_sessions (seq, session_id, role, started_at) VALUES (?, ?, ?, ?)');
  const sessionSeq = db.prepare('SELECT seq FROM perf_sessions WHERE session_id = ?').pluck();
  const endSession = db.prepare('UPDATE perf_sessions SET ended_at = coalesce(ended_at, ?) WHERE session_id = ?');
  const markSaved = db.prepare('UPDATE perf_sessions SET saved_at = ? WHERE seq = ?');
  const closeOpen = db.prepare('UPDATE perf_sessions SET ended_at = coalesce(saved_at, started_at), interrupted = 1 WHERE role = ? AND ended_at IS NULL');
  const deleteRows = db.prepare('DELETE FROM perf_rows WHERE session_seq = ?');
  const insertRow = db.prepare(
    'INSERT INTO perf_rows (session_seq, primitive, calls, total_ms, avg_ms, max_ms) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const selectRows = db.prepare('SELECT primitive, calls, total_ms, avg_ms, max_ms FROM perf_rows WHERE session_seq = ?');
  const columns = 'seq, session_id, role, started_at, ended_at, interrupted';
  const selectAll = db.prepare(`SELECT ${columns} FROM perf_sessions ORDER BY started_at DESC, seq DESC LIMIT ?`);
  const selectByRole = db.prepare(`SELECT ${columns} FROM perf_sessions WHERE role = ? ORDER BY started_at DESC, seq DESC LIMIT ?`);

  const startTx = db.transaction((role: Role, at: number): string => {
    const seq = Number(nextSeq.get());
    const sessionId = `${role}-${at.toString(36)}-${seq.toString(36)}`;
    insertSession.run(seq, sessionId, role, at);
    return sessionId;
  });

  const saveTx = db.transaction((sessionId: string, rows: PerfRow[]) => {
    const seq = sessionSeq.get(sessionId);
    if (seq === undefined) throw new StoreError('NOT_FOUND', `perf.save: there is no performance session ${sessionId}.`);
    deleteRows.run(seq);
    for (const r of rows) insertRow.run(seq, r.primitive, r.calls, r.totalMs, r.avgMs, r.maxMs);
    markSaved.run(now(), seq);
  });

  function readSession(value: unknown): PerfSession {
    const what = 'perf session row';
    const row = asRow(value, what);
    const role = rowString(row, 'role', what);
    if (role !== 'doctor' && role !== 'patient') throw new StoreError('CORRUPT_ROW', `${what}: unknown role; the database may have been edited by hand.`);
    return {
      sessionId: rowString(row, 'session_id', what),
      role,
      startedAt: rowInteger(row, 'started_at', what),
      endedAt: rowIntegerOrNull(row, 'ended_at', what),
      interrupted: rowInteger(row, 'interrupted', what) === 1,
      rows: selectRows.all(rowInteger(row, 'seq', what)).map(readPerfRow).sort(primitiveOrder),
    };
  }

  return {
    startSession(role) {
      return startTx.immediate(checkRole(role, 'perf.startSession: role'), now());
    },
    save(sessionId, rows) {
      saveTx.immediate(checkId(sessionId, 'perf.save: sessionId'), checkRows(rows));
    },
    end(sessionId) {
      const id = checkId(sessionId, 'perf.end: sessionId');
      if (endSession.run(now(), id).changes === 0) throw new StoreError('NOT_FOUND', `perf.end: there is no performance session ${id}.`);
    },
    closeInterrupted(role) {
      return closeOpen.run(checkRole(role, 'perf.closeInterrupted: role')).changes;
    },
    history(role, limit = PERF_DEFAULT_HISTORY) {
      const n = checkInteger(limit, 'perf.history: limit', 1, PERF_MAX_HISTORY);
      const byRole = role === undefined ? undefined : checkRole(role, 'perf.history: role');
      // One read transaction, so a concurrent save cannot mix two versions of a session.
      return db.transaction(() => (byRole === undefined ? selectAll.all(n) : selectByRole.all(byRole, n)).map(readSession))();
    },
  };
}

/**
 * 0001: the first schema. Own public keys, TOFU pins, the block list, the hash-chained audit log
 * with its checkpoint, and per-session performance figures. All tables are STRICT, so SQLite
 * refuses a value of the wrong type instead of storing it.
 *
 * The audit triggers make the log append-only for this app and anything else using the file: no
 * UPDATE or DELETE of a row, and an INSERT must extend the chain recorded in audit_head. They stop
 * mistakes and casual edits; someone who can drop triggers is caught by the hash chain instead
 * (see ../audit-verify.ts).
 */
import { APPLICATION_ID, type Migration } from './migration.js';

/** prev_hash of row 1. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE own_keys (
        group_id   TEXT PRIMARY KEY,
        p_hex      TEXT NOT NULL,
        g_hex      TEXT NOT NULL,
        y_hex      TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE pins (
        peer_id         TEXT PRIMARY KEY,
        key_fingerprint TEXT NOT NULL,
        public_key      TEXT NOT NULL,
        first_seen      INTEGER NOT NULL,
        last_seen       INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE blocks (
        id         TEXT PRIMARY KEY,
        reason     TEXT NOT NULL,
        blocked_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE audit (
        seq        INTEGER PRIMARY KEY,
        at         INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        patient_id TEXT,
        address    TEXT,
        detail     TEXT NOT NULL,
        prev_hash  TEXT NOT NULL,
        hash       TEXT NOT NULL
      ) STRICT;

      CREATE TABLE audit_head (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        seq  INTEGER NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${AUDIT_GENESIS_HASH}');

      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: rows cannot be updated'); END;

      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: rows cannot be deleted'); END;

      CREATE TRIGGER audit_insert_extends_chain BEFORE INSERT ON audit
      WHEN NEW.seq IS NOT (SELECT seq + 1 FROM audit_head WHERE id = 1)
        OR NEW.prev_hash IS NOT (SELECT hash FROM audit_head WHERE id = 1)
      BEGIN SELECT RAISE(ABORT, 'an audit row must extend the chain head'); END;

      CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
      BEGIN SELECT RAISE(ABORT, 'the audit checkpoint cannot be deleted'); END;

      CREATE TRIGGER audit_head_moves_forward BEFORE UPDATE ON audit_head
      WHEN NEW.id IS NOT OLD.id OR NEW.seq IS NOT OLD.seq + 1
        OR NEW.hash IS NOT (SELECT hash FROM audit WHERE seq = NEW.seq)
      BEGIN SELECT RAISE(ABORT, 'the audit checkpoint only moves to the newest row'); END;

      CREATE TABLE perf_sessions (
        seq        INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL UNIQUE,
        role       TEXT NOT NULL CHECK (role IN ('doctor', 'patient')),
        started_at INTEGER NOT NULL,
        ended_at   INTEGER
      ) STRICT;

      CREATE TABLE perf_rows (
        session_seq INTEGER NOT NULL REFERENCES perf_sessions (seq) ON DELETE CASCADE,
        primitive   TEXT NOT NULL,
        calls       INTEGER NOT NULL,
        total_ms    REAL NOT NULL,
        avg_ms      REAL NOT NULL,
        max_ms      REAL NOT NULL,
        PRIMARY KEY (session_seq, primitive)
      ) STRICT;
    `);
    db.pragma(`application_id = ${APPLICATION_ID}`);
  },
};

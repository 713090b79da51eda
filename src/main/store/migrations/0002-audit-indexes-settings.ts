/**
 * 0002: indexes for the audit viewer's filters (by kind, by patient, newest first) and for the
 * block list's "active, soonest expiry first", plus a small key/value table for settings such as
 * the doctor's admission policy.
 */
import type { Migration } from './migration.js';

export const migration0002: Migration = {
  version: 2,
  name: 'audit-indexes-settings',
  up(db) {
    db.exec(`
      CREATE INDEX audit_by_kind ON audit (kind, seq);
      CREATE INDEX audit_by_patient ON audit (patient_id, seq);
      CREATE INDEX blocks_by_expiry ON blocks (expires_at);

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `);
  },
};

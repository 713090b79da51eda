/**
 * 0005: the audit checkpoint's seal. A hash chain alone shows an edit, but not a rewrite of every
 * row and the checkpoint by someone with the file; the seal is an HMAC of the checkpoint with a
 * key kept in the key vault, outside the database (audit-seal.ts). NULL until the first append
 * with the key: a log written by an older version is sealed from its next row on.
 */
import type { Migration } from './migration.js';

export const migration0005: Migration = {
  version: 5,
  name: 'audit-seal',
  up(db) {
    db.exec(`ALTER TABLE audit_head ADD COLUMN seal TEXT CHECK (seal IS NULL OR (length(seal) = 64 AND seal NOT GLOB '*[^0-9a-f]*'));`);
  },
};

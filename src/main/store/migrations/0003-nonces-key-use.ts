/**
 * 0003: the handshake nonces of the last ΔTS, so a doctor restarted inside the window still
 * refuses a replayed opcode 10; and when each of our own keys was last used, so the doctor can
 * evict the least recently used custom-group key instead of refusing new custom groups for good.
 */
import type { Migration } from './migration.js';

export const migration0003: Migration = {
  version: 3,
  name: 'nonces-key-use',
  up(db) {
    db.exec(`
      CREATE TABLE seen_nonces (
        nonce_key  TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX seen_nonces_by_expiry ON seen_nonces (expires_at);

      ALTER TABLE own_keys ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;
      UPDATE own_keys SET last_used_at = created_at;
    `);
  },
};

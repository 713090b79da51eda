/**
 * Nonces of authentic handshake messages, each kept until no message carrying it could pass the
 * timestamp check any more. The doctor's replay cache writes through to here, so a replay is
 * refused across a restart inside the window (requirements: "Handshake", step 3).
 */
import type { Clock } from './clock.js';
import type { Db } from './db.js';
import { asRow, rowInteger, rowString } from './rows.js';
import { checkString, checkTimestamp } from './validate.js';

export interface SeenNonce {
  key: string;
  expiresAt: number;
}

export interface NonceStore {
  /** Records a nonce until expiresAt (the later expiry wins if it is already there). */
  add(key: string, expiresAt: number): void;
  /** Nonces that have not expired, oldest expiry first. */
  live(): SeenNonce[];
  /** Deletes expired rows; returns how many. */
  purgeExpired(): number;
}

/** patientId (64) + separator + 32 hex digits, with room to spare. */
const NONCE_KEY_MAX = 160;

export function createNonceStore(db: Db, now: Clock): NonceStore {
  const insert = db.prepare(
    `INSERT INTO seen_nonces (nonce_key, expires_at) VALUES (?, ?)
     ON CONFLICT (nonce_key) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`,
  );
  const selectLive = db.prepare('SELECT nonce_key, expires_at FROM seen_nonces WHERE expires_at >= ? ORDER BY expires_at');
  const purge = db.prepare('DELETE FROM seen_nonces WHERE expires_at < ?');
  return {
    add(key, expiresAt) {
      insert.run(checkString(key, 'nonces.add: key', 1, NONCE_KEY_MAX), checkTimestamp(expiresAt, 'nonces.add: expiresAt'));
    },
    live() {
      return selectLive.all(now()).map((value) => {
        const row = asRow(value, 'nonce row');
        return { key: rowString(row, 'nonce_key', 'nonce row'), expiresAt: rowInteger(row, 'expires_at', 'nonce row') };
      });
    },
    purgeExpired() {
      return purge.run(now()).changes;
    },
  };
}

/**
 * Our own identity PUBLIC keys, one per group (like SSH host keys, one per algorithm): the
 * patient's key pair and the doctor's key for each group it has served. Private parts never come
 * here; they live in a KeyVault (key-vault.ts, or the OS keychain in the desktop app).
 *
 * put() replaces the key of its group: the identity modules call it only after generating a new
 * pair, which they do only when the stored pair is incomplete (e.g. the private key was lost).
 * Nothing derived from a peer's message may reach put().
 */
import type { Db } from './db.js';
import { StoreError } from './errors.js';
import { asRow, rowBigInt, rowInteger, rowString } from './rows.js';
import { checkBigInt, checkGroupId, checkTimestamp } from './validate.js';

export interface OwnKey {
  groupId: string;
  p: bigint;
  g: bigint;
  y: bigint;
  createdAt: number;
  /** When a handshake last used this key (createdAt until then). */
  lastUsedAt?: number;
}

export interface OwnKeyStore {
  get(groupId: string): OwnKey | undefined;
  /** Stores the key of key.groupId, replacing any earlier one. */
  put(key: OwnKey): void;
  /** Oldest first. */
  list(): OwnKey[];
  count(): number;
  /** Records that a handshake used the key now (for least-recently-used eviction). */
  touch(groupId: string, at: number): void;
  /** Forgets the key of a group (its private part must be removed from the vault too). */
  remove(groupId: string): void;
}

/** The largest group the app offers is 4096 bits; leave room, refuse absurd sizes. */
export const OWN_KEY_MAX_BITS = 8192;

function readOwnKey(value: unknown): OwnKey {
  const what = 'own key row';
  const row = asRow(value, what);
  return {
    groupId: rowString(row, 'group_id', what),
    p: rowBigInt(row, 'p_hex', what),
    g: rowBigInt(row, 'g_hex', what),
    y: rowBigInt(row, 'y_hex', what),
    createdAt: rowInteger(row, 'created_at', what),
    lastUsedAt: rowInteger(row, 'last_used_at', what),
  };
}

function checkOwnKey(key: OwnKey): OwnKey {
  if (typeof key !== 'object' || key === null) throw new StoreError('BAD_INPUT', 'ownKeys.put: the key must be an object.');
  const p = checkBigInt(key.p, 'ownKeys.put: p', OWN_KEY_MAX_BITS);
  const g = checkBigInt(key.g, 'ownKeys.put: g', OWN_KEY_MAX_BITS);
  const y = checkBigInt(key.y, 'ownKeys.put: y', OWN_KEY_MAX_BITS);
  if (g >= p || y >= p) throw new StoreError('BAD_INPUT', 'ownKeys.put: g and y must be smaller than p.');
  return { groupId: checkGroupId(key.groupId, 'ownKeys.put: groupId'), p, g, y, createdAt: checkTimestamp(key.createdAt, 'ownKeys.put: createdAt') };
}

export function createOwnKeyStore(db: Db): OwnKeyStore {
  const columns = 'group_id, p_hex, g_hex, y_hex, created_at, last_used_at';
  const select = db.prepare(`SELECT ${columns} FROM own_keys WHERE group_id = ?`);
  const selectAll = db.prepare(`SELECT ${columns} FROM own_keys ORDER BY created_at, group_id`);
  const upsert = db.prepare(
    `INSERT INTO own_keys (${columns}) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (group_id) DO UPDATE SET p_hex = excluded.p_hex, g_hex = excluded.g_hex, y_hex = excluded.y_hex,
       created_at = excluded.created_at, last_used_at = excluded.last_used_at`,
  );
  const touchRow = db.prepare('UPDATE own_keys SET last_used_at = max(last_used_at, ?) WHERE group_id = ?');
  const removeRow = db.prepare('DELETE FROM own_keys WHERE group_id = ?');
  const countRows = db.prepare('SELECT count(*) FROM own_keys').pluck();

  return {
    get(groupId) {
      const row = select.get(checkGroupId(groupId, 'ownKeys.get: groupId'));
      return row === undefined ? undefined : readOwnKey(row);
    },
    put(key) {
      const k = checkOwnKey(key);
      upsert.run(k.groupId, k.p.toString(16), k.g.toString(16), k.y.toString(16), k.createdAt, k.createdAt);
    },
    touch(groupId, at) {
      touchRow.run(checkTimestamp(at, 'ownKeys.touch: at'), checkGroupId(groupId, 'ownKeys.touch: groupId'));
    },
    remove(groupId) {
      removeRow.run(checkGroupId(groupId, 'ownKeys.remove: groupId'));
    },
    list() {
      return selectAll.all().map(readOwnKey);
    },
    count() {
      return Number(countRows.get());
    },
  };
}

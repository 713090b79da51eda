/**
 * The audit checkpoint's seal: HMAC-SHA-256, under a 256-bit key kept in the key vault (never in
 * the database), of the checkpoint (newest seq and hash). The hash chain ties every row to the
 * checkpoint; the seal ties the checkpoint to the key. Whoever can write medchat.db but does not
 * hold the key can rewrite every row and the checkpoint, but cannot make a seal that verifies.
 *
 * What the seal cannot show alone is a rollback: the database swapped for an older copy of itself,
 * whose checkpoint was sealed honestly at the time. An exported checkpoint (AuditCheckpoint, kept
 * elsewhere) closes that: a later log must still hold the exported row with the exported hash.
 *
 * The key is created once per data folder, on the first start with a vault that lacks it, and the
 * log then records an 'audit-sealed' row sealed with it. From then on the vault holding the key
 * means the checkpoint must carry a seal that verifies.
 */
import { encodeFields } from '../crypto/encoding.js';
import { hmacSha256 } from '../crypto/hash.js';
import { constantTimeEqual } from '../crypto/constant-time.js';
import { randomBytes } from '../crypto/random.js';
import type { AuditCheckpoint } from '../../shared/contract.js';
import { StoreError } from './errors.js';
import type { KeyVault } from './key-vault.js';

/** The vault entry's name: not a group id (those are 32 hex digits), so it never meets one. */
export const AUDIT_SEAL_VAULT_ID = 'medchat-audit-seal.v1';
const KEY_BYTES = 32;

export type AuditSealKey = Uint8Array;

export function auditSeal(key: AuditSealKey, seq: number, hash: string): string {
  return Buffer.from(hmacSha256(key, encodeFields(['medchat/audit-seal/v1', seq, hash]))).toString('hex');
}

export function auditSealMatches(key: AuditSealKey, seq: number, hash: string, seal: string | null): boolean {
  if (seal === null || !/^[0-9a-f]{64}$/.test(seal)) return false;
  return constantTimeEqual(Buffer.from(auditSeal(key, seq, hash), 'hex'), Buffer.from(seal, 'hex'));
}

function toBytes(value: bigint): Uint8Array {
  return Buffer.from(value.toString(16).padStart(KEY_BYTES * 2, '0'), 'hex');
}

/** The folder's seal key from the vault, if it has one (e.g. `medchat audit --verify`). */
export function readAuditSealKey(vault: KeyVault): AuditSealKey | undefined {
  const stored = vault.get(AUDIT_SEAL_VAULT_ID);
  return stored === undefined ? undefined : toBytes(stored);
}

/**
 * The folder's seal key, creating it when the vault has none. `store` runs with the new key before
 * the vault keeps it: a crash in between leaves a vault without a key, and the next start seals
 * with a fresh one, never a vault whose key the log has not seen.
 */
export function auditSealKey(vault: KeyVault, adopt: (key: AuditSealKey) => void): AuditSealKey {
  const existing = readAuditSealKey(vault);
  if (existing) return existing;
  let bytes: Uint8Array;
  do bytes = randomBytes(KEY_BYTES);
  while (bytes.every((b) => b === 0)); // the vault stores positive numbers only
  adopt(bytes);
  vault.put(AUDIT_SEAL_VAULT_ID, BigInt('0x' + Buffer.from(bytes).toString('hex')));
  return bytes;
}

const HEX64 = /^[0-9a-f]{64}$/;
export const AUDIT_CHECKPOINT_MAX_BYTES = 4096;

/** Reads an exported checkpoint file's text; a clear StoreError for anything else. */
export function parseAuditCheckpoint(text: string): AuditCheckpoint {
  const bad = (what: string): never => {
    throw new StoreError('BAD_INPUT', `audit checkpoint: ${what}; export a new one with "medchat audit --checkpoint".`);
  };
  if (typeof text !== 'string' || text.length > AUDIT_CHECKPOINT_MAX_BYTES) bad('the file is not a checkpoint (too large)');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    bad('the file is not JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) bad('the file does not hold a JSON object');
  const c = data as Record<string, unknown>;
  if (Object.keys(c).sort().join(',') !== 'exportedAt,format,hash,seal,seq') bad('the fields must be exactly format, seq, hash, seal and exportedAt');
  if (c.format !== 'medchat-audit-checkpoint/1') bad('unknown format (this app reads medchat-audit-checkpoint/1)');
  if (typeof c.seq !== 'number' || !Number.isSafeInteger(c.seq) || c.seq < 0) bad('seq must be a whole number, 0 or more');
  if (typeof c.hash !== 'string' || !HEX64.test(c.hash)) bad('hash must be 64 lowercase hex digits');
  if (c.seal !== null && (typeof c.seal !== 'string' || !HEX64.test(c.seal))) bad('seal must be null or 64 lowercase hex digits');
  if (typeof c.exportedAt !== 'number' || !Number.isSafeInteger(c.exportedAt) || c.exportedAt < 0) bad('exportedAt must be a time in milliseconds');
  return { format: 'medchat-audit-checkpoint/1', seq: c.seq as number, hash: c.hash as string, seal: c.seal as string | null, exportedAt: c.exportedAt as number };
}

/**
 * The audit chain's two definitions, shared by appending and verifying: how a row's hash is
 * computed (domain-separated, length-prefixed fields, so no two different rows hash alike) and
 * how a stored row is read back into a checked record.
 */
import type { AuditEntry } from '../../shared/contract.js';
import { encodeFields } from '../crypto/encoding.js';
import { sha256 } from '../crypto/hash.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { asRow, rowInteger, rowString, rowStringOrNull } from './rows.js';

export interface ChainedAuditEntry extends AuditEntry {
  prevHash: string;
  hash: string;
}

export function auditHash(entry: AuditEntry, prevHash: string): string {
  const bytes = encodeFields([
    'medchat/audit/v1',
    entry.seq,
    entry.at,
    entry.kind,
    entry.patientId ?? '',
    entry.address ?? '',
    entry.detail,
    prevHash,
  ]);
  return Buffer.from(sha256(bytes)).toString('hex');
}

export function readAuditRow(value: unknown): ChainedAuditEntry {
  const what = 'audit row';
  const row = asRow(value, what);
  return {
    seq: rowInteger(row, 'seq', what),
    at: rowInteger(row, 'at', what),
    kind: rowString(row, 'kind', what),
    patientId: rowStringOrNull(row, 'patient_id', what),
    address: rowStringOrNull(row, 'address', what),
    detail: rowString(row, 'detail', what),
    prevHash: rowString(row, 'prev_hash', what),
    hash: rowString(row, 'hash', what),
  };
}

/** The checkpoint: the newest row's seq and hash, moved with every append, and its seal (audit-seal.ts). */
export interface AuditHead {
  seq: number;
  hash: string;
  seal: string | null;
}

/** Prepared once per database: every append reads the checkpoint. */
const headStatements = new WeakMap<Db, Statement<[], unknown>>();

export function readAuditHead(db: Db): AuditHead {
  let select = headStatements.get(db);
  if (!select) headStatements.set(db, (select = db.prepare('SELECT seq, hash, seal FROM audit_head WHERE id = 1')));
  const row = asRow(select.get(), 'audit checkpoint');
  return {
    seq: rowInteger(row, 'seq', 'audit checkpoint'),
    hash: rowString(row, 'hash', 'audit checkpoint'),
    seal: rowStringOrNull(row, 'seal', 'audit checkpoint'),
  };
}

/**
 * Walking the audit chain (`medchat audit --verify`, the doctor's "verify" button). Reports the
 * first problem as a sentence: an edited row (its hash no longer matches its content), a broken
 * link (a row replaced with a recomputed hash), a missing row (a gap in seq), or a chain that ends
 * before or after the checkpoint (rows deleted at the end, or added behind the app's back).
 * Streams the rows, so a long log is checked in constant memory. With the folder's seal key it
 * also checks the checkpoint's seal (a rewrite of the whole chain), and with an exported
 * checkpoint that the log still holds that row unchanged (a rollback to an older copy).
 */
import type { AuditCheckpoint, AuditVerification } from '../../shared/contract.js';
import { auditHash, readAuditHead, readAuditRow } from './audit-chain.js';
import { auditSealMatches, type AuditSealKey } from './audit-seal.js';
import type { Db } from './db.js';
import { AUDIT_GENESIS_HASH } from './migrations/index.js';

function firstProblem(db: Db, key: AuditSealKey | undefined, against: AuditCheckpoint | undefined): string | null {
  let expected = 1;
  let againstHash = against?.seq === 0 ? AUDIT_GENESIS_HASH : null;
  let prevHash = AUDIT_GENESIS_HASH;
  const rows = db.prepare('SELECT seq, at, kind, patient_id, address, detail, prev_hash, hash FROM audit ORDER BY seq').iterate();
  for (const raw of rows) {
    let row;
    try {
      row = readAuditRow(raw);
    } catch {
      rows.return?.();
      return `row ${expected}: a column holds a value of the wrong type`;
    }
    let problem: string | null = null;
    if (row.seq !== expected) {
      problem =
        expected === 1
          ? `row 1 missing: the log starts at row ${row.seq}`
          : `row ${expected} missing: gap after row ${expected - 1} (the next row is ${row.seq})`;
    } else if (row.prevHash !== prevHash) {
      problem =
        expected === 1
          ? 'row 1: does not start the chain (previous-hash is not the genesis value)'
          : `row ${row.seq}: link to row ${row.seq - 1} broken (previous-hash mismatch); row ${row.seq - 1} was replaced`;
    } else if (auditHash(row, row.prevHash) !== row.hash) {
      problem = `edited row ${row.seq}: hash mismatch`;
    }
    if (problem !== null) {
      rows.return?.();
      return problem;
    }
    if (against && row.seq === against.seq) againstHash = row.hash;
    prevHash = row.hash;
    expected += 1;
  }
  const last = expected - 1;
  let head;
  try {
    head = readAuditHead(db);
  } catch {
    return 'chain checkpoint missing or unreadable: the log cannot be checked for rows deleted at the end';
  }
  if (head.seq > last) {
    return `chain head does not match checkpoint: rows deleted at the end (the checkpoint says row ${head.seq}, the log ends at row ${last})`;
  }
  if (head.seq < last) {
    return `chain head does not match checkpoint: rows after row ${head.seq} were added outside the app`;
  }
  if (head.hash !== prevHash) {
    return `chain head does not match checkpoint: row ${last} differs from the checkpoint's hash`;
  }
  if (key && !auditSealMatches(key, head.seq, head.hash, head.seal)) {
    return head.seal === null
      ? 'checkpoint not sealed, though this folder has a seal key: the log was rewritten or replaced by someone without the key'
      : "checkpoint seal does not verify with this folder's key: the log was rewritten or replaced by someone without the key";
  }
  if (against) {
    if (key && against.seal !== null && !auditSealMatches(key, against.seq, against.hash, against.seal)) {
      return `exported checkpoint (row ${against.seq}) was not sealed by this data folder`;
    }
    if (against.seq > last) {
      return `rolled back: the exported checkpoint names row ${against.seq}, but the log ends at row ${last}`;
    }
    if (againstHash !== against.hash) {
      return `row ${against.seq} differs from the exported checkpoint: the log was rewritten since it was exported`;
    }
  }
  return null;
}

export function verifyAuditChain(db: Db, key?: AuditSealKey, against?: AuditCheckpoint): AuditVerification {
  const rows = Number(db.prepare('SELECT count(*) FROM audit').pluck().get());
  const problem = firstProblem(db, key, against);
  return { ok: problem === null, rows, problem, sealChecked: key !== undefined };
}

/**
 * The audit log: an append-only, hash-chained record of everything security-relevant (joins,
 * admissions, failures and their reasons, blocks, exits, rekeys, broadcast metadata).
 *
 * It must never receive a plaintext message, a key, SK, a session or group key, or any other
 * secret: callers log metadata only. The store cannot tell a secret from a reason string, so this
 * rule is the caller's to keep; the store only caps lengths and neutralises control characters.
 *
 * Row N stores prev_hash (row N-1's hash, zeros for row 1) and
 *   hash = SHA-256(encodeFields(['medchat/audit/v1', seq, at, kind, patientId ?? '', address ?? '',
 *                                detail, prevHash]))   (hex)
 * and audit_head (the checkpoint: newest seq and hash) moves in the same transaction, so deleting
 * the newest rows is as visible as editing or deleting any other. With the folder's seal key
 * (audit-seal.ts, from the key vault) every checkpoint is also sealed, so a rewrite of the whole
 * file by someone without the key shows too; checkpoint() exports one to keep elsewhere, which
 * shows a rollback to an older copy.
 */
import type { AuditCheckpoint, AuditEntry, AuditQuery, AuditVerification } from '../../shared/contract.js';
import { auditHash, readAuditHead, readAuditRow } from './audit-chain.js';
import { auditCsv } from './audit-csv.js';
import { auditSeal, type AuditSealKey } from './audit-seal.js';
import { verifyAuditChain } from './audit-verify.js';
import type { Clock } from './clock.js';
import type { Db } from './db.js';
import { StoreError } from './errors.js';
import { AUDIT_KIND_PATTERN, AUDIT_KIND_RULE, AUDIT_QUERY_MAX_LIMIT, AUDIT_TEXT_FILTER_MAX_CHARS } from '../../shared/rules.js';
import { checkId, checkInteger, checkPattern, checkString, cleanText } from './validate.js';

export interface AuditLog {
  append(e: { kind: string; patientId?: string | null; address?: string | null; detail?: string }): AuditEntry;
  /** Newest first. */
  query(q?: AuditQuery): AuditEntry[];
  /** Walks the chain; with the seal key set, checks the seal; with `against`, that it still holds it. */
  verify(against?: AuditCheckpoint): AuditVerification;
  /**
   * Seals every checkpoint from now on with `key`. `first`: the key is new to this folder, so the
   * log records that it is sealed from here (an 'audit-sealed' row, sealed with it).
   */
  useSealKey(key: AuditSealKey, first: boolean): void;
  /** The current checkpoint, to export and keep elsewhere. */
  checkpoint(): AuditCheckpoint;
  count(): number;
  /** RFC 4180 CSV of query(q), newest first; q.limit defaults to AUDIT_MAX_LIMIT here. */
  toCsv(q?: AuditQuery): string;
}

export const AUDIT_DETAIL_MAX = 2000;
export const AUDIT_DEFAULT_LIMIT = 500;
export const AUDIT_MAX_LIMIT = AUDIT_QUERY_MAX_LIMIT;
const ADDRESS_PATTERN = /^[A-Za-z0-9_.:%[\]-]{1,100}$/;

/** Filter boxes in a UI send '' (and JSON bridges null) for "any": both mean no filter. */
function unset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function checkQuery(q: AuditQuery | undefined, defaultLimit: number): Required<AuditQuery> {
  if (q !== undefined && (typeof q !== 'object' || q === null)) {
    throw new StoreError('BAD_INPUT', 'audit.query: the query must be an object.');
  }
  const kind = unset(q?.kind) ? '' : checkPattern(q?.kind, 'audit.query: kind', AUDIT_KIND_PATTERN, AUDIT_KIND_RULE);
  const patientId = unset(q?.patientId) ? '' : checkId(q?.patientId, 'audit.query: patientId');
  const text = unset(q?.text) ? '' : checkString(q?.text, 'audit.query: text', 0, AUDIT_TEXT_FILTER_MAX_CHARS);
  const limit = q?.limit === undefined || q.limit === null ? defaultLimit : checkInteger(q.limit, 'audit.query: limit', 1, AUDIT_MAX_LIMIT);
  return { kind, patientId, text, limit };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}

export function createAuditLog(db: Db, now: Clock): AuditLog {
  const insert = db.prepare(
    'INSERT INTO audit (seq, at, kind, patient_id, address, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const moveHead = db.prepare('UPDATE audit_head SET seq = ?, hash = ?, seal = ? WHERE id = 1');
  let sealKey: AuditSealKey | undefined;
  const countRows = db.prepare('SELECT count(*) FROM audit').pluck();

  const appendTx = db.transaction((entry: Omit<AuditEntry, 'seq'>): AuditEntry => {
    // The checkpoint, not max(seq), decides the next row: rows deleted at the end stay a gap.
    const head = readAuditHead(db);
    const full: AuditEntry = { seq: head.seq + 1, ...entry };
    const hash = auditHash(full, head.hash);
    insert.run(full.seq, full.at, full.kind, full.patientId, full.address, full.detail, head.hash, hash);
    moveHead.run(full.seq, hash, sealKey ? auditSeal(sealKey, full.seq, hash) : null);
    return full;
  });

  function query(q: AuditQuery | undefined, defaultLimit: number): AuditEntry[] {
    const f = checkQuery(q, defaultLimit);
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (f.kind) {
      where.push('kind = ?');
      params.push(f.kind);
    }
    if (f.patientId) {
      // Part of the id, any case ("bo" and "Bob" find bob): a person filtering rarely types it whole.
      where.push("patient_id LIKE ? ESCAPE '\\'");
      params.push('%' + escapeLike(f.patientId) + '%');
    }
    if (f.text) {
      const like = '%' + escapeLike(f.text) + '%';
      where.push(
        "(detail LIKE ? ESCAPE '\\' OR kind LIKE ? ESCAPE '\\' OR patient_id LIKE ? ESCAPE '\\' OR address LIKE ? ESCAPE '\\')",
      );
      params.push(like, like, like, like);
    }
    const sql =
      'SELECT seq, at, kind, patient_id, address, detail, prev_hash, hash FROM audit' +
      (where.length ? ' WHERE ' + where.join(' AND ') : '') +
      ' ORDER BY seq DESC LIMIT ?';
    return db
      .prepare(sql)
      .all(...params, f.limit)
      .map((row) => {
        const { prevHash: _p, hash: _h, ...entry } = readAuditRow(row);
        return entry;
      });
  }

  function append(e: { kind: string; patientId?: string | null; address?: string | null; detail?: string }): AuditEntry {
    if (typeof e !== 'object' || e === null) throw new StoreError('BAD_INPUT', 'audit.append: the entry must be an object.');
    const kind = checkPattern(e.kind, 'audit.append: kind', AUDIT_KIND_PATTERN, AUDIT_KIND_RULE);
    const patientId = e.patientId == null ? null : checkId(e.patientId, 'audit.append: patientId');
    const address =
      e.address == null ? null : checkPattern(e.address, 'audit.append: address', ADDRESS_PATTERN, 'a host:port of at most 100 characters');
    const detail = e.detail === undefined ? '' : cleanText(e.detail, 'audit.append: detail', AUDIT_DETAIL_MAX);
    return appendTx.immediate({ at: now(), kind, patientId, address, detail });
  }

  return {
    append,
    query: (q) => query(q, AUDIT_DEFAULT_LIMIT),
    verify: (against) => verifyAuditChain(db, sealKey, against),
    useSealKey(key, first) {
      if (!(key instanceof Uint8Array) || key.length !== 32) throw new StoreError('BAD_INPUT', 'audit.useSealKey: the key must be 32 bytes.');
      sealKey = key;
      if (first) append({ kind: 'audit-sealed', detail: "checkpoints from this row on are sealed with this data folder's key" });
    },
    checkpoint() {
      const head = readAuditHead(db);
      return { format: 'medchat-audit-checkpoint/1', seq: head.seq, hash: head.hash, seal: head.seal, exportedAt: now() };
    },
    count: () => Number(countRows.get()),
    toCsv: (q) => auditCsv(query(q, AUDIT_MAX_LIMIT)),
  };
}

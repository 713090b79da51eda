/**
 * Audit export as RFC 4180 CSV (CRLF line ends, fields with a comma, quote or line break quoted,
 * quotes doubled). Cells that a spreadsheet would run as a formula (starting with = + - @, or a
 * tab or carriage return, per OWASP "CSV Injection") get a leading single quote: the export is
 * for reading, and detail strings can carry text chosen by a remote peer.
 */
import type { AuditEntry } from '../../shared/contract.js';

export const AUDIT_CSV_HEADER = ['seq', 'at_iso', 'kind', 'patient_id', 'address', 'detail'] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? "'" + value : value;
  return NEEDS_QUOTES.test(safe) ? '"' + safe.replace(/"/g, '""') + '"' : safe;
}

export function auditCsv(entries: readonly AuditEntry[]): string {
  const lines = [AUDIT_CSV_HEADER.join(',')];
  for (const e of entries) {
    const cells = [String(e.seq), new Date(e.at).toISOString(), e.kind, e.patientId ?? '', e.address ?? '', e.detail];
    lines.push(cells.map(csvCell).join(','));
  }
  return lines.map((line) => line + '\r\n').join('');
}

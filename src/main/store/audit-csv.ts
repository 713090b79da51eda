/**
 * Audit export as RFC 4180 CSV (CRLF line ends, fields with a comma, quote or line break quoted,
 * quotes doubled). Cells that a spreadsheet would run as a formula (starting with = + - @, or a
 * tab or carriage return, per OWASP "CSV Injection") get a leading single quote: the export is
 * for reading, and detail strings can carry text chosen by a remote peer. For the same reason
 * every control, format (bidi, zero-width) and line or paragraph separator character is written
 * as a visible escape (printableLine: `\n`, `\t`, `\u{202E}`), so a row is one line and reads the
 * same in every viewer. Peer text inside a detail was already quoted and escaped when the row was
 * written (the doctor uses quotePeerText), so the cell keeps the row's text otherwise as it is.
 */
import type { AuditEntry } from '../../shared/contract.js';
import { printableLine } from '../../shared/peer-text.js';

export const AUDIT_CSV_HEADER = ['seq', 'at_iso', 'kind', 'patient_id', 'address', 'detail'] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string): string {
  // The formula check looks at the original first character (a tab or CR, once escaped, would
  // start with a backslash), then the whole cell is escaped, never cut.
  const inert = printableLine(value);
  const safe = FORMULA_START.test(value) || FORMULA_START.test(inert) ? "'" + inert : inert;
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

/**
 * The doctor's way into the audit log when the disk may fail it. Rows of events (a join, a
 * departure, a timeout, a rekey) happen whether or not they can be written: on a full or
 * read-only disk such a row is counted, not thrown (a throw from a timer or a peer's message
 * would end the process or leave a session half closed), and the first row written afterwards is
 * an `audit-gap` row saying how many are missing and since when. Rows that must exist before what
 * they record (a broadcast) are strict: the failure reaches the caller, which does not go on.
 */
import type { AuditEntry } from '../../shared/contract.js';
import { storeFault, type Store } from '../store/index.js';

export class AuditWriter {
  private lost = 0;
  private lostSince = 0;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly onAudit: (entry: AuditEntry) => void,
  ) {}

  /** Rows not written since the disk failed (0 once the gap row is in). */
  get missing(): number {
    return this.lost;
  }

  write(kind: string, patientId: string | null, address: string | null, detail: string): void {
    try {
      this.strict(kind, patientId, address, detail);
    } catch (error) {
      if (!storeFault(error, '')) throw error;
      if (this.lost++ === 0) this.lostSince = this.now();
    }
  }

  strict(kind: string, patientId: string | null, address: string | null, detail: string): AuditEntry {
    if (this.lost > 0) {
      const gap = `${this.lost} row(s) could not be written since ${new Date(this.lostSince).toISOString()}: the data folder was full or could not be written`;
      this.onAudit(this.store.audit.append({ kind: 'audit-gap', detail: gap }));
      this.lost = 0;
    }
    const entry = this.store.audit.append({ kind, patientId, address, detail });
    this.onAudit(entry);
    return entry;
  }
}

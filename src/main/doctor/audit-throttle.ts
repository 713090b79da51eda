/**
 * How many audit rows one source address can make the doctor write before it has proven a key:
 * a few a minute, then the rest are counted and the count is written with the next row allowed
 * (an outside review wrote 2,205 rows, 12 MB, in 3 s from one address with connections that each
 * sent one opcode 60; the hash-chained log cannot be trimmed afterwards). Rows about admitted
 * patients and the doctor's own actions are never throttled.
 */
const MAX_TRACKED = 4096;

interface Window {
  startedAt: number;
  written: number;
  held: number;
}

export class AuditThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly now: () => number,
    private readonly perMinute = 20,
    private readonly windowMs = 60_000,
  ) {}

  /**
   * Whether a row about `source` (an address, with the row's kind) may be written now; when it
   * may and earlier rows were held back, `note` says how many (to append to the row).
   */
  admit(source: string): { write: boolean; note: string } {
    const now = this.now();
    let window = this.windows.get(source);
    let held = 0;
    if (!window || now - window.startedAt >= this.windowMs) {
      held = window?.held ?? 0;
      window = { startedAt: now, written: 0, held: 0 };
    }
    this.windows.delete(source);
    this.windows.set(source, window);
    if (this.windows.size > MAX_TRACKED) this.windows.delete(this.windows.keys().next().value!);
    if (window.written >= this.perMinute) {
      window.held++;
      return { write: false, note: '' };
    }
    window.written++;
    const note = held > 0 ? ` [${held} more such rows from this address in the minute before were counted, not recorded]` : '';
    return { write: true, note };
  }
}

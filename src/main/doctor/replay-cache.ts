/**
 * Nonces of authentic opcode-10 messages seen within the timestamp window. A message whose
 * nonce is here is a replay; entries older than the window are useless (a replay of them fails
 * the timestamp check) and are purged. Bounded: when full, new handshakes are refused rather
 * than old nonces forgotten early.
 */
const MAX_ENTRIES = 100_000;

export class ReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly windowMs: number,
  ) {}

  has(patientId: string, nonce: string): boolean {
    this.purge();
    return this.seen.has(`${patientId}\u0000${nonce}`);
  }

  get full(): boolean {
    this.purge();
    return this.seen.size >= MAX_ENTRIES;
  }

  add(patientId: string, nonce: string, ts: number): void {
    // Keep it until no message with this timestamp can pass the freshness check any more.
    this.seen.set(`${patientId}\u0000${nonce}`, ts + this.windowMs);
  }

  private purge(): void {
    const now = this.now();
    // Insertion order follows arrival, so expired entries sit at the front.
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt >= now) break;
      this.seen.delete(key);
    }
  }
}

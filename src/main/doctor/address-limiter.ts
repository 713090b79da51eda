/**
 * Per-address limits on unauthenticated work: a token bucket for handshakes started, and a
 * strike count for failures (bad signatures, impostor attempts) that shuts an address out for
 * the rest of the window. Bounded: the least recently seen addresses are forgotten first.
 */
const MAX_ADDRESSES = 4096;

interface Entry {
  tokens: number;
  refilledAt: number;
  strikes: number[];
}

export class AddressLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    private readonly perMinute: number,
    private readonly maxStrikes: number,
    private readonly strikeWindowMs: number,
  ) {}

  private entry(address: string): Entry {
    let entry = this.entries.get(address);
    if (entry) {
      this.entries.delete(address);
    } else {
      entry = { tokens: this.perMinute, refilledAt: this.now(), strikes: [] };
      if (this.entries.size >= MAX_ADDRESSES) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(address, entry);
    return entry;
  }

  /** Takes one handshake token; false when the address is over its rate or struck out. */
  allowHandshake(address: string): boolean {
    const entry = this.entry(address);
    const now = this.now();
    entry.tokens = Math.min(this.perMinute, entry.tokens + ((now - entry.refilledAt) * this.perMinute) / 60_000);
    entry.refilledAt = now;
    if (this.isStruckOut(entry, now) || entry.tokens < 1) return false;
    entry.tokens -= 1;
    return true;
  }

  strike(address: string): void {
    this.entry(address).strikes.push(this.now());
  }

  private isStruckOut(entry: Entry, now: number): boolean {
    entry.strikes = entry.strikes.filter((at) => now - at < this.strikeWindowMs);
    return entry.strikes.length >= this.maxStrikes;
  }
}

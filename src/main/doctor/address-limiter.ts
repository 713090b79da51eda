/**
 * Per-address limits on unauthenticated work: a token bucket for handshakes started, a strike
 * count for failures (bad signatures, replays, impostor attempts) that shuts an address out for
 * the rest of the window, and the seed's "block on failure" applied where it belongs: to the key
 * that failed, from the address it failed from, never to the patient id (anyone can replay or
 * garble a message under someone else's id; requirements, "Rules that apply to every step").
 * Bounded: the least recently seen addresses are forgotten first.
 */
const MAX_ADDRESSES = 4096;

interface Entry {
  tokens: number;
  refilledAt: number;
  strikes: number[];
  /** Failures per key fingerprint presented from this address, and until when a key is refused. */
  keyFailures: Map<string, { count: number; firstAt: number; blockedUntil: number }>;
}

/**
 * The unit that limits count: an IPv4 address, or an IPv6 /64 (one host usually holds a whole
 * /64, so counting single IPv6 addresses would let it take as many slots as it likes).
 */
export function addressBucket(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export class AddressLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    private readonly perMinute: number,
    private readonly maxStrikes: number,
    private readonly strikeWindowMs: number,
    private readonly maxKeyFailures = 3,
    private readonly keyBlockMs = 2 * 60_000,
  ) {}

  private entry(ip: string): Entry {
    const address = addressBucket(ip);
    let entry = this.entries.get(address);
    if (entry) {
      this.entries.delete(address);
    } else {
      entry = { tokens: this.perMinute, refilledAt: this.now(), strikes: [], keyFailures: new Map() };
      if (this.entries.size >= MAX_ADDRESSES) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(address, entry);
    return entry;
  }

  /** Takes one handshake token; false when the address is over its rate or struck out. */
  allowHandshake(ip: string): boolean {
    const entry = this.entry(ip);
    const now = this.now();
    entry.tokens = Math.min(this.perMinute, entry.tokens + ((now - entry.refilledAt) * this.perMinute) / 60_000);
    entry.refilledAt = now;
    if (this.isStruckOut(entry, now) || entry.tokens < 1) return false;
    entry.tokens -= 1;
    return true;
  }

  strike(ip: string): void {
    this.entry(ip).strikes.push(this.now());
  }

  /**
   * Counts a failed handshake of `fingerprint` from `ip`; returns the time until which that key is
   * now refused from that address, or null while it has failures to spare.
   */
  keyFailure(ip: string, fingerprint: string): number | null {
    const entry = this.entry(ip);
    const now = this.now();
    let record = entry.keyFailures.get(fingerprint);
    if (!record || now - record.firstAt > this.strikeWindowMs) record = { count: 0, firstAt: now, blockedUntil: 0 };
    record.count++;
    if (record.count >= this.maxKeyFailures) record.blockedUntil = now + this.keyBlockMs;
    entry.keyFailures.delete(fingerprint);
    entry.keyFailures.set(fingerprint, record);
    if (entry.keyFailures.size > 64) entry.keyFailures.delete(entry.keyFailures.keys().next().value!);
    return record.blockedUntil > now ? record.blockedUntil : null;
  }

  /** Until when `fingerprint` is refused from `ip`, or null. */
  keyBlockedUntil(ip: string, fingerprint: string): number | null {
    const until = this.entries.get(addressBucket(ip))?.keyFailures.get(fingerprint)?.blockedUntil ?? 0;
    return until > this.now() ? until : null;
  }

  private isStruckOut(entry: Entry, now: number): boolean {
    entry.strikes = entry.strikes.filter((at) => now - at < this.strikeWindowMs);
    return entry.strikes.length >= this.maxStrikes;
  }
}

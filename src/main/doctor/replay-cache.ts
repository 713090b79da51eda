/**
 * Nonces of authentic opcode-10 messages seen within the timestamp window. A message whose
 * nonce is here is a replay; entries older than the window are useless (a replay of them fails
 * the timestamp check) and are purged. Written through to the store, and loaded from it at
 * start, so a doctor restarted inside the window still refuses a replay (issue: a restarted
 * doctor answered a replayed opcode 10 with a signed opcode 20). Bounded: when full, new
 * handshakes are refused rather than old nonces forgotten early.
 */
import type { NonceStore } from '../store/index.js';

const MAX_ENTRIES = 100_000;
const PURGE_EVERY = 1_000;

/** Ids and nonces never contain a space (protocol/fields.ts). */
const nonceKey = (patientId: string, nonce: string): string => `${patientId} ${nonce}`;

export class ReplayCache {
  private readonly seen = new Map<string, number>();
  private addsSincePurge = 0;

  constructor(
    private readonly now: () => number,
    private readonly windowMs: number,
    private readonly persisted: NonceStore | null = null,
  ) {
    if (persisted) {
      persisted.purgeExpired();
      for (const { key, expiresAt } of persisted.live()) this.seen.set(key, expiresAt);
    }
  }

  has(patientId: string, nonce: string): boolean {
    this.purge();
    return this.seen.has(nonceKey(patientId, nonce));
  }

  get full(): boolean {
    this.purge();
    return this.seen.size >= MAX_ENTRIES;
  }

  add(patientId: string, nonce: string, ts: number): void {
    // Keep it until no message with this timestamp can pass the freshness check any more.
    const key = nonceKey(patientId, nonce);
    const expiresAt = ts + this.windowMs;
    this.seen.set(key, expiresAt);
    if (!this.persisted) return;
    this.persisted.add(key, expiresAt);
    if (++this.addsSincePurge >= PURGE_EVERY) {
      this.addsSincePurge = 0;
      this.persisted.purgeExpired();
    }
  }

  private purge(): void {
    const now = this.now();
    // Expiries follow arrival closely but not exactly (ts varies within the window): stop at the
    // first live entry, which may leave a few expired ones for a later purge, never drop a live one.
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt >= now) break;
      this.seen.delete(key);
    }
  }
}

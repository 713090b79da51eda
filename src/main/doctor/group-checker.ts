/**
 * Validation of patient-proposed groups with a cost bound: standard RFC 7919 groups pass at
 * once; a custom group is checked once (two primality tests, ~0.2 s at 2048 bits, on worker
 * threads) and its verdict cached, concurrent requests for the same group share one check, and
 * at most two checks run at a time with a short queue, beyond which requests are refused.
 */
import type { AsyncCrypto, Group, GroupCheck } from '../crypto/index.js';
import { findStandardGroup } from '../crypto/index.js';

const CACHE_SIZE = 64;
const MAX_RUNNING = 2;
const MAX_WAITING = 8;

export type GroupVerdict = GroupCheck | { ok: false; reason: 'busy'; message: string };

export class GroupChecker {
  private readonly verdicts = new Map<string, GroupCheck>();
  private readonly inFlight = new Map<string, Promise<GroupVerdict>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly crypto: AsyncCrypto) {}

  check(p: bigint, g: bigint): Promise<GroupVerdict> {
    const standard = findStandardGroup(p, g);
    if (standard) return Promise.resolve({ ok: true, group: standard });
    const key = `${p.toString(16)}:${g.toString(16)}`;
    const cached = this.verdicts.get(key);
    if (cached) return Promise.resolve(cached);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    if (this.running >= MAX_RUNNING && this.waiting.length >= MAX_WAITING) {
      return Promise.resolve({ ok: false, reason: 'busy', message: 'The doctor is busy checking other groups; try again shortly.' });
    }
    const job = this.run(p, g, key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, job);
    return job;
  }

  private async run(p: bigint, g: bigint, key: string): Promise<GroupVerdict> {
    if (this.running >= MAX_RUNNING) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      const verdict = await this.crypto.validateGroup(p, g);
      this.verdicts.set(key, verdict);
      if (this.verdicts.size > CACHE_SIZE) this.verdicts.delete(this.verdicts.keys().next().value!);
      return verdict;
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

export function isCustomGroup(group: Group): boolean {
  return group.name === 'custom';
}

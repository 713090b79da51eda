/**
 * Validation of patient-proposed groups with a cost that no outsider can inflate:
 * - One canonical form per group. A safe prime fixes its subgroup of order q, so every generator
 *   of it names the same group: a standard RFC 7919 prime is accepted only with its generator 2,
 *   and a custom prime only with the generator the patient's generator picks (2 when p = 7 mod 8,
 *   where 2 is a quadratic residue, else 4). Verdicts are cached by p alone, so "the same prime
 *   with a new g each time" is refused at once instead of costing a fresh primality test.
 * - The primality tests run in the worker pool's background lane (one worker at most, a short
 *   queue), so admitted patients and standard-group handshakes never wait behind them; one
 *   check per source address at a time; and a check nobody waits for any more (its connections
 *   closed) is abandoned, not finished.
 */
import type { AsyncCrypto, Group, GroupCheck } from '../crypto/index.js';
import { findStandardGroup, MAX_GROUP_BITS, MIN_GROUP_BITS, STANDARD_GROUPS } from '../crypto/index.js';
import { addressBucket } from './address-limiter.js';

const CACHE_SIZE = 256;

export type GroupVerdict =
  | GroupCheck
  | { ok: false; reason: 'busy' | 'abandoned' | 'non-canonical'; message: string };

interface Job {
  promise: Promise<GroupVerdict>;
  controller: AbortController;
  waiting: number;
}

/** The generator a custom group over p must use (docs/protocol.md, "Groups and keys"). */
export function canonicalGenerator(p: bigint): bigint {
  return (p & 7n) === 7n ? 2n : 4n;
}

export class GroupChecker {
  private readonly verdicts = new Map<string, GroupCheck>();
  private readonly jobs = new Map<string, Job>();
  /** Source addresses with a check under way. */
  private readonly busyAddresses = new Set<string>();

  constructor(private readonly crypto: AsyncCrypto) {}

  /** The verdict on (p, g) for a patient at `ip`; `signal` aborts when its connection closes. */
  async check(p: bigint, g: bigint, ip: string, signal: AbortSignal): Promise<GroupVerdict> {
    const standard = findStandardGroup(p, g);
    if (standard) return { ok: true, group: standard };
    // The checks that cost nothing run here, so only a well-formed group reaches the workers.
    const bits = p.toString(2).length;
    if (bits < MIN_GROUP_BITS || bits > MAX_GROUP_BITS || (p & 1n) === 0n) return this.crypto.engine.validateGroup(p, g);
    const standardPrime = Object.values(STANDARD_GROUPS).find((s) => s.p === p);
    if (standardPrime) {
      return { ok: false, reason: 'non-canonical', message: `the standard prime ${standardPrime.name} is accepted only with its generator g = 2` };
    }
    const canonical = canonicalGenerator(p);
    if (g !== canonical) {
      return {
        ok: false,
        reason: 'non-canonical',
        message: `a custom group must use the generator g = ${canonical} for this p (2 when p = 7 mod 8, else 4); every generator of the subgroup names the same group`,
      };
    }
    const key = p.toString(16);
    const cached = this.verdicts.get(key);
    if (cached) return cached;
    let job = this.jobs.get(key);
    const bucket = addressBucket(ip);
    if (!job) {
      if (this.busyAddresses.has(bucket)) return busy('one custom group from your address is being checked already');
      job = this.start(p, g, key, bucket);
    }
    return this.wait(job, signal);
  }

  private start(p: bigint, g: bigint, key: string, bucket: string): Job {
    const controller = new AbortController();
    this.busyAddresses.add(bucket);
    const promise = this.crypto
      .validateGroup(p, g, { signal: controller.signal })
      .then((verdict): GroupVerdict => {
        this.verdicts.set(key, verdict);
        if (this.verdicts.size > CACHE_SIZE) this.verdicts.delete(this.verdicts.keys().next().value!);
        return verdict;
      })
      .catch((error: Error): GroupVerdict => {
        if (error.name === 'BusyError') return busy('the doctor is checking other custom groups');
        if (error.name === 'AbortError') return { ok: false, reason: 'abandoned', message: 'the check was abandoned' };
        throw error;
      })
      .finally(() => {
        this.jobs.delete(key);
        this.busyAddresses.delete(bucket);
      });
    const job: Job = { promise, controller, waiting: 0 };
    this.jobs.set(key, job);
    return job;
  }

  private wait(job: Job, signal: AbortSignal): Promise<GroupVerdict> {
    job.waiting++;
    return new Promise<GroupVerdict>((resolve, reject) => {
      let done = false;
      const settle = (): boolean => {
        if (done) return false;
        done = true;
        job.waiting--;
        signal.removeEventListener('abort', leave);
        return true;
      };
      function leave(): void {
        if (!settle()) return;
        if (job.waiting === 0) job.controller.abort();
        resolve({ ok: false, reason: 'abandoned', message: 'the connection closed' });
      }
      if (signal.aborted) return leave();
      signal.addEventListener('abort', leave, { once: true });
      job.promise.then(
        (verdict) => settle() && resolve(verdict),
        (error: unknown) => settle() && reject(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }
}

function busy(why: string): GroupVerdict {
  return { ok: false, reason: 'busy', message: `${why}; try again shortly, or choose a standard group` };
}

export function isCustomGroup(group: Group): boolean {
  return group.name === 'custom';
}

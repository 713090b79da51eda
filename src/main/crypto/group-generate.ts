/**
 * Generation of a fresh safe-prime group (the seed's "client generates (p, g, y)"). Default: the
 * search raced on several worker threads (safe-prime-race.ts; the first safe prime found wins,
 * the others are terminated, so it can be cancelled at once). With `workers: 0`: OpenSSL's
 * safe-prime search through crypto.generatePrime on libuv's thread pool (seconds at 2048 bits,
 * high variance, not interruptible). Fallback (`forceJs`): a pure-JS search that yields to the
 * event loop between candidates. Every way the caller gets progress callbacks and can cancel, and
 * q and p are verified independently before the group is returned.
 *
 * The generator is 2 when 2 is a quadratic residue mod p (p = 7 mod 8, as in RFC 7919) and 4
 * (= 2^2, always a residue) otherwise, so g always generates the subgroup of prime order q.
 */
import { generatePrime } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { bitLength, randomBigIntInRange } from './bigint.js';
import { makeGroup, type Group } from './groups.js';
import type { ModExpBackend } from './modexp/backend.js';
import { hasSmallFactor, isProbablePrime, isProbablePrimeJs } from './primality.js';
import { MAX_GROUP_BITS, MIN_GROUP_BITS } from './group-validate.js';
import { raceSafePrime, SafePrimeWorkersFailed } from './safe-prime-race.js';

export interface GenerationProgress {
  phase: 'searching' | 'verifying' | 'done';
  candidatesTried: number;
  elapsedMs: number;
}

export interface GenerateOptions {
  onProgress?: (progress: GenerationProgress) => void;
  signal?: AbortSignal;
  /** Forces the pure-JS search even where OpenSSL's is available. */
  forceJs?: boolean;
  /**
   * Worker threads racing the search (the first safe prime found wins). Default:
   * defaultGenerationWorkers() (one per core, at most 4). 0 uses OpenSSL's search on libuv's pool.
   */
  workers?: number;
}

/** One worker per core, at most 4. */
export function defaultGenerationWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export function generatorFor(p: bigint): bigint {
  return (p & 7n) === 7n ? 2n : 4n;
}

function nativeSafePrime(bits: number): Promise<bigint> {
  return new Promise((resolve, reject) => {
    generatePrime(bits, { safe: true, bigint: true }, (err, prime) => (err ? reject(err) : resolve(prime)));
  });
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Pure-JS safe-prime search. Accepts any size from 64 bits for tests of the search itself;
 * production callers go through generateSafePrimeGroup, which enforces the 2048-bit floor.
 */
export async function findSafePrimeJs(bits: number, backend: ModExpBackend, options: GenerateOptions = {}): Promise<bigint> {
  if (!Number.isInteger(bits) || bits < 64) throw new RangeError('findSafePrimeJs: bits must be an integer >= 64');
  const started = Date.now();
  let tried = 0;
  for (;;) {
    if (options.signal?.aborted) throw new Error('findSafePrimeJs: cancelled');
    // Odd q of bits-1 bits with q = 2 mod 3, so that neither q nor p = 2q + 1 is divisible by 3.
    let q = randomBigIntInRange(1n << BigInt(bits - 2), 1n << BigInt(bits - 1)) | 1n;
    if (q % 3n !== 2n) q += q % 3n === 0n ? 2n : 4n;
    tried++;
    if (tried % 64 === 0) {
      options.onProgress?.({ phase: 'searching', candidatesTried: tried, elapsedMs: Date.now() - started });
      await tick();
    }
    const p = 2n * q + 1n;
    if (bitLength(p) !== bits || hasSmallFactor(q) || hasSmallFactor(p)) continue;
    if (!isProbablePrimeJs(q, backend, 1) || !isProbablePrimeJs(p, backend, 1)) continue;
    if (isProbablePrimeJs(q, backend) && isProbablePrimeJs(p, backend)) return p;
  }
}

export async function generateSafePrimeGroup(bits: number, backend: ModExpBackend, options: GenerateOptions = {}): Promise<Group> {
  if (!Number.isInteger(bits) || bits < MIN_GROUP_BITS || bits > MAX_GROUP_BITS) {
    throw new RangeError(`generateSafePrimeGroup: bits must be an integer from ${MIN_GROUP_BITS} to ${MAX_GROUP_BITS}`);
  }
  const workers = options.workers ?? defaultGenerationWorkers();
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError('generateSafePrimeGroup: workers must be an integer >= 0');
  const started = Date.now();
  options.onProgress?.({ phase: 'searching', candidatesTried: 0, elapsedMs: 0 });
  let p: bigint | undefined;
  let tried = 0;
  if (!options.forceJs && workers >= 1) {
    try {
      p = await raceSafePrime(bits, {
        workers,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (x) => {
          tried = x.candidatesTried;
          options.onProgress?.({ phase: 'searching', candidatesTried: tried, elapsedMs: Date.now() - started });
        },
      });
    } catch (error) {
      // Workers that cannot run at all (e.g. a build without the worker file) fall back to
      // OpenSSL's search below; cancellation and other errors propagate.
      if (!(error instanceof SafePrimeWorkersFailed) || typeof generatePrime !== 'function') throw error;
    }
  }
  if (p === undefined && !options.forceJs && typeof generatePrime === 'function') {
    // OpenSSL's search cannot be interrupted; a heartbeat keeps the progress display alive.
    const heartbeat = setInterval(
      () => options.onProgress?.({ phase: 'searching', candidatesTried: 0, elapsedMs: Date.now() - started }),
      250,
    );
    try {
      p = await nativeSafePrime(bits);
    } finally {
      clearInterval(heartbeat);
    }
    if (options.signal?.aborted) throw new Error('generateSafePrimeGroup: cancelled');
  } else if (p === undefined) {
    p = await findSafePrimeJs(bits, backend, options);
  }
  options.onProgress?.({ phase: 'verifying', candidatesTried: tried, elapsedMs: Date.now() - started });
  const q = (p - 1n) >> 1n;
  // Independent, full-strength confirmation of the search's answer before anyone relies on it.
  if (bitLength(p) !== bits || !(await isProbablePrime(q, backend)) || !(await isProbablePrime(p, backend))) {
    throw new Error('generateSafePrimeGroup: generated modulus failed verification');
  }
  if (options.signal?.aborted) throw new Error('generateSafePrimeGroup: cancelled');
  options.onProgress?.({ phase: 'done', candidatesTried: tried, elapsedMs: Date.now() - started });
  return makeGroup(p, generatorFor(p));
}

/**
 * Primality testing: OpenSSL's BN_check_prime through node:crypto where the runtime has it (run on
 * libuv's thread pool, so it never blocks the event loop), and a pure-JS Miller-Rabin fallback
 * (FIPS 186-5 B.3.1, random bases from the CSPRNG) for runtimes without it.
 * Inputs are public (received or generated group parameters), so neither path is constant time.
 */
import { checkPrime } from 'node:crypto';
import { bitLength, randomBigIntInRange } from './bigint.js';
import type { ModExpBackend } from './modexp/backend.js';

const SMALL_PRIMES: readonly bigint[] = (() => {
  const out: bigint[] = [];
  for (let n = 3; out.length < 300; n += 2) {
    if (out.every((p) => BigInt(n) % p !== 0n)) out.push(BigInt(n));
  }
  return out;
})();

/** Rounds giving error probability below 2^-128 for random candidates and 2^-100 adversarially. */
function roundsFor(bits: number): number {
  return bits >= 3072 ? 64 : bits >= 1024 ? 56 : 40;
}

export function isProbablePrimeJs(n: bigint, backend: ModExpBackend, rounds = roundsFor(n > 0n ? bitLength(n) : 0)): boolean {
  if (n < 2n) return false;
  if (n < 4n) return true;
  if ((n & 1n) === 0n) return false;
  for (const p of SMALL_PRIMES) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  witness: for (let i = 0; i < rounds; i++) {
    const a = randomBigIntInRange(2n, n - 1n);
    let x = backend.modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) continue witness;
    }
    return false;
  }
  return true;
}

export function nativePrimalityAvailable(): boolean {
  return typeof checkPrime === 'function';
}

export function isProbablePrime(n: bigint, backend: ModExpBackend): Promise<boolean> {
  if (n < 2n) return Promise.resolve(false);
  if (!nativePrimalityAvailable()) return Promise.resolve(isProbablePrimeJs(n, backend));
  return new Promise((resolve, reject) => {
    checkPrime(n, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** Trial division by the first odd primes: cheap pre-filter for candidate search. */
export function hasSmallFactor(n: bigint): boolean {
  for (const p of SMALL_PRIMES) {
    if (n === p) return false;
    if (n % p === 0n) return true;
  }
  return false;
}

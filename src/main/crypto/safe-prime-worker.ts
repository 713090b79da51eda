/**
 * Worker-thread side of raceSafePrime (safe-prime-race.ts): searches for a safe prime p = 2q + 1
 * of `workerData.bits` bits until the parent terminates it.
 *
 * Each round draws a random odd q of bits-1 bits (top bit set) from the CSPRNG, sieves the window
 * q + 2i (i < WINDOW) by the odd primes below 2^20 (dropping i where q + 2i or 2(q + 2i) + 1 has
 * such a factor), then runs one cheap probable-prime test on each survivor's q and, only if it
 * passes, on p. The first p found is posted as { found: p }; { tried: n } (survivors tested since
 * the last report) is posted about every PROGRESS_MS. The parent re-verifies q and p with full
 * strength before using them, so a single round here is enough to filter.
 *
 * Every step is a short synchronous call (milliseconds), so worker.terminate() takes effect
 * almost at once; the worker checks for nothing else.
 */
import { checkPrimeSync, randomBytes } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { modPowNative } from './modexp/native.js';

export type SafePrimeWorkerMessage = { tried: number } | { found: bigint };

// A wide window and sieve bound: sieving 65536 candidates by the 82,000 primes below 2^20 costs
// about 20 ms at 2048 bits and leaves ~300 survivors, each about 2 ms to test.
const WINDOW = 65_536;
const SIEVE_LIMIT = 1 << 20;
const PROGRESS_MS = 150;

const SIEVE_PRIMES: readonly number[] = (() => {
  const composite = new Uint8Array(SIEVE_LIMIT);
  const out: number[] = [];
  for (let n = 3; n < SIEVE_LIMIT; n += 2) {
    if (composite[n]) continue;
    out.push(n);
    for (let m = n * n; m < SIEVE_LIMIT; m += 2 * n) composite[m] = 1;
  }
  return out;
})();
const SIEVE_PRIMES_BIG: readonly bigint[] = SIEVE_PRIMES.map(BigInt);

/** One probable-prime round: OpenSSL's BN_check_prime with one check, or base-2 Fermat. */
const quickPrime: (n: bigint) => boolean =
  typeof checkPrimeSync === 'function'
    ? (n) => checkPrimeSync(n, { checks: 1 })
    : (n) => modPowNative(2n, n - 1n, n) === 1n;

function randomOddTopBit(bits: number): bigint {
  const bytes = Math.ceil(bits / 8);
  const buf = randomBytes(bytes);
  let n = BigInt('0x' + buf.toString('hex'));
  n &= (1n << BigInt(bits)) - 1n;
  return n | (1n << BigInt(bits - 1)) | 1n;
}

/** Marks i in [0, WINDOW) where q + 2i or 2(q + 2i) + 1 has a sieve prime as a factor. */
function sieveWindow(q: bigint, marks: Uint8Array): void {
  marks.fill(0);
  for (let k = 0; k < SIEVE_PRIMES.length; k++) {
    const pr = SIEVE_PRIMES[k]!;
    const r = Number(q % SIEVE_PRIMES_BIG[k]!);
    const inv2 = (pr + 1) / 2;
    const inv4 = (inv2 * inv2) % pr;
    // q + 2i = 0 (mod pr)  <=>  i = -r / 2
    for (let i = (((pr - r) % pr) * inv2) % pr; i < WINDOW; i += pr) marks[i] = 1;
    // 2q + 1 + 4i = 0 (mod pr)  <=>  i = -(2r + 1) / 4
    for (let i = (((pr - ((2 * r + 1) % pr)) % pr) * inv4) % pr; i < WINDOW; i += pr) marks[i] = 1;
  }
}

function search(bits: number): void {
  const port = parentPort!;
  const marks = new Uint8Array(WINDOW);
  let tried = 0;
  let lastReport = Date.now();
  for (;;) {
    const q0 = randomOddTopBit(bits - 1);
    sieveWindow(q0, marks);
    for (let i = 0; i < WINDOW; i++) {
      if (marks[i]) continue;
      const q = q0 + 2n * BigInt(i);
      tried++;
      if (quickPrime(q)) {
        const p = 2n * q + 1n;
        if (p >> BigInt(bits - 1) === 1n && quickPrime(p)) {
          port.postMessage({ tried } satisfies SafePrimeWorkerMessage);
          port.postMessage({ found: p } satisfies SafePrimeWorkerMessage);
          return;
        }
      }
      const now = Date.now();
      if (now - lastReport >= PROGRESS_MS) {
        port.postMessage({ tried } satisfies SafePrimeWorkerMessage);
        tried = 0;
        lastReport = now;
      }
    }
  }
}

const bits = (workerData as { bits?: unknown } | undefined)?.bits;
if (parentPort && typeof bits === 'number' && Number.isInteger(bits) && bits >= 64) search(bits);
else throw new Error('safe-prime-worker: needs parentPort and an integer workerData.bits >= 64');

// Primality: the pure-JS Miller-Rabin and the OpenSSL path must agree, on primes and on the
// composites built to fool weaker tests (Carmichael numbers, strong pseudoprimes).
import { describe, expect, it } from 'vitest';
import { FFDHE2048 } from '../../../src/main/crypto/groups.js';
import { BACKENDS } from '../../../src/main/crypto/modexp/select.js';
import { hasSmallFactor, isProbablePrime, isProbablePrimeJs, nativePrimalityAvailable } from '../../../src/main/crypto/primality.js';
import { referenceModPow } from './helpers.js';

const backend = BACKENDS.native;

// A Chernick Carmichael number (6k+1)(12k+1)(18k+1) with all three factors prime, k found by a
// search with OpenSSL's checkPrime. Its smallest factor (63 bits) is far beyond trial division, and
// it passes the Fermat test for every base coprime to it: only Miller-Rabin's square-root step
// exposes it.
const CHERNICK_K = 1048146668583731300n;
const CHERNICK_FACTORS = [6n * CHERNICK_K + 1n, 12n * CHERNICK_K + 1n, 18n * CHERNICK_K + 1n] as const;
const CHERNICK = CHERNICK_FACTORS[0] * CHERNICK_FACTORS[1] * CHERNICK_FACTORS[2];

const PRIMES: bigint[] = [
  2n,
  3n,
  5n,
  7n,
  97n,
  1993n, // the last prime of the trial-division table
  1997n, // the first prime past it
  7919n,
  65537n,
  (1n << 61n) - 1n, // Mersenne primes M61, M89, M127
  (1n << 89n) - 1n,
  (1n << 127n) - 1n,
  ...CHERNICK_FACTORS,
  FFDHE2048.p,
  FFDHE2048.q,
];

const COMPOSITES: bigint[] = [
  0n,
  1n,
  4n,
  9n,
  561n, // Carmichael numbers (OEIS A002997): 3*11*17
  1105n,
  1729n,
  41041n, // 7*11*13*41
  825265n,
  2047n, // strong pseudoprime to base 2 (OEIS A001262): 23*89
  3215031751n, // strong pseudoprime to bases 2, 3, 5 and 7: 151*751*28351
  3825123056546413051n, // strong pseudoprime to bases 2..23: 149491*747451*34233211
  318665857834031151167461n, // strong pseudoprime to the first 12 prime bases (Jaeschke 1993)
  3317044064679887385961981n, // strong pseudoprime to the first 13 prime bases
  CHERNICK,
  (1n << 67n) - 1n, // M67 = 193707721 * 761838257287 (Cole, 1903)
  ((1n << 61n) - 1n) ** 2n,
  FFDHE2048.p * FFDHE2048.q,
  FFDHE2048.p + 2n,
];

describe('isProbablePrimeJs and isProbablePrime', () => {
  it('OpenSSL primality is available on this runtime', () => {
    expect(nativePrimalityAvailable()).toBe(true);
  });

  it('the Chernick number is a Carmichael number (Korselt) that fools the Fermat test', () => {
    for (const f of CHERNICK_FACTORS) expect((CHERNICK - 1n) % (f - 1n)).toBe(0n);
    for (const base of [2n, 3n, 5n, 0x1234567890abcdefn]) expect(referenceModPow(base, CHERNICK - 1n, CHERNICK)).toBe(1n);
  });

  it.each(PRIMES.map((n) => [n.toString(2).length, n]))('accept a %i-bit prime', async (_bits, n) => {
    expect(isProbablePrimeJs(n, backend)).toBe(true);
    expect(await isProbablePrime(n, backend)).toBe(true);
  });

  it.each(COMPOSITES.map((n) => [n.toString(2).length, n]))('reject a %i-bit composite', async (_bits, n) => {
    expect(isProbablePrimeJs(n, backend)).toBe(false);
    expect(await isProbablePrime(n, backend)).toBe(false);
  });

  it('reject negative numbers', async () => {
    expect(isProbablePrimeJs(-7n, backend)).toBe(false);
    expect(await isProbablePrime(-7n, backend)).toBe(false);
  });

  it('the JS test works with every backend', () => {
    for (const b of Object.values(BACKENDS)) {
      expect(isProbablePrimeJs((1n << 127n) - 1n, b, 8), b.name).toBe(true);
      expect(isProbablePrimeJs(3317044064679887385961981n, b, 8), b.name).toBe(false);
    }
  });
});

describe('hasSmallFactor', () => {
  it('finds small factors but not in the small primes themselves', () => {
    expect(hasSmallFactor(3n)).toBe(false);
    expect(hasSmallFactor(1993n)).toBe(false);
    expect(hasSmallFactor(9n)).toBe(true);
    expect(hasSmallFactor(1993n * 1997n)).toBe(true);
    expect(hasSmallFactor(FFDHE2048.p)).toBe(false);
    expect(hasSmallFactor(FFDHE2048.p * 1993n)).toBe(true);
    expect(hasSmallFactor(1997n * 1999n)).toBe(false); // both past the table (which ends at 1993)
  });
});

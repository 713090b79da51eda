// The RFC 7919 groups, recomputed from the RFC's own definition rather than trusted as pasted hex.
import { describe, expect, it } from 'vitest';
import {
  FFDHE2048,
  FFDHE3072,
  FFDHE4096,
  findStandardGroup,
  makeGroup,
  STANDARD_GROUP_NAMES,
  STANDARD_GROUPS,
  type Group,
} from '../../../src/main/crypto/groups.js';
import { isProbablePrime } from '../../../src/main/crypto/primality.js';
import { BACKENDS } from '../../../src/main/crypto/modexp/select.js';
import { referenceModPow } from './helpers.js';

/**
 * floor(2^n * e), exactly: e = sum 1/k!, so 2^(n+guard) * e = sum floor(2^(n+guard) / k!) up to
 * an error below the number of terms (each floor loses < 1, the tail is below the last term).
 * 64 guard bits leave the result exact unless 2^n e lies within ~2^-54 of an integer.
 */
function floorTwoPowTimesE(n: bigint): bigint {
  const guard = 64n;
  let term = 1n << (n + guard); // 2^(n+guard) / 0!
  let sum = 0n;
  for (let k = 1n; term > 0n; k++) {
    sum += term;
    term /= k; // floor(floor(x / (k-1)!) / k) = floor(x / k!)
  }
  return sum >> guard;
}

/** RFC 7919 appendix A: p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1. */
function rfc7919Prime(b: bigint, x: bigint): bigint {
  return (1n << b) - (1n << (b - 64n)) + (floorTwoPowTimesE(b - 130n) + x) * (1n << 64n) - 1n;
}

// RFC 7919 appendix A.1, "The hexadecimal representation of p is:" (ffdhe2048).
const RFC7919_A1_FFDHE2048_P = `
  FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1
  D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9
  7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561
  2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935
  984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735
  30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB
  B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19
  0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61
  9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73
  3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA
  886B4238 61285C97 FFFFFFFF FFFFFFFF`;

describe('RFC 7919 groups', () => {
  it('floorTwoPowTimesE is right on small known values', () => {
    // e = 2.718281828459045...: 2^10 e = 2783.5205..., 2^20 e = 2850325.1...
    expect(floorTwoPowTimesE(0n)).toBe(2n);
    expect(floorTwoPowTimesE(10n)).toBe(2783n);
    expect(floorTwoPowTimesE(20n)).toBe(2850325n);
  });

  // X values from RFC 7919 appendices A.1, A.2 and A.3.
  it.each([
    ['ffdhe2048', FFDHE2048, 2048n, 560316n],
    ['ffdhe3072', FFDHE3072, 3072n, 2625351n],
    ['ffdhe4096', FFDHE4096, 4096n, 5736041n],
  ])('%s: p equals the RFC formula with its X', (_name, group, bits, x) => {
    expect(group.p).toBe(rfc7919Prime(bits, x));
    expect(group.bits).toBe(Number(bits));
    expect(group.p.toString(2)).toHaveLength(Number(bits));
  });

  it('ffdhe2048 p equals the hex printed in RFC 7919 appendix A.1', () => {
    expect(FFDHE2048.p).toBe(BigInt('0x' + RFC7919_A1_FFDHE2048_P.replace(/\s+/g, '')));
  });

  it.each(STANDARD_GROUP_NAMES.map((name) => [name, STANDARD_GROUPS[name]] as const))(
    '%s: q = (p-1)/2, g = 2, g^q = 1 mod p, frozen',
    (name, group) => {
      expect(group.name).toBe(name);
      expect(2n * group.q + 1n).toBe(group.p);
      expect(group.g).toBe(2n);
      expect(referenceModPow(group.g, group.q, group.p)).toBe(1n);
      expect(Object.isFrozen(group)).toBe(true);
    },
  );

  it('ffdhe2048 p and q are prime (checked through OpenSSL)', async () => {
    expect(await isProbablePrime(FFDHE2048.p, BACKENDS.native)).toBe(true);
    expect(await isProbablePrime(FFDHE2048.q, BACKENDS.native)).toBe(true);
  });
});

describe('findStandardGroup / makeGroup', () => {
  it('finds a standard group by p and g, and only with g = 2', () => {
    for (const group of Object.values(STANDARD_GROUPS)) {
      expect(findStandardGroup(group.p, 2n)).toBe(group);
      expect(findStandardGroup(group.p, 4n)).toBeUndefined();
    }
    expect(findStandardGroup(FFDHE2048.p + 2n, 2n)).toBeUndefined();
  });

  it('makeGroup returns the standard object for standard parameters', () => {
    expect(makeGroup(FFDHE3072.p, 2n)).toBe(FFDHE3072);
  });

  it('makeGroup builds a frozen custom group otherwise', () => {
    const group: Group = makeGroup(FFDHE2048.p, 4n);
    expect(group).toEqual({ name: 'custom', p: FFDHE2048.p, q: FFDHE2048.q, g: 4n, bits: 2048 });
    expect(Object.isFrozen(group)).toBe(true);
    expect(makeGroup(23n, 4n)).toEqual({ name: 'custom', p: 23n, q: 11n, g: 4n, bits: 5 });
  });
});

// validateGroup: each rejection reason is reached by a group built to fail exactly that check
// (checks run in order: size, parity, generator range, generator order, q prime, p prime).
import { generatePrime } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { modInverse } from '../../../src/main/crypto/bigint.js';
import { generatorFor } from '../../../src/main/crypto/group-generate.js';
import { MAX_GROUP_BITS, MIN_GROUP_BITS, validateGroup, type GroupCheck, type GroupRejection } from '../../../src/main/crypto/group-validate.js';
import { FFDHE2048, FFDHE3072, FFDHE4096 } from '../../../src/main/crypto/groups.js';
import { BACKENDS } from '../../../src/main/crypto/modexp/select.js';
import { isProbablePrime } from '../../../src/main/crypto/primality.js';
import { referenceModPow } from './helpers.js';
import { FRESH_P_3_MOD_8, FRESH_P_7_MOD_8 } from '../../fixtures/safe-primes.js';

const backend = BACKENDS.native;

const prime = (bits: number): Promise<bigint> =>
  new Promise((resolve, reject) => generatePrime(bits, { bigint: true }, (err, p) => (err ? reject(err) : resolve(p))));

function expectRejected(check: GroupCheck, reason: GroupRejection): void {
  expect(check.ok ? 'accepted' : check.reason).toBe(reason);
  if (!check.ok) expect(check.message).toMatch(/^validateGroup: /);
}

describe('validateGroup accepts', () => {
  it.each([FFDHE2048, FFDHE3072, FFDHE4096])('the standard group $name (as the standard object)', async (group) => {
    const check = await validateGroup(group.p, 2n, backend);
    expect(check).toEqual({ ok: true, group });
    if (check.ok) expect(check.group).toBe(group);
  });

  it('a standard p with another generator of the subgroup (g = 4), after the full checks', async () => {
    const check = await validateGroup(FFDHE2048.p, 4n, backend);
    expect(check.ok && check.group).toMatchObject({ name: 'custom', p: FFDHE2048.p, q: FFDHE2048.q, g: 4n, bits: 2048 });
  });

  it.each([
    ['p = 7 mod 8, g = 2', FRESH_P_7_MOD_8, 2n],
    ['p = 3 mod 8, g = 4', FRESH_P_3_MOD_8, 4n],
  ])('a freshly generated 2048-bit safe-prime group (%s)', async (_label, p, g) => {
    expect(generatorFor(p)).toBe(g);
    const check = await validateGroup(p, g, backend);
    expect(check.ok && check.group).toMatchObject({ name: 'custom', p, q: (p - 1n) / 2n, g, bits: 2048 });
  });
});

describe('validateGroup rejects, with the exact reason', () => {
  it('too-small: the 11-bit safe prime of the reference implementation attack, and a 1024-bit prime', async () => {
    expectRejected(await validateGroup(2039n, 4n, backend), 'too-small'); // 2039 = 2*1019 + 1, both prime
    expectRejected(await validateGroup(await prime(1024), 4n, backend), 'too-small');
    expectRejected(await validateGroup((1n << BigInt(MIN_GROUP_BITS - 1)) - 1n, 4n, backend), 'too-small');
    expectRejected(await validateGroup(0n, 4n, backend), 'too-small');
  });

  it('too-large: 4097 bits and more', async () => {
    expectRejected(await validateGroup((1n << BigInt(MAX_GROUP_BITS)) + 1n, 4n, backend), 'too-large');
    expectRejected(await validateGroup((1n << 8192n) + 1n, 4n, backend), 'too-large');
  });

  it('p-even', async () => {
    expectRejected(await validateGroup(FFDHE2048.p + 1n, 4n, backend), 'p-even');
    expectRejected(await validateGroup(1n << 2047n, 4n, backend), 'p-even');
  });

  it('generator-out-of-range: g <= 1 or g >= p-1', async () => {
    const { p } = FFDHE2048;
    for (const g of [-2n, 0n, 1n, p - 1n, p, p + 4n]) {
      expectRejected(await validateGroup(p, g, backend), 'generator-out-of-range');
    }
  });

  it('generator-wrong-order: a non-residue generates the whole group (order 2q), not the subgroup', async () => {
    const { p, q } = FFDHE2048;
    // 3 is a quadratic residue mod ffdhe2048's p (p = 2 mod 3 and p = 3 mod 4); 7 and -2 are not.
    expect(referenceModPow(3n, q, p)).toBe(1n);
    for (const g of [7n, 11n, p - 2n]) {
      expect(referenceModPow(g, q, p)).toBe(p - 1n);
      expectRejected(await validateGroup(p, g, backend), 'generator-wrong-order');
    }
  });

  it('generator-wrong-order comes before the primality tests: a composite p with g = 4', async () => {
    const composite = 3n * ((1n << 2046n) + 1n); // odd, 2048 bits, divisible by 3
    expect(composite.toString(2)).toHaveLength(2048);
    expect(referenceModPow(4n, (composite - 1n) / 2n, composite)).not.toBe(1n);
    expectRejected(await validateGroup(composite, 4n, backend), 'generator-wrong-order');
  });

  it('p-not-safe-prime: a prime p whose (p-1)/2 is composite (g = 4 passes the order check by Fermat)', async () => {
    let p: bigint;
    do p = await prime(2048);
    while (await isProbablePrime((p - 1n) / 2n, backend));
    expect(referenceModPow(4n, (p - 1n) / 2n, p)).toBe(1n); // 4^((p-1)/2) = 2^(p-1) = 1
    expectRejected(await validateGroup(p, 4n, backend), 'p-not-safe-prime');
  });

  it('a composite p = a*c (p = 1 mod 4, g = 1 mod a, -1 mod c, so g^q = 1 mod p) is no safe prime, decided by q alone', async () => {
    let a: bigint;
    let c: bigint;
    do {
      a = await prime(1024);
      c = await prime(1024);
    } while ((a * c) % 4n !== 1n || (a * c).toString(2).length !== 2048);
    const p = a * c;
    const q = (p - 1n) / 2n; // even, so (-1)^q = 1
    const g = 1n + a * ((((c - 2n) % c) * modInverse(a, c)) % c); // CRT: g = 1 mod a, g = -1 mod c
    expect(g % a).toBe(1n);
    expect(g % c).toBe(c - 1n);
    expect(g > 1n && g < p - 1n).toBe(true);
    expect(referenceModPow(g, q, p)).toBe(1n); // so the order check passes and primality is reached
    // q is even, so the verdict needs no primality test of p (which would double a made-up group's cost).
    expectRejected(await validateGroup(p, g, backend), 'p-not-safe-prime');
  });

  it('throws TypeError for parameters that are not bigint', async () => {
    await expect(validateGroup(7 as unknown as bigint, 2n, backend)).rejects.toThrow(TypeError);
    await expect(validateGroup(FFDHE2048.p, '2' as unknown as bigint, backend)).rejects.toThrow(TypeError);
  });
});

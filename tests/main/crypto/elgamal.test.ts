// ElGamal encryption in the prime-order subgroup: key generation, round trips, and the refusal of
// every element that is not in the subgroup, wherever it comes from.
import { describe, expect, it } from 'vitest';
import { jacobiUnsafe, randomBigIntInRange } from '../../../src/main/crypto/bigint.js';
import {
  assertSubgroupElement,
  decrypt,
  encrypt,
  generateKeyPair,
  isSubgroupElementUnsafe,
  randomSubgroupElement,
  type KeyPair,
} from '../../../src/main/crypto/elgamal.js';
import { CryptoError } from '../../../src/main/crypto/errors.js';
import { FFDHE2048, FFDHE3072, type Group } from '../../../src/main/crypto/groups.js';
import { BACKENDS } from '../../../src/main/crypto/modexp/select.js';
import { referenceModPow, thrown } from './helpers.js';

const backend = BACKENDS.native;

/** The smallest quadratic non-residue mod p (7 for ffdhe2048: 3 is a residue there). */
function smallNonResidue(group: Group): bigint {
  let v = 2n;
  while (jacobiUnsafe(v, group.p) !== -1) v++;
  return v;
}

/** Values a peer could send that are not in the order-q subgroup. */
function outsiders(group: Group): Array<[string, bigint]> {
  const { p } = group;
  return [
    ['0', 0n],
    ['1 (the identity: excluded, it would make y^k or c1 trivial)', 1n],
    ['p-1 (order 2)', p - 1n],
    ['p', p],
    ['p+4 (a residue, but not reduced)', p + 4n],
    ['-4', -4n],
    [`a non-residue (${smallNonResidue(group)})`, smallNonResidue(group)],
    ['p-2 (a non-residue)', p - 2n],
  ];
}

function expectNotInSubgroup(fn: () => unknown, label: string): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(CryptoError);
  expect((error as CryptoError).code).toBe('NOT_IN_SUBGROUP');
  expect((error as CryptoError).message).toContain(label);
}

describe('generateKeyPair', () => {
  it('draws x in [1, q-1] and sets y = g^x mod p', () => {
    for (let i = 0; i < 10; i++) {
      const key = generateKeyPair(FFDHE2048, backend);
      expect(key.group).toBe(FFDHE2048);
      expect(key.x >= 1n && key.x < FFDHE2048.q).toBe(true);
      expect(key.y).toBe(referenceModPow(FFDHE2048.g, key.x, FFDHE2048.p));
      expect(isSubgroupElementUnsafe(FFDHE2048, key.y)).toBe(true);
    }
  });

  it('gives a different key each time', () => {
    const xs = new Set(Array.from({ length: 5 }, () => generateKeyPair(FFDHE2048, backend).x));
    expect(xs.size).toBe(5);
  });
});

describe('encrypt / decrypt', () => {
  it.each([
    [FFDHE2048, 8],
    [FFDHE3072, 3],
  ])('round trips random subgroup elements in $name', (group, runs) => {
    const key = generateKeyPair(group, backend);
    for (let i = 0; i < runs; i++) {
      const message = randomSubgroupElement(group);
      const ciphertext = encrypt(key, message, backend);
      expect(isSubgroupElementUnsafe(group, ciphertext.c1)).toBe(true);
      expect(isSubgroupElementUnsafe(group, ciphertext.c2)).toBe(true);
      expect(ciphertext.c2).not.toBe(message);
      expect(decrypt(key, ciphertext, backend)).toBe(message);
    }
  });

  it('is randomized: the same message encrypts differently each time', () => {
    const key = generateKeyPair(FFDHE2048, backend);
    const message = randomSubgroupElement(FFDHE2048);
    const a = encrypt(key, message, backend);
    const b = encrypt(key, message, backend);
    expect(a.c1).not.toBe(b.c1);
    expect(a.c2).not.toBe(b.c2);
  });

  it('agrees across backends (encrypt with one, decrypt with another)', () => {
    const key = generateKeyPair(FFDHE2048, BACKENDS.bigint);
    const message = randomSubgroupElement(FFDHE2048);
    expect(decrypt(key, encrypt(key, message, BACKENDS.native), BACKENDS.bigint)).toBe(message);
    expect(decrypt(key, encrypt(key, message, BACKENDS.bigint), BACKENDS.native)).toBe(message);
  });

  it('with the wrong private key gives another value', () => {
    const key = generateKeyPair(FFDHE2048, backend);
    const other: KeyPair = generateKeyPair(FFDHE2048, backend);
    const message = randomSubgroupElement(FFDHE2048);
    const ciphertext = encrypt(key, message, backend);
    expect(decrypt(other, ciphertext, backend)).not.toBe(message);
    expect(decrypt({ ...key, x: key.x + 1n }, ciphertext, backend)).not.toBe(message);
  });

  describe.each([FFDHE2048, FFDHE3072])('refuses elements outside the subgroup of $name with NOT_IN_SUBGROUP', (group) => {
    const key = generateKeyPair(group, backend);
    const message = randomSubgroupElement(group);
    const good = encrypt(key, message, backend);

    it.each(outsiders(group))('%s', (_label, bad) => {
      expect(isSubgroupElementUnsafe(group, bad)).toBe(false);
      expectNotInSubgroup(() => encrypt({ group, y: bad }, message, backend), 'encrypt: recipient key');
      expectNotInSubgroup(() => encrypt(key, bad, backend), 'encrypt: message');
      expectNotInSubgroup(() => decrypt(key, { c1: bad, c2: good.c2 }, backend), 'decrypt: c1');
      expectNotInSubgroup(() => decrypt(key, { c1: good.c1, c2: bad }, backend), 'decrypt: c2');
    });
  });
});

describe('subgroup membership', () => {
  it('isSubgroupElementUnsafe agrees with v^q mod p = 1 on random values of the whole range', () => {
    const { p, q } = FFDHE2048;
    let members = 0;
    for (let i = 0; i < 200; i++) {
      const v = randomBigIntInRange(2n, p - 1n); // 1 < v < p-1
      // Euler's criterion through OpenSSL; the Jacobi symbol path is independent of it.
      const power = BACKENDS.native.modPow(v, q, p);
      expect([1n, p - 1n]).toContain(power);
      const member = power === 1n;
      if (member) members++;
      expect(isSubgroupElementUnsafe(FFDHE2048, v)).toBe(member);
      if (i < 5) expect(referenceModPow(v, q, p)).toBe(power);
    }
    // Half of the units are residues: 200 draws give 100 +- 7 (a 5-sigma band).
    expect(members).toBeGreaterThan(65);
    expect(members).toBeLessThan(135);
  });

  it('rejects values that are not bigint', () => {
    expect(isSubgroupElementUnsafe(FFDHE2048, 4 as unknown as bigint)).toBe(false);
    expect(isSubgroupElementUnsafe(FFDHE2048, '4' as unknown as bigint)).toBe(false);
    expect(() => assertSubgroupElement(FFDHE2048, undefined as unknown as bigint, 'test: y')).toThrow(CryptoError);
  });

  it('randomSubgroupElement always returns a residue other than 1', () => {
    for (const group of [FFDHE2048, FFDHE3072]) {
      for (let i = 0; i < 100; i++) {
        const v = randomSubgroupElement(group);
        expect(v > 1n && v < group.p - 1n).toBe(true);
        expect(jacobiUnsafe(v, group.p)).toBe(1);
      }
    }
    const v = randomSubgroupElement(FFDHE2048);
    expect(referenceModPow(v, FFDHE2048.q, FFDHE2048.p)).toBe(1n);
  });
});

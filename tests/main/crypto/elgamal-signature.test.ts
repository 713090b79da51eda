// ElGamal signatures (hash of m with r, Pointcheval-Stern): round trips, range and subgroup checks,
// and Bleichenbacher's forgery (Eurocrypt 1996, "Generating ElGamal signatures without knowing the
// secret key"), which a textbook verifier accepts and this one must refuse.
import { describe, expect, it } from 'vitest';
import { jacobiUnsafe, mod } from '../../../src/main/crypto/bigint.js';
import { generateKeyPair, isSubgroupElementUnsafe, type PublicKey } from '../../../src/main/crypto/elgamal.js';
import { sign, signatureHash, verify, type Signature } from '../../../src/main/crypto/elgamal-signature.js';
import { FFDHE2048, FFDHE3072, type Group } from '../../../src/main/crypto/groups.js';
import { BACKENDS } from '../../../src/main/crypto/modexp/select.js';
import { referenceModPow, utf8 } from './helpers.js';

const backend = BACKENDS.native;
const message = utf8('ts=1764140000;rn=9f3c;ids=doctor,patient-7;c1=..;c2=..');

/**
 * The textbook ElGamal verifier (ElGamal 1985, with the hash of this scheme): range checks only,
 * then g^e = y^r r^s mod p with the full exponents. It does not ask whether r is in the subgroup.
 */
function textbookVerify(signer: PublicKey, m: Uint8Array, { r, s }: Signature): boolean {
  const { p, g } = signer.group;
  if (!(r > 0n && r < p)) return false;
  if (!(s > 0n && s < p - 1n)) return false;
  const e = signatureHash(signer.group, m, r);
  return referenceModPow(g, e, p) === (referenceModPow(signer.y, r, p) * referenceModPow(r, s, p)) % p;
}

/**
 * Bleichenbacher's forgery for g = 2 in a safe-prime group, using only the public key.
 * Take r = q = (p-1)/2. Since 2q = p-1 = -1 mod p, q = -1/2 mod p, so for even s,
 * r^s = (-1)^s * 2^-s = 2^-s = g^-s. The signer's y is in the order-q subgroup, so y^r = y^q = 1.
 * The verification equation g^e = y^r r^s then reads g^e = g^-s, which holds when
 * s = -e mod q (2 has order q). Of the two values in [0, p-1) congruent to -e mod q, s0 and s0 + q,
 * exactly one is even (q is odd): take that one. s0 = 0 would need q | e, impossible for e < 2^256.
 */
function bleichenbacherForge(group: Group, m: Uint8Array): Signature {
  const r = group.q;
  const e = signatureHash(group, m, r);
  const s0 = mod(-e, group.q);
  const s = (s0 & 1n) === 0n ? s0 : s0 + group.q;
  return { r, s };
}

describe('sign / verify', () => {
  it.each([
    [FFDHE2048, 4],
    [FFDHE3072, 2],
  ])('round trips in $name', (group, runs) => {
    const key = generateKeyPair(group, backend);
    for (let i = 0; i < runs; i++) {
      const m = utf8(`message ${i}`);
      const signature = sign(key, m, backend);
      expect(signature.r > 1n && signature.r < group.p - 1n).toBe(true);
      expect(signature.s > 0n && signature.s < group.p - 1n).toBe(true);
      expect(isSubgroupElementUnsafe(group, signature.r)).toBe(true);
      expect(verify(key, m, signature, backend)).toBe(true);
      // The scheme's own equation holds with the full exponents too (a textbook verifier agrees).
      expect(textbookVerify(key, m, signature)).toBe(true);
    }
  });

  it('verifies with every backend', () => {
    const key = generateKeyPair(FFDHE2048, backend);
    const signature = sign(key, message, backend);
    expect(verify(key, message, signature, BACKENDS.bigint)).toBe(true);
    expect(verify(key, message, signature, BACKENDS.jsbn)).toBe(true);
  });

  it('is not malleable: s is canonical (below q), and (r, s + q) is refused', () => {
    const key = generateKeyPair(FFDHE2048, backend);
    const signature = sign(key, message, backend);
    expect(signature.s < FFDHE2048.q).toBe(true);
    const shifted = { r: signature.r, s: signature.s + FFDHE2048.q };
    expect(shifted.s < FFDHE2048.p - 1n).toBe(true);
    // The shifted signature satisfies the scheme's equation (a textbook verifier accepts it)...
    expect(textbookVerify(key, message, shifted)).toBe(true);
    // ...but only one encoding of a signature is accepted here.
    expect(verify(key, message, shifted, backend)).toBe(false);
  });

  it('uses a fresh k: two signatures of one message differ', () => {
    const key = generateKeyPair(FFDHE2048, backend);
    const a = sign(key, message, backend);
    const b = sign(key, message, backend);
    expect(a.r).not.toBe(b.r);
    expect(a.s).not.toBe(b.s);
    expect(verify(key, message, a, backend) && verify(key, message, b, backend)).toBe(true);
  });

  describe('rejects', () => {
    const group = FFDHE2048;
    const { p } = group;
    const key = generateKeyPair(group, backend);
    const signature = sign(key, message, backend);
    const nonResidue = 7n; // (7/p) = -1 for ffdhe2048's p
    expect(jacobiUnsafe(nonResidue, p)).toBe(-1);

    it('the untouched signature (control)', () => {
      expect(verify(key, message, signature, backend)).toBe(true);
    });

    it('a changed message', () => {
      const changed = message.slice();
      changed[0] = changed[0]! ^ 1;
      expect(verify(key, changed, signature, backend)).toBe(false);
      expect(verify(key, new Uint8Array(0), signature, backend)).toBe(false);
    });

    it('a wrong key', () => {
      expect(verify(generateKeyPair(group, backend), message, signature, backend)).toBe(false);
    });

    it('a key that is not in the subgroup', () => {
      for (const y of [0n, 1n, p - 1n, nonResidue, p + key.y]) {
        expect(verify({ group, y }, message, signature, backend)).toBe(false);
      }
    });

    it.each([
      ['r = 0', { r: 0n }],
      ['r = 1', { r: 1n }],
      ['r = p-1', { r: p - 1n }],
      ['r = p', { r: p }],
      ['r > p', { r: p + signature.r }],
      ['r = -r', { r: -signature.r }],
      ['a non-residue r', { r: nonResidue }],
      ['r + 1', { r: signature.r + 1n }],
      ['s = 0', { s: 0n }],
      ['s = p-1', { s: p - 1n }],
      ['s > p-1', { s: p - 1n + signature.s }],
      ['s = -s', { s: -signature.s }],
      ['s + 1', { s: signature.s + 1n }],
    ])('%s', (_label, change) => {
      expect(verify(key, message, { ...signature, ...change }, backend)).toBe(false);
    });

    it('r and s that are not bigint, with TypeError', () => {
      expect(() => verify(key, message, { r: 5 as unknown as bigint, s: signature.s }, backend)).toThrow(TypeError);
      expect(() => verify(key, message, { r: signature.r, s: '5' as unknown as bigint }, backend)).toThrow(TypeError);
    });
  });
});

describe('signatureHash', () => {
  it('binds the message and r, and takes only bytes', () => {
    const e = signatureHash(FFDHE2048, message, 5n);
    expect(e).toBeLessThan(1n << 256n);
    expect(signatureHash(FFDHE2048, message, 5n)).toBe(e);
    expect(signatureHash(FFDHE2048, message, 6n)).not.toBe(e);
    expect(signatureHash(FFDHE2048, utf8('other'), 5n)).not.toBe(e);
    expect(() => signatureHash(FFDHE2048, 'text' as unknown as Uint8Array, 5n)).toThrow(TypeError);
  });
});

describe('Bleichenbacher forgery (g = 2 divides p-1 and is smooth)', () => {
  it.each([FFDHE2048, FFDHE3072])('a textbook verifier accepts a forged signature in $name; verify refuses it', (group) => {
    // The victim's key: the forger sees only y; x is never used below.
    const victim: PublicKey = { group, y: generateKeyPair(group, backend).y };
    const forgedMessage = utf8('ts=1764140000;rn=0;ids=doctor,patient-7;pay the forger');
    const forged = bleichenbacherForge(group, forgedMessage);

    // The algebra the forgery rests on.
    expect(group.g).toBe(2n);
    expect(referenceModPow(victim.y, group.q, group.p)).toBe(1n); // y in the subgroup: y^r = 1
    expect(forged.s % 2n).toBe(0n);
    expect(forged.s > 0n && forged.s < group.p - 1n).toBe(true);
    expect(referenceModPow(forged.r, forged.s, group.p)).toBe(
      referenceModPow(group.g, signatureHash(group, forgedMessage, forged.r), group.p),
    );

    expect(textbookVerify(victim, forgedMessage, forged)).toBe(true);
    // r = q = -1/2 is a non-residue (-1 is one since p = 3 mod 4, 2 is a residue since p = 7 mod 8),
    // so the subgroup check refuses it.
    expect(jacobiUnsafe(forged.r, group.p)).toBe(-1);
    expect(verify(victim, forgedMessage, forged, backend)).toBe(false);
  });

  it('the same forgery works for any message, so it is universal', () => {
    const victim: PublicKey = { group: FFDHE2048, y: generateKeyPair(FFDHE2048, backend).y };
    for (const text of ['a', 'b', '']) {
      const forged = bleichenbacherForge(FFDHE2048, utf8(text));
      expect(textbookVerify(victim, utf8(text), forged)).toBe(true);
      expect(verify(victim, utf8(text), forged, backend)).toBe(false);
    }
  });
});

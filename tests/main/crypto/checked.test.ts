// Elements checked once at the protocol boundary (elgamal.ts, checkedPublicKey/checkedCiphertext):
// the check happens there, the result cannot be altered afterwards, it counts only in its own
// group, and anything not branded is still checked by every operation, inline and in workers.
import { afterAll, describe, expect, it } from 'vitest';
import { AsyncCrypto } from '../../../src/main/crypto/async-engine.js';
import {
  checkedCiphertext,
  checkedPublicKey,
  decrypt,
  encrypt,
  generateKeyPair,
  isChecked,
  randomSubgroupElement,
} from '../../../src/main/crypto/elgamal.js';
import { FFDHE2048, FFDHE3072 } from '../../../src/main/crypto/groups.js';
import { BACKENDS } from '../../../src/main/crypto/modexp/select.js';

const backend = BACKENDS.native;
const crypto = new AsyncCrypto({ workers: 2, precompute: 0 });
afterAll(() => crypto.close());

describe('checked keys and ciphertexts', () => {
  const keys = generateKeyPair(FFDHE2048, backend);
  const { p } = FFDHE2048;

  it('are made only from subgroup elements, frozen, and count only in their own group', () => {
    expect(checkedPublicKey(FFDHE2048, p - keys.y)).toBeNull(); // a non-residue
    expect(checkedPublicKey(FFDHE2048, 1n)).toBeNull();
    expect(checkedCiphertext(FFDHE2048, 2n, p - 2n)).toBeNull();
    const key = checkedPublicKey(FFDHE2048, keys.y)!;
    expect(isChecked(FFDHE2048, key)).toBe(true);
    expect(isChecked(FFDHE3072, key)).toBe(false);
    expect(isChecked(FFDHE2048, { group: FFDHE2048, y: keys.y })).toBe(false);
    expect(() => {
      (key as { y: bigint }).y = p - keys.y;
    }).toThrow(TypeError);
    expect(key.y).toBe(keys.y);
  });

  it('skip nothing for elements that were never checked, inline and in the workers', async () => {
    const bad = { c1: p - 4n, c2: 4n }; // c1 is a non-residue
    expect(() => decrypt(keys, bad, backend)).toThrow(/subgroup/);
    await expect(crypto.decrypt(keys, bad)).rejects.toThrow(/subgroup/);
    const badKey = { group: FFDHE2048, y: p - keys.y };
    expect(() => encrypt(badKey, randomSubgroupElement(FFDHE2048), backend)).toThrow(/subgroup/);
    await expect(crypto.encrypt(badKey, randomSubgroupElement(FFDHE2048))).rejects.toThrow(/subgroup/);
  });

  it('give the same results as unchecked ones, inline and in the workers', async () => {
    const m = randomSubgroupElement(FFDHE2048);
    const key = checkedPublicKey(FFDHE2048, keys.y)!;
    const c = await crypto.encrypt(key, m);
    const branded = checkedCiphertext(FFDHE2048, c.c1, c.c2)!;
    expect(decrypt(keys, branded, backend)).toBe(m);
    expect(await crypto.decrypt(keys, branded)).toBe(m);
    expect(await crypto.decrypt(keys, { c1: c.c1, c2: c.c2 })).toBe(m);
  });
});

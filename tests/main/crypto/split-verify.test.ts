// Verification split in two halves on two workers (issue 9): the same answers as the one-piece
// verify for good signatures and for every refused shape, never a rejection instead of false.
import { afterAll, describe, expect, it } from 'vitest';
import { AsyncCrypto } from '../../../src/main/crypto/async-engine.js';
import { generateKeyPair } from '../../../src/main/crypto/elgamal.js';
import { sign, verify } from '../../../src/main/crypto/elgamal-signature.js';
import { FFDHE2048 } from '../../../src/main/crypto/groups.js';
import { BACKENDS } from '../../../src/main/crypto/modexp/select.js';
import { utf8 } from './helpers.js';

const backend = BACKENDS.native;
const split = new AsyncCrypto({ workers: 2, precompute: 0 });
const whole = new AsyncCrypto({ workers: 1, precompute: 0 });
afterAll(async () => {
  await Promise.all([split.close(), whole.close()]);
});

describe('split verification', () => {
  const keys = generateKeyPair(FFDHE2048, backend);
  const message = utf8('transcript');
  const good = sign(keys, message, backend);
  const { p, q } = FFDHE2048;
  const cases: [string, { y: bigint; message: Uint8Array; r: bigint; s: bigint }][] = [
    ['a good signature', { y: keys.y, message, r: good.r, s: good.s }],
    ['another message', { y: keys.y, message: utf8('transcripT'), r: good.r, s: good.s }],
    ['another key', { y: generateKeyPair(FFDHE2048, backend).y, message, r: good.r, s: good.s }],
    ['r = 0', { y: keys.y, message, r: 0n, s: good.s }],
    ['r = p', { y: keys.y, message, r: p, s: good.s }],
    ['r negative', { y: keys.y, message, r: -good.r, s: good.s }],
    ['r = (p-1)/2, outside the subgroup', { y: keys.y, message, r: (p - 1n) / 2n, s: good.s }],
    ['s = 0', { y: keys.y, message, r: good.r, s: 0n }],
    ['s + q (malleated)', { y: keys.y, message, r: good.r, s: good.s + q }],
    ['s negative', { y: keys.y, message, r: good.r, s: -good.s }],
    ['y outside the subgroup', { y: p - keys.y, message, r: good.r, s: good.s }],
  ];
  for (const [name, c] of cases) {
    it(`${name}: as the one-piece verify says`, async () => {
      const signer = { group: FFDHE2048, y: c.y };
      const expected = verify(signer, c.message, { r: c.r, s: c.s }, backend);
      expect(expected).toBe(name === 'a good signature');
      expect(await split.verify(signer, c.message, { r: c.r, s: c.s })).toBe(expected);
      expect(await whole.verify(signer, c.message, { r: c.r, s: c.s })).toBe(expected);
    });
  }

  it('records one verification per call, with both halves timed', async () => {
    const before = split.metrics.snapshot().find((row) => row.primitive === 'Signature Verification')?.calls ?? 0;
    await split.verify(keys, message, good);
    const row = split.metrics.snapshot().find((r) => r.primitive === 'Signature Verification')!;
    expect(row.calls).toBe(before + 1);
    expect(row.totalMs).toBeGreaterThan(0);
  });
});

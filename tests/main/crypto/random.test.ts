// randomBytes: the engine's single source of randomness.
import { describe, expect, it } from 'vitest';
import { randomBytes } from '../../../src/main/crypto/random.js';
import { hex } from './helpers.js';

describe('randomBytes', () => {
  it('returns a Uint8Array of the requested length', () => {
    for (const n of [0, 1, 16, 65536]) {
      const bytes = randomBytes(n);
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(bytes).toHaveLength(n);
    }
  });

  it('does not repeat itself', () => {
    expect(hex(randomBytes(32))).not.toBe(hex(randomBytes(32)));
  });

  it('is roughly balanced (bit count of 64 KiB within 6 sigma of half)', () => {
    const bytes = randomBytes(65536);
    let ones = 0;
    for (const byte of bytes) for (let b = byte; b; b &= b - 1) ones++;
    const bits = 65536 * 8;
    expect(Math.abs(ones - bits / 2)).toBeLessThan(6 * Math.sqrt(bits / 4));
  });

  it('rejects bad lengths with RangeError', () => {
    for (const n of [-1, 1.5, 65537, Number.NaN]) expect(() => randomBytes(n)).toThrow(RangeError);
  });
});

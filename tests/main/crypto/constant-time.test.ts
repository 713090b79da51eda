// constantTimeEqual: the comparison used for MAC tags and verifiers.
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../../src/main/crypto/constant-time.js';
import { randomBytes } from '../../../src/main/crypto/random.js';

describe('constantTimeEqual', () => {
  it('is true for equal contents, whatever the object', () => {
    const a = randomBytes(32);
    expect(constantTimeEqual(a, a)).toBe(true);
    expect(constantTimeEqual(a, a.slice())).toBe(true);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('is false when any single byte differs, first, middle or last', () => {
    const a = randomBytes(32);
    for (const i of [0, 15, 31]) {
      const b = a.slice();
      b[i] = b[i]! ^ 0x80;
      expect(constantTimeEqual(a, b)).toBe(false);
    }
  });

  it('is false for different lengths, including a prefix', () => {
    const a = randomBytes(32);
    expect(constantTimeEqual(a, a.subarray(0, 31))).toBe(false);
    expect(constantTimeEqual(a.subarray(0, 0), a)).toBe(false);
  });

  it('compares views by their own bytes, not their underlying buffers', () => {
    const buffer = Uint8Array.of(9, 1, 2, 3, 9);
    expect(constantTimeEqual(buffer.subarray(1, 4), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(buffer.subarray(0, 3), Uint8Array.of(1, 2, 3))).toBe(false);
  });

  it('refuses anything but Uint8Array with TypeError', () => {
    expect(() => constantTimeEqual('abc' as unknown as Uint8Array, Uint8Array.of(1))).toThrow(TypeError);
    expect(() => constantTimeEqual(Uint8Array.of(1), [1] as unknown as Uint8Array)).toThrow(TypeError);
  });
});

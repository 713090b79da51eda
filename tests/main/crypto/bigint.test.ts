// BigInt helpers: byte conversions, modular arithmetic, CSPRNG sampling, Jacobi symbol, hex.
import { describe, expect, it } from 'vitest';
import {
  bigIntToBytes,
  bigIntToHex,
  bitLength,
  byteLength,
  bytesToBigInt,
  gcd,
  hexToBigInt,
  jacobiUnsafe,
  mod,
  modInverse,
  randomBigIntInRange,
} from '../../../src/main/crypto/bigint.js';
import { FFDHE2048 } from '../../../src/main/crypto/groups.js';
import { randomBytes } from '../../../src/main/crypto/random.js';
import { hex, referenceModPow } from './helpers.js';

describe('bitLength / byteLength', () => {
  it.each([
    [0n, 0, 0],
    [1n, 1, 1],
    [255n, 8, 1],
    [256n, 9, 2],
    [(1n << 2048n) - 1n, 2048, 256],
  ])('%s has %i bits and %i bytes', (n, bits, bytes) => {
    expect(bitLength(n)).toBe(bits);
    expect(byteLength(n)).toBe(bytes);
  });

  it('refuses negative input', () => {
    expect(() => bitLength(-1n)).toThrow(RangeError);
  });
});

describe('bytesToBigInt / bigIntToBytes', () => {
  it('round trip random values, with left padding to the requested length', () => {
    for (let i = 0; i < 100; i++) {
      const bytes = randomBytes(1 + (i % 64));
      if (i % 4 === 0) bytes[0] = 0; // leading zero bytes survive as padding
      const n = bytesToBigInt(bytes);
      expect(hex(bigIntToBytes(n, bytes.length))).toBe(hex(bytes));
      expect(bytesToBigInt(bigIntToBytes(n, bytes.length + 3))).toBe(n);
    }
  });

  it('are big-endian', () => {
    expect(bytesToBigInt(Uint8Array.of(1, 0))).toBe(256n);
    expect(hex(bigIntToBytes(0x0102n, 4))).toBe('00000102');
    expect(bytesToBigInt(new Uint8Array(0))).toBe(0n);
    expect(hex(bigIntToBytes(0n, 2))).toBe('0000');
  });

  it('read a view by its own offset and length', () => {
    const buffer = Uint8Array.of(0xff, 0x12, 0x34, 0xff);
    expect(bytesToBigInt(buffer.subarray(1, 3))).toBe(0x1234n);
  });

  it('refuse values that need more bytes than asked, and negative values', () => {
    expect(() => bigIntToBytes(256n, 1)).toThrow(RangeError);
    expect(() => bigIntToBytes(1n << 2048n, 256)).toThrow(/more than 256 bytes/);
    expect(() => bigIntToBytes(1n, 0)).toThrow(RangeError);
    expect(() => bigIntToBytes(-1n, 8)).toThrow(RangeError);
    expect(bigIntToBytes((1n << 2048n) - 1n, 256)).toHaveLength(256);
  });
});

describe('mod / gcd / modInverse', () => {
  it('mod is always in [0, m)', () => {
    expect(mod(-1n, 7n)).toBe(6n);
    expect(mod(-14n, 7n)).toBe(0n);
    expect(mod(15n, 7n)).toBe(1n);
  });

  it('gcd', () => {
    expect(gcd(12n, 18n)).toBe(6n);
    expect(gcd(-12n, 18n)).toBe(6n);
    expect(gcd(0n, 5n)).toBe(5n);
    expect(gcd(FFDHE2048.p, FFDHE2048.q)).toBe(1n);
    expect(gcd(FFDHE2048.p - 1n, FFDHE2048.q)).toBe(FFDHE2048.q);
  });

  it('modInverse gives a * a^-1 = 1 on random values, modulo a prime and modulo p-1', () => {
    const { p } = FFDHE2048;
    for (let i = 0; i < 50; i++) {
      const a = randomBigIntInRange(1n, p);
      expect(mod(a * modInverse(a, p), p)).toBe(1n);
      const k = randomBigIntInRange(1n, p - 1n) | 1n; // odd: almost always a unit mod p-1 = 2q
      if (k % FFDHE2048.q !== 0n) expect(mod(k * modInverse(k, p - 1n), p - 1n)).toBe(1n);
    }
    expect(modInverse(-3n, 7n)).toBe(2n); // -3 * 2 = -6 = 1 mod 7
    expect(modInverse(3n, 7n)).toBe(5n);
  });

  it('modInverse refuses values that are not invertible', () => {
    expect(() => modInverse(0n, 7n)).toThrow(RangeError);
    expect(() => modInverse(6n, 9n)).toThrow(RangeError);
    expect(() => modInverse(2n, FFDHE2048.p - 1n)).toThrow(RangeError);
  });
});

describe('jacobiUnsafe', () => {
  it("equals Euler's criterion a^((p-1)/2) mod p for random values modulo primes", () => {
    const euler = (a: bigint, p: bigint): number => {
      const r = referenceModPow(a, (p - 1n) / 2n, p);
      return r === 0n ? 0 : r === 1n ? 1 : -1;
    };
    for (const p of [3n, 5n, 7n, 11n, 13n, 97n, 65537n, (1n << 61n) - 1n, (1n << 127n) - 1n]) {
      for (let i = 0; i < 30; i++) {
        const a = randomBigIntInRange(-p, 2n * p);
        expect(jacobiUnsafe(a, p), `(${a}/${p})`).toBe(euler(a, p));
      }
    }
    for (let i = 0; i < 10; i++) {
      const a = randomBigIntInRange(0n, FFDHE2048.p);
      expect(jacobiUnsafe(a, FFDHE2048.p)).toBe(euler(a, FFDHE2048.p));
    }
  });

  it('is multiplicative in n: (a/mn) = (a/m)(a/n), and 0 when they share a factor', () => {
    const [m, n] = [1000003n, 998244353n]; // two primes
    for (let i = 0; i < 50; i++) {
      const a = randomBigIntInRange(0n, m * n);
      expect(jacobiUnsafe(a, m * n)).toBe(jacobiUnsafe(a, m) * jacobiUnsafe(a, n));
    }
    expect(jacobiUnsafe(3n * 5n, 9n * 7n)).toBe(0);
  });

  it('agrees with the one-bit-at-a-time algorithm across the 53-bit switch to doubles and with long runs of 2s', () => {
    const plain = (a: bigint, n: bigint): number => {
      a = ((a % n) + n) % n;
      let result = 1;
      while (a !== 0n) {
        while ((a & 1n) === 0n) {
          a >>= 1n;
          if ((n & 7n) === 3n || (n & 7n) === 5n) result = -result;
        }
        [a, n] = [n, a];
        if ((a & 3n) === 3n && (n & 3n) === 3n) result = -result;
        a %= n;
      }
      return n === 1n ? result : 0;
    };
    for (const bits of [20n, 52n, 53n, 54n, 64n, 100n, 300n, 2048n]) {
      for (let i = 0; i < 40; i++) {
        const n = randomBigIntInRange(1n << (bits - 1n), 1n << bits) | 1n;
        const a = randomBigIntInRange(0n, n) << BigInt(i % 3 === 0 ? 70 : i % 5); // factors of 2 past a 32-bit word
        expect(jacobiUnsafe(a, n), `(${a}/${n})`).toBe(plain(a, n));
      }
    }
    expect(jacobiUnsafe(1n << 200n, FFDHE2048.p)).toBe(1); // (2/p)^200
  });

  it('knows the classic values', () => {
    expect(jacobiUnsafe(2n, FFDHE2048.p)).toBe(1); // p = 7 mod 8
    expect(jacobiUnsafe(-1n, FFDHE2048.p)).toBe(-1); // p = 3 mod 4
    expect(jacobiUnsafe(0n, 7n)).toBe(0);
    expect(jacobiUnsafe(5n, 1n)).toBe(1);
    expect(jacobiUnsafe(1001n, 9907n)).toBe(-1); // worked example in many texts
  });

  it('refuses even or non-positive n', () => {
    for (const n of [0n, -3n, 8n]) expect(() => jacobiUnsafe(3n, n)).toThrow(RangeError);
  });
});

describe('randomBigIntInRange', () => {
  it('stays in [min, max), including for negative min and spans of one', () => {
    for (let i = 0; i < 200; i++) {
      const v = randomBigIntInRange(-5n, 3n);
      expect(v >= -5n && v < 3n).toBe(true);
    }
    expect(randomBigIntInRange(41n, 42n)).toBe(41n);
    const { p } = FFDHE2048;
    for (let i = 0; i < 50; i++) {
      const v = randomBigIntInRange(p - 10n, p);
      expect(v >= p - 10n && v < p).toBe(true);
    }
  });

  it('uses the top bit of a large range (no bits dropped): about half the draws are >= 2^2047', () => {
    let high = 0;
    for (let i = 0; i < 200; i++) if (randomBigIntInRange(0n, 1n << 2048n) >= 1n << 2047n) high++;
    expect(high).toBeGreaterThan(60); // 100 +- 7 expected: a 5-sigma band
    expect(high).toBeLessThan(140);
  });

  it('is roughly uniform on a small range (chi-square, 6 cells, 6000 draws)', () => {
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 6000; i++) counts[Number(randomBigIntInRange(10n, 16n) - 10n)]!++;
    const chi2 = counts.reduce((sum, c) => sum + (c - 1000) ** 2 / 1000, 0);
    expect(chi2).toBeLessThan(30); // 5 degrees of freedom: P(chi2 > 30) is about 1.5e-5
    // A modulo-biased sampler (a random byte mod 6) would put 43 draws in cells 0-3 for each 42
    // in cells 4-5; that is too small to see here, so also check every cell is hit.
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });

  it('refuses an empty range', () => {
    expect(() => randomBigIntInRange(5n, 5n)).toThrow(RangeError);
    expect(() => randomBigIntInRange(6n, 5n)).toThrow(RangeError);
  });
});

describe('hexToBigInt / bigIntToHex', () => {
  it('parse lower-case hex of up to 8192 bits', () => {
    expect(hexToBigInt('ff')).toBe(255n);
    expect(hexToBigInt('0')).toBe(0n);
    expect(hexToBigInt('f'.repeat(2048))).toBe((1n << 8192n) - 1n);
    expect(bigIntToHex(255n)).toBe('ff');
    expect(hexToBigInt(bigIntToHex(FFDHE2048.p))).toBe(FFDHE2048.p);
  });

  it.each([
    ['upper case', 'FF'],
    ['mixed case', 'aB'],
    ['a 0x prefix', '0xff'],
    ['empty', ''],
    ['too long (8196 bits)', 'f'.repeat(2049)],
    ['a sign', '-1'],
    ['spaces', ' ff'],
    ['a trailing newline', 'ff\n'],
    ['a non-hex letter', 'fg'],
  ])('hexToBigInt rejects %s with RangeError', (_label, text) => {
    expect(() => hexToBigInt(text, 'y')).toThrow(RangeError);
    expect(() => hexToBigInt(text, 'y')).toThrow(/hexToBigInt: y /);
  });

  it('hexToBigInt rejects non-strings with TypeError; bigIntToHex rejects negatives', () => {
    expect(() => hexToBigInt(255 as unknown as string)).toThrow(TypeError);
    expect(() => bigIntToHex(-1n)).toThrow(RangeError);
  });
});

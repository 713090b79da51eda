/**
 * BigInt helpers shared by the crypto modules: byte conversions, CSPRNG sampling, modular
 * arithmetic that needs no exponentiation. Big-endian, unsigned, like every wire encoding here.
 */
import { randomBytes } from 'node:crypto';

export function bitLength(n: bigint): number {
  if (n < 0n) throw new RangeError('bitLength: negative input');
  return n === 0n ? 0 : n.toString(2).length;
}

export function byteLength(n: bigint): number {
  return Math.ceil(bitLength(n) / 8);
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  return BigInt('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'));
}

/** Big-endian bytes of n, left-padded with zeros to exactly `length` bytes. */
export function bigIntToBytes(n: bigint, length: number): Uint8Array {
  if (n < 0n) throw new RangeError('bigIntToBytes: negative input');
  const hex = n.toString(16);
  if (hex.length > length * 2) throw new RangeError(`bigIntToBytes: value needs more than ${length} bytes`);
  return Buffer.from(hex.padStart(length * 2, '0'), 'hex');
}

export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

export function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** a^-1 mod m; throws when a is not invertible. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  if (oldR !== 1n) throw new RangeError('modInverse: value is not invertible');
  return mod(oldS, m);
}

/** Uniform integer in [min, max) from the OS CSPRNG, by rejection sampling. */
export function randomBigIntInRange(min: bigint, max: bigint): bigint {
  if (max <= min) throw new RangeError('randomBigIntInRange: empty range');
  const span = max - min;
  const bits = bitLength(span - 1n) || 1;
  const bytes = Math.ceil(bits / 8);
  const excessBits = BigInt(bytes * 8 - bits);
  for (;;) {
    const candidate = bytesToBigInt(randomBytes(bytes)) >> excessBits;
    if (candidate < span) return min + candidate;
  }
}

/**
 * Jacobi symbol (a/n) for odd n > 0. For a prime n it is the Legendre symbol: 1 for a quadratic
 * residue, -1 for a non-residue, 0 when n divides a. Variable time: public inputs only.
 * The binary algorithm (Cohen, A Course in Computational Algebraic Number Theory, 1.4.10), with
 * the factors of 2 taken out together and the tail in doubles once both fit in 53 bits.
 */
export function jacobiUnsafe(a: bigint, n: bigint): -1 | 0 | 1 {
  if (n <= 0n || (n & 1n) === 0n) throw new RangeError('jacobiUnsafe: n must be odd and positive');
  a = mod(a, n);
  let result: -1 | 1 = 1;
  while (a !== 0n) {
    if (n <= MAX_EXACT) return jacobiSmall(Number(a), Number(n), result);
    let twos = 0;
    while ((a & 0xffffffffn) === 0n) {
      a >>= 32n;
      twos += 32;
    }
    const low = Number(a & 0xffffffffn);
    const shift = 31 - Math.clz32(low & -low);
    if (shift > 0) {
      a >>= BigInt(shift);
      twos += shift;
    }
    // (2/n) = -1 exactly when n = 3 or 5 mod 8.
    const r = Number(n & 7n);
    if ((twos & 1) === 1 && (r === 3 || r === 5)) result = result === 1 ? -1 : 1;
    [a, n] = [n, a];
    if ((a & 3n) === 3n && (n & 3n) === 3n) result = result === 1 ? -1 : 1;
    a %= n;
  }
  return n === 1n ? result : 0;
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** The same algorithm for 0 <= a < n <= 2^53 - 1, n odd, in exact double arithmetic. */
function jacobiSmall(a: number, n: number, result: -1 | 1): -1 | 0 | 1 {
  while (a !== 0) {
    while (a % 2 === 0) {
      a /= 2;
      const r = n % 8;
      if (r === 3 || r === 5) result = result === 1 ? -1 : 1;
    }
    [a, n] = [n, a];
    if (a % 4 === 3 && n % 4 === 3) result = result === 1 ? -1 : 1;
    a %= n;
  }
  return n === 1 ? result : 0;
}

export function bigIntToHex(n: bigint): string {
  if (n < 0n) throw new RangeError('bigIntToHex: negative input');
  return n.toString(16);
}

const HEX = /^[0-9a-f]{1,2048}$/;
/** Parses lower-case hex without prefix (the wire form); at most 8192 bits. */
export function hexToBigInt(hex: string, label = 'value'): bigint {
  if (typeof hex !== 'string') throw new TypeError(`hexToBigInt: ${label} must be a string`);
  if (!HEX.test(hex)) throw new RangeError(`hexToBigInt: ${label} is not lower-case hex of at most 8192 bits`);
  return BigInt('0x' + hex);
}

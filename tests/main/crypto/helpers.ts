// Small helpers shared by the crypto tests (not a test file itself).
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Hex to bytes; spaces and line breaks (as in RFC listings) are ignored. */
export const fromHex = (h: string): Uint8Array => {
  const clean = h.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`fromHex: not hex: ${h}`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
};

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * Reference modular exponentiation for tests: plain right-to-left square and multiply, written
 * independently of every backend under test.
 */
export function referenceModPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n % modulus;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** Runs fn and returns the error it throws (fails the test if it does not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** The `code` of a thrown error, or undefined. */
export function errorCode(fn: () => unknown): string | undefined {
  const error = thrown(fn) as { code?: unknown };
  return typeof error.code === 'string' ? error.code : undefined;
}

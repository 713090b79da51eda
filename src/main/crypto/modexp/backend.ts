/**
 * One interface for modular exponentiation, three interchangeable backends. Every backend must
 * give the same answer for every input the engine can produce, including the edge cases that
 * OpenSSL's Diffie-Hellman entry point refuses (base 0, 1, p-1; exponent 0).
 */
export type ModExpBackendName = 'native' | 'jsbn' | 'bigint';

export interface ModExpBackend {
  readonly name: ModExpBackendName;
  /** base^exponent mod modulus, for modulus > 1 and exponent >= 0. */
  modPow(base: bigint, exponent: bigint, modulus: bigint): bigint;
}

export function checkModPowArgs(fn: string, exponent: bigint, modulus: bigint): void {
  if (typeof exponent !== 'bigint' || typeof modulus !== 'bigint') {
    throw new TypeError(`${fn}: exponent and modulus must be bigint`);
  }
  if (modulus <= 1n) throw new RangeError(`${fn}: modulus must be > 1`);
  if (exponent < 0n) throw new RangeError(`${fn}: exponent must be >= 0`);
}

/**
 * Modular exponentiation in plain JavaScript BigInt: left-to-right binary method with a
 * 4-bit fixed window. Portable fallback; variable time, so the engine prefers the native backend.
 */
import { mod } from '../bigint.js';
import { checkModPowArgs, type ModExpBackend } from './backend.js';

export function modPowBigInt(base: bigint, exponent: bigint, modulus: bigint): bigint {
  checkModPowArgs('modPowBigInt', exponent, modulus);
  const b = mod(base, modulus);
  if (exponent === 0n) return 1n % modulus;
  const table: bigint[] = [1n, b];
  for (let i = 2; i < 16; i++) table.push((table[i - 1]! * b) % modulus);
  const hex = exponent.toString(16);
  let result = 1n;
  for (const digit of hex) {
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    result = (result * result) % modulus;
    const d = parseInt(digit, 16);
    if (d !== 0) result = (result * table[d]!) % modulus;
  }
  return result;
}

export const bigintBackend: ModExpBackend = { name: 'bigint', modPow: modPowBigInt };

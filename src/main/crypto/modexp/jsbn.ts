/**
 * Modular exponentiation through jsbn (Tom Wu's BigInteger), the bignum library the project
 * started from. Kept as a backend so the benchmark can show what the native path saves.
 */
import jsbn from 'jsbn';
import { mod } from '../bigint.js';
import { checkModPowArgs, type ModExpBackend } from './backend.js';

const { BigInteger } = jsbn;

export function modPowJsbn(base: bigint, exponent: bigint, modulus: bigint): bigint {
  checkModPowArgs('modPowJsbn', exponent, modulus);
  const b = new BigInteger(mod(base, modulus).toString(16), 16);
  const e = new BigInteger(exponent.toString(16), 16);
  const m = new BigInteger(modulus.toString(16), 16);
  return BigInt('0x' + b.modPow(e, m).toString(16));
}

export const jsbnBackend: ModExpBackend = { name: 'jsbn', modPow: modPowJsbn };

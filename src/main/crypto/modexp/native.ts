/**
 * Modular exponentiation through the platform's OpenSSL (Node) or BoringSSL (Electron), reached
 * through the Diffie-Hellman API: with prime p, private key e and peer key b, computeSecret
 * returns b^e mod p. OpenSSL runs it in constant time in the exponent (BN_FLG_CONSTTIME).
 *
 * Departures from a plain modPow, all handled here before OpenSSL is called:
 * - computeSecret refuses b in {0, 1, p-1} and e = 0: those results are computed directly;
 * - OpenSSL 3 refuses results 0, 1 and p-1 (a weak DH secret): those are recomputed as b^(e-1) * b;
 * - OpenSSL refuses moduli below 512 bits and even moduli: those go to the BigInt backend;
 * - setting up a DH context for a new modulus makes OpenSSL check it (DH_check: 0.6 s at 2048
 *   bits, 7 s at 4096) unless it is a named group: with generator 2 the RFC 7919 primes are
 *   recognised and cost nothing, custom primes pay once per thread. Contexts are cached per
 *   modulus. OpenSSL does not restrict the peer value to the subgroup here (tests check that
 *   non-residue bases give the right answer), so this is raw modPow.
 */
import { createDiffieHellman, type DiffieHellman } from 'node:crypto';
import { bigIntToBytes, bitLength, byteLength, bytesToBigInt, mod } from '../bigint.js';
import { checkModPowArgs, type ModExpBackend } from './backend.js';
import { modPowBigInt } from './bigint.js';

const MAX_CONTEXTS = 32;
const contexts = new Map<bigint, { dh: DiffieHellman; length: number }>();

function contextFor(modulus: bigint): { dh: DiffieHellman; length: number } {
  let ctx = contexts.get(modulus);
  if (ctx) {
    contexts.delete(modulus);
    contexts.set(modulus, ctx); // LRU order
    return ctx;
  }
  const length = byteLength(modulus);
  ctx = { dh: createDiffieHellman(Buffer.from(bigIntToBytes(modulus, length)), Buffer.from([2])), length };
  contexts.set(modulus, ctx);
  if (contexts.size > MAX_CONTEXTS) contexts.delete(contexts.keys().next().value!);
  return ctx;
}

export function modPowNative(base: bigint, exponent: bigint, modulus: bigint): bigint {
  checkModPowArgs('modPowNative', exponent, modulus);
  if ((modulus & 1n) === 0n || bitLength(modulus) < 512 || bitLength(modulus) > 10_000) {
    return modPowBigInt(base, exponent, modulus);
  }
  const b = mod(base, modulus);
  if (exponent === 0n) return 1n;
  if (b === 0n || b === 1n) return b;
  if (b === modulus - 1n) return (exponent & 1n) === 1n ? b : 1n;
  try {
    return computeSecretPow(b, exponent, modulus);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_CRYPTO_INVALID_KEYTYPE') throw error;
    // OpenSSL 3 refuses a result of 0, 1 or modulus-1 (DH_R_INVALID_SECRET); the inputs it refuses
    // were excluded above. The answer is then b^(e-1) * b, where b^(e-1) is not refused unless
    // the modulus is composite and shares a factor with b: that rare case goes to BigInt.
    try {
      return exponent === 1n ? b : (computeSecretPow(b, exponent - 1n, modulus) * b) % modulus;
    } catch {
      return modPowBigInt(b, exponent, modulus);
    }
  }
}

function computeSecretPow(b: bigint, exponent: bigint, modulus: bigint): bigint {
  const { dh, length } = contextFor(modulus);
  dh.setPrivateKey(Buffer.from(bigIntToBytes(exponent, byteLength(exponent))));
  return bytesToBigInt(dh.computeSecret(Buffer.from(bigIntToBytes(b, length))));
}

export const nativeBackend: ModExpBackend = { name: 'native', modPow: modPowNative };

/**
 * Benchmark baseline only, never used by the engine: OpenSSL's modular exponentiation reached
 * exactly as the native backend reaches it (the Diffie-Hellman API, generator 2), but with no
 * BigInt conversion, no argument checks and no edge-case handling. bench/crypto.ts times it next to
 * the native backend to show what the engine adds on top of OpenSSL. It lives here because only
 * src/main/crypto may import node:crypto.
 */
import { createDiffieHellman } from 'node:crypto';

/**
 * Returns (base, exponent) => base^exponent mod modulus on raw big-endian bytes. The base must be
 * padded to the modulus length and lie in [2, modulus-2]; results 1 and modulus-1 make OpenSSL
 * throw. Public inputs only: no validation at all.
 */
export function rawOpenSslModPowUnsafe(modulus: Uint8Array): (base: Uint8Array, exponent: Uint8Array) => Uint8Array {
  const dh = createDiffieHellman(Buffer.from(modulus), Buffer.from([2]));
  return (base, exponent) => {
    dh.setPrivateKey(exponent);
    return dh.computeSecret(base);
  };
}

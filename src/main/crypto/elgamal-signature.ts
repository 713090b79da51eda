/**
 * ElGamal signatures with the message hashed together with r, e = H(m || r) (Pointcheval and
 * Stern, "Security Proofs for Signature Schemes", Eurocrypt 1996), H = SHA-256 over a canonical
 * encoding. Signing: k uniform among the units mod p-1 (fresh from the CSPRNG for every
 * signature, never reused), r = g^k mod p, s = (e - x r) k^-1 mod q, retry if s = 0.
 * Verification: g^e = y^r r^s mod p.
 *
 * Departure: s is reduced mod q, not mod p-1. g, y and r all have order q, so the equation only
 * holds mod q in the exponent; with s taken mod p-1, (r, s + q) would verify too (a malleable
 * signature). Here s is canonical and verification requires 0 < s < q, inside ElGamal's
 * 0 < s < p-1.
 *
 * Departures from the textbook verifier, each closing a known forgery:
 * - 0 < r < p and 0 < s < p-1 (ElGamal's own range conditions);
 * - r must lie in the order-q subgroup and not be 1. With g = 2 in a safe-prime group, g divides
 *   p-1 and is smooth, and Bleichenbacher (Eurocrypt 1996) forges signatures with r = (p-1)/2
 *   without the private key; that r is a non-residue, so this check refuses it
 *   (tests/main/crypto/elgamal-signature.test.ts shows the forgery and its rejection);
 * - the signer's key y must lie in the subgroup too.
 */
import { bigIntToBytes, byteLength, bytesToBigInt, mod, modInverse, randomBigIntInRange } from './bigint.js';
import { isChecked, isSubgroupElementUnsafe } from './elgamal.js';
import { encodeFields } from './encoding.js';
import type { Group } from './groups.js';
import { sha256 } from './hash.js';
import type { KeyPair, PublicKey } from './elgamal.js';
import type { ModExpBackend } from './modexp/backend.js';

export interface Signature {
  readonly r: bigint;
  readonly s: bigint;
}

/** e = SHA-256(encode("medchat/elgamal-sig/v1", m, r as fixed-width bytes)), as an integer. */
export function signatureHash(group: Group, message: Uint8Array, r: bigint): bigint {
  if (!(message instanceof Uint8Array)) throw new TypeError('signatureHash: message must be a Uint8Array');
  return bytesToBigInt(sha256(encodeFields(['medchat/elgamal-sig/v1', message, bigIntToBytes(r, byteLength(group.p))])));
}

export function sign(keyPair: KeyPair, message: Uint8Array, backend: ModExpBackend): Signature {
  for (;;) {
    const signature = signWithNonce(keyPair, message, signatureNonce(keyPair.group, backend));
    if (signature) return signature;
  }
}

/**
 * The message-independent half of a signature: r = g^k and k^-1 mod q for a fresh k uniform
 * among the units mod p-1, exactly as sign() draws it. Secret (k^-1 and the key give k): serve
 * exactly one signWithNonce, never logged or sent, then dropped (BigInts cannot be wiped).
 */
export interface SignatureNonce {
  readonly r: bigint;
  readonly kInverse: bigint;
}

export function signatureNonce(group: Group, backend: ModExpBackend): SignatureNonce {
  const order = group.p - 1n;
  for (;;) {
    const k = randomBigIntInRange(1n, order);
    // k must be a unit mod p-1 = 2q: odd and not a multiple of q.
    if ((k & 1n) === 0n || k % group.q === 0n) continue;
    return { r: backend.modPow(group.g, k, group.p), kInverse: modInverse(k % group.q, group.q) };
  }
}

/** s = (e - x r) k^-1 mod q with e = H(m || r); null when s = 0 (then take a fresh nonce). */
export function signWithNonce(keyPair: KeyPair, message: Uint8Array, nonce: SignatureNonce): Signature | null {
  const { group, x } = keyPair;
  const { r, kInverse } = nonce;
  const e = signatureHash(group, message, r);
  const s = mod((e - x * r) * kInverse, group.q);
  return s === 0n ? null : { r, s };
}

export function verify(signer: PublicKey, message: Uint8Array, signature: Signature, backend: ModExpBackend): boolean {
  const yr = verificationKeyPart(signer, signature, backend);
  if (yr === null) return false;
  const { ge, rs } = verificationSignaturePart(signer, message, signature, backend);
  return verificationHolds(signer.group, yr, ge, rs);
}

/**
 * Verification in two independent halves, so two workers can compute them at once:
 * the key half runs every check above and gives y^r (null: the signature is refused); the
 * signature half gives g^e and r^s, and checks only what its own exponentiations need (s in
 * range). A signature verifies only if the key half is not null and verificationHolds.
 */
export function verificationKeyPart(signer: PublicKey, signature: Signature, backend: ModExpBackend): bigint | null {
  const { group, y } = signer;
  const { r, s } = signature;
  if (typeof r !== 'bigint' || typeof s !== 'bigint') throw new TypeError('verify: r and s must be bigint');
  if (r <= 0n || r >= group.p) return null;
  if (s <= 0n || s >= group.p - 1n) return null;
  if (s >= group.q) return null; // only the canonical s (see the header)
  if (!isSubgroupElementUnsafe(group, r)) return null;
  if (!isChecked(group, signer) && !isSubgroupElementUnsafe(group, y)) return null;
  // y and r have order q, so their exponents may be reduced mod q.
  return backend.modPow(y, r % group.q, group.p);
}

export function verificationSignaturePart(signer: PublicKey, message: Uint8Array, signature: Signature, backend: ModExpBackend): { ge: bigint; rs: bigint } {
  const { group } = signer;
  const { r, s } = signature;
  if (typeof r !== 'bigint' || typeof s !== 'bigint') throw new TypeError('verify: r and s must be bigint');
  // Out of range, the key half refuses the signature; here such values only must not reach
  // the hash (fixed width) or modPow. ge = 0 never equals a product of units.
  if (r <= 0n || r >= group.p || s <= 0n || s >= group.q) return { ge: 0n, rs: 1n };
  const e = signatureHash(group, message, r);
  return { ge: backend.modPow(group.g, e, group.p), rs: backend.modPow(r, s, group.p) };
}

/** g^e = y^r r^s mod p, from the two halves. */
export function verificationHolds(group: Group, yr: bigint, ge: bigint, rs: bigint): boolean {
  return (yr * rs) % group.p === ge;
}

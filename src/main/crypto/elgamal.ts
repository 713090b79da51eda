/**
 * ElGamal key pairs and encryption (ElGamal 1985; HAC 8.18) in the prime-order subgroup of a
 * safe-prime group: x uniform in [1, q-1], y = g^x; to encrypt m (a subgroup element):
 * c1 = g^k, c2 = m * y^k with k uniform in [1, q-1]; to decrypt: m = c2 * c1^(q-x).
 *
 * Departure from the textbook: every element taken from a peer (y, c1, c2) must be in the
 * subgroup (1 < v < p-1 and Legendre symbol (v/p) = 1, which for a safe prime is the same as
 * v^q = 1), and plaintexts are subgroup elements, so a ciphertext reveals nothing about m
 * (DDH holds in the subgroup, not in the full group).
 * Key material lives in BigInts, which JavaScript cannot wipe; private keys are never logged.
 */
import { jacobiUnsafe, randomBigIntInRange } from './bigint.js';
import { CryptoError } from './errors.js';
import type { Group } from './groups.js';
import type { ModExpBackend } from './modexp/backend.js';

export interface PublicKey {
  readonly group: Group;
  readonly y: bigint;
}

export interface KeyPair extends PublicKey {
  readonly x: bigint;
}

export interface Ciphertext {
  readonly c1: bigint;
  readonly c2: bigint;
}

/** Membership test for the order-q subgroup of a safe-prime group. Public inputs only. */
export function isSubgroupElementUnsafe(group: Group, v: bigint): boolean {
  if (typeof v !== 'bigint') return false;
  return v > 1n && v < group.p - 1n && jacobiUnsafe(v, group.p) === 1;
}

export function assertSubgroupElement(group: Group, v: bigint, label: string): void {
  if (!isSubgroupElementUnsafe(group, v)) {
    throw new CryptoError('NOT_IN_SUBGROUP', `${label} is not an element of the prime-order subgroup`);
  }
}

/**
 * Keys and ciphertexts whose elements were checked once (at the protocol boundary), so the
 * operations below do not repeat the Jacobi symbol for them: frozen objects mapped to the p
 * they were checked in. Only checkedPublicKey and checkedCiphertext check; trustChecked is for
 * crypto-worker.ts alone, which rebuilds what the main thread checked (AsyncCrypto passes the
 * flag isChecked gives).
 */
const checkedIn = new WeakMap<object, bigint>();

export function checkedPublicKey(group: Group, y: bigint): PublicKey | null {
  if (!isSubgroupElementUnsafe(group, y)) return null;
  return trustChecked(group, { group, y });
}

export function checkedCiphertext(group: Group, c1: bigint, c2: bigint): Ciphertext | null {
  if (!isSubgroupElementUnsafe(group, c1) || !isSubgroupElementUnsafe(group, c2)) return null;
  return trustChecked(group, { c1, c2 });
}

export function isChecked(group: Group, value: object): boolean {
  return checkedIn.get(value) === group.p;
}

export function trustChecked<T extends object>(group: Group, value: T): T {
  const frozen = Object.freeze(value);
  checkedIn.set(frozen, group.p);
  return frozen;
}

export function generateKeyPair(group: Group, backend: ModExpBackend): KeyPair {
  const x = randomBigIntInRange(1n, group.q);
  return { group, x, y: backend.modPow(group.g, x, group.p) };
}

/** A uniformly random subgroup element other than 1: the square of a random unit. */
export function randomSubgroupElement(group: Group): bigint {
  for (;;) {
    const v = randomBigIntInRange(2n, group.p - 1n);
    const square = (v * v) % group.p;
    if (square !== 1n) return square;
  }
}

export function encrypt(recipient: PublicKey, message: bigint, backend: ModExpBackend): Ciphertext {
  assertSubgroupElement(recipient.group, message, 'encrypt: message');
  return finishEncryption(recipient, encryptionMask(recipient, backend), message);
}

/**
 * The half of an encryption that does not depend on the message: c1 = g^k and mask = y^k with a
 * fresh k uniform in [1, q-1]. k itself never leaves this function; the mask is as secret as the
 * message it will hide and must serve exactly one finishEncryption (then be dropped: BigInts
 * cannot be wiped). Lets a caller start the exponentiations before the message is known.
 */
export interface EncryptionMask {
  readonly c1: bigint;
  readonly mask: bigint;
}

/** A fresh k uniform in [1, q-1] with g^k: an encryption's first half, secret as k is. */
export interface Exponent {
  readonly k: bigint;
  readonly gk: bigint;
}

export function freshExponent(group: Group, backend: ModExpBackend): Exponent {
  const k = randomBigIntInRange(1n, group.q);
  return { k, gk: backend.modPow(group.g, k, group.p) };
}

/** `prepared` (made ahead for this group by freshExponent, used for nothing else) saves g^k. */
export function encryptionMask(recipient: PublicKey, backend: ModExpBackend, prepared?: Exponent): EncryptionMask {
  const { group, y } = recipient;
  if (!isChecked(group, recipient)) assertSubgroupElement(group, y, 'encrypt: recipient key');
  const { k, gk } = prepared ?? freshExponent(group, backend);
  return { c1: gk, mask: backend.modPow(y, k, group.p) };
}

/** c2 = m * y^k: the encryption of `message` under a mask made for the same recipient. */
export function finishEncryption(recipient: PublicKey, mask: EncryptionMask, message: bigint): Ciphertext {
  assertSubgroupElement(recipient.group, message, 'encrypt: message');
  return { c1: mask.c1, c2: (message * mask.mask) % recipient.group.p };
}

export function decrypt(keyPair: KeyPair, ciphertext: Ciphertext, backend: ModExpBackend): bigint {
  const { group, x } = keyPair;
  if (!isChecked(group, ciphertext)) {
    assertSubgroupElement(group, ciphertext.c1, 'decrypt: c1');
    assertSubgroupElement(group, ciphertext.c2, 'decrypt: c2');
  }
  // c1 has order q, so c1^(q-x) = c1^(-x): one exponentiation, no inversion.
  return (ciphertext.c2 * backend.modPow(ciphertext.c1, group.q - x, group.p)) % group.p;
}

/**
 * AES-256-CBC (NIST SP 800-38A) with PKCS#7 padding and a random IV, authenticated by
 * HMAC-SHA-256 (RFC 2104) in encrypt-then-MAC order, all through the platform's cipher.
 *
 * Sealed layout: iv (16) || ciphertext (16n) || tag (32), where
 * tag = HMAC(macKey, encodeFields([aad, iv, ciphertext])). open() checks the tag in constant
 * time before any decryption, so a forged or altered message never reaches the padding check
 * (no padding oracle). Encryption and MAC keys are separate, derived by HKDF from one secret.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { constantTimeEqual } from './constant-time.js';
import { encodeFields } from './encoding.js';
import { CryptoError } from './errors.js';
import { hkdfSha256, hmacSha256 } from './hash.js';
import { randomBytes } from './random.js';

/** The label of every HKDF use's info, `encode(HKDF_LABEL, purpose)` (protocol version 2). */
export const HKDF_LABEL = 'medchat/hkdf/v2';

export const IV_BYTES = 16;
export const TAG_BYTES = 32;
const BLOCK = 16;

export interface SealKeys {
  readonly encKey: Uint8Array;
  readonly macKey: Uint8Array;
}

/** Derives independent AES and HMAC keys from a 32-byte secret for one purpose (`context`). */
export function deriveSealKeys(secret: Uint8Array, context: string): SealKeys {
  if (!(secret instanceof Uint8Array) || secret.length !== 32) throw new RangeError('deriveSealKeys: secret must be 32 bytes');
  const okm = hkdfSha256(secret, undefined, encodeFields([HKDF_LABEL, context]), 64);
  return { encKey: okm.slice(0, 32), macKey: okm.slice(32, 64) };
}

export function aes256CbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array, padding = true): Uint8Array {
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  cipher.setAutoPadding(padding);
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}

export function aes256CbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array, padding = true): Uint8Array {
  const decipher = createDecipheriv('aes-256-cbc', key, iv);
  decipher.setAutoPadding(padding);
  return new Uint8Array(Buffer.concat([decipher.update(data), decipher.final()]));
}

function tagOf(keys: SealKeys, aad: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return hmacSha256(keys.macKey, encodeFields([aad, iv, ciphertext]));
}

export function seal(keys: SealKeys, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  return sealWithIv(keys, randomBytes(IV_BYTES), plaintext, aad);
}

/**
 * seal() with an IV the caller drew: 16 fresh random bytes used for this box alone (the rekey
 * draws the IVs of all its boxes in one call to the CSPRNG and gives each its own 16).
 */
export function sealWithIv(keys: SealKeys, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  if (!(plaintext instanceof Uint8Array) || !(aad instanceof Uint8Array)) throw new TypeError('seal: plaintext and aad must be Uint8Array');
  if (!(iv instanceof Uint8Array) || iv.length !== IV_BYTES) throw new RangeError('seal: iv must be 16 bytes');
  const ciphertext = aes256CbcEncrypt(keys.encKey, iv, plaintext);
  const tag = tagOf(keys, aad, iv, ciphertext);
  const out = new Uint8Array(IV_BYTES + ciphertext.length + TAG_BYTES);
  out.set(iv, 0);
  out.set(ciphertext, IV_BYTES);
  out.set(tag, IV_BYTES + ciphertext.length);
  return out;
}

export function open(keys: SealKeys, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  if (!(sealed instanceof Uint8Array) || !(aad instanceof Uint8Array)) throw new TypeError('open: sealed and aad must be Uint8Array');
  const ctLength = sealed.length - IV_BYTES - TAG_BYTES;
  if (ctLength < BLOCK || ctLength % BLOCK !== 0) {
    throw new CryptoError('MALFORMED_CIPHERTEXT', 'open: sealed message has an impossible length');
  }
  const iv = sealed.subarray(0, IV_BYTES);
  const ciphertext = sealed.subarray(IV_BYTES, IV_BYTES + ctLength);
  const tag = sealed.subarray(IV_BYTES + ctLength);
  if (!constantTimeEqual(tag, tagOf(keys, aad, iv, ciphertext))) {
    throw new CryptoError('MAC_MISMATCH', 'open: authentication tag does not match; message dropped undecrypted');
  }
  try {
    return aes256CbcDecrypt(keys.encKey, iv, ciphertext);
  } catch {
    // Unreachable for messages sealed with these keys: the tag was valid.
    throw new CryptoError('DECRYPTION_FAILED', 'open: authenticated message failed to decrypt');
  }
}

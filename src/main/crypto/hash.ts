/**
 * SHA-256 (FIPS 180-4) and HKDF-SHA-256 (RFC 5869) through @noble/hashes; HMAC-SHA-256
 * (RFC 2104) through the platform, as the protocol requirements ask.
 */
import { createHmac } from 'node:crypto';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';

function abytes(value: unknown, label: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${label} must be a Uint8Array`);
}

export function sha256(data: Uint8Array): Uint8Array {
  abytes(data, 'sha256: data');
  return nobleSha256(data);
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  abytes(key, 'hmacSha256: key');
  abytes(data, 'hmacSha256: data');
  return new Uint8Array(createHmac('sha256', key).update(data).digest());
}

export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array, length: number): Uint8Array {
  abytes(ikm, 'hkdfSha256: ikm');
  abytes(info, 'hkdfSha256: info');
  if (salt !== undefined) abytes(salt, 'hkdfSha256: salt');
  if (!Number.isInteger(length) || length < 1 || length > 255 * 32) {
    throw new RangeError('hkdfSha256: length must be 1..8160');
  }
  return nobleHkdf(nobleSha256, ikm, salt, info, length);
}

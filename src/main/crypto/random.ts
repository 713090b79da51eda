/** CSPRNG bytes from the OS, through the platform; the only randomness source in the engine. */
import { randomBytes as platformRandomBytes } from 'node:crypto';

export function randomBytes(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 65536) throw new RangeError('randomBytes: bad length');
  return new Uint8Array(platformRandomBytes(length));
}

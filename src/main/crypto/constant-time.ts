/** Constant-time comparison of secrets (MAC tags, verifiers), through the platform. */
import { timingSafeEqual } from 'node:crypto';

/** True when a and b are equal; the time taken depends only on the lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) {
    throw new TypeError('constantTimeEqual: inputs must be Uint8Array');
  }
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

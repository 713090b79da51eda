/**
 * Validation of a group received from a peer (requirements: "The doctor validates any received
 * group before using it"). A group passes when p is a safe prime of 2048 to 4096 bits and g
 * generates the subgroup of prime order q = (p-1)/2. Cheap checks run first, so a made-up group
 * usually fails in microseconds; the two primality tests (about 0.1 s each at 2048 bits) run last.
 */
import { bitLength } from './bigint.js';
import { findStandardGroup, makeGroup, type Group } from './groups.js';
import type { ModExpBackend } from './modexp/backend.js';
import { isProbablePrime } from './primality.js';

export const MIN_GROUP_BITS = 2048;
export const MAX_GROUP_BITS = 4096;

export type GroupRejection =
  | 'too-small'
  | 'too-large'
  | 'p-even'
  | 'generator-out-of-range'
  | 'generator-wrong-order'
  | 'p-not-prime'
  | 'p-not-safe-prime';

export type GroupCheck = { ok: true; group: Group } | { ok: false; reason: GroupRejection; message: string };

const MESSAGES: Record<GroupRejection, string> = {
  'too-small': `the modulus p has fewer than ${MIN_GROUP_BITS} bits`,
  'too-large': `the modulus p has more than ${MAX_GROUP_BITS} bits`,
  'p-even': 'the modulus p is even',
  'generator-out-of-range': 'the generator g is not in the range 1 < g < p-1',
  'generator-wrong-order': 'the generator g does not generate the subgroup of order (p-1)/2 (g^q != 1 mod p)',
  'p-not-prime': 'the modulus p is not prime',
  'p-not-safe-prime': 'the modulus p is not a safe prime ((p-1)/2 is not prime)',
};

function reject(reason: GroupRejection): GroupCheck {
  return { ok: false, reason, message: `validateGroup: ${MESSAGES[reason]}` };
}

export async function validateGroup(p: bigint, g: bigint, backend: ModExpBackend): Promise<GroupCheck> {
  if (typeof p !== 'bigint' || typeof g !== 'bigint') throw new TypeError('validateGroup: p and g must be bigint');
  if (p <= 0n) return reject('too-small');
  const bits = bitLength(p);
  if (bits < MIN_GROUP_BITS) return reject('too-small');
  if (bits > MAX_GROUP_BITS) return reject('too-large');
  if ((p & 1n) === 0n) return reject('p-even');
  if (g <= 1n || g >= p - 1n) return reject('generator-out-of-range');
  const standard = findStandardGroup(p, g);
  if (standard) return { ok: true, group: standard };
  const q = (p - 1n) >> 1n;
  if (backend.modPow(g, q, p) !== 1n) return reject('generator-wrong-order');
  // A composite q already decides the verdict: p is no safe prime whether or not p itself is
  // prime, and testing p too would double the cost a made-up group can impose.
  if (!(await isProbablePrime(q, backend))) return reject('p-not-safe-prime');
  if (!(await isProbablePrime(p, backend))) return reject('p-not-prime');
  return { ok: true, group: makeGroup(p, g) };
}

/**
 * The messages between AsyncCrypto's pool (crypto-pool.ts) and its workers (crypto-worker.ts):
 * plain values only (bigints, bytes), groups as { p, g }. A message is one request or a bundle
 * (an array, answered by an array). `checked` flags say the main thread checked a key's or a
 * ciphertext's elements already (elgamal.ts).
 */
import type { StockKind, StockLevel } from './precompute-stock.js';

/** A group on the wire between threads: its prime and generator. */
export type G = { p: bigint; g: bigint };
export type WorkerRequest =
  | { id: number; op: 'keygen'; args: [G] }
  | { id: number; op: 'encrypt'; args: [G, bigint, bigint, boolean] }
  | { id: number; op: 'decrypt'; args: [G, bigint, bigint, bigint, bigint, boolean] }
  | { id: number; op: 'sign'; args: [G, bigint, bigint, Uint8Array] }
  | { id: number; op: 'verify'; args: [G, bigint, Uint8Array, bigint, bigint, boolean] }
  | { id: number; op: 'validate'; args: [bigint, bigint] }
  | { id: number; op: 'encryptMask'; args: [G, bigint, boolean] }
  | { id: number; op: 'signNonce'; args: [G] }
  | { id: number; op: 'precompute'; args: [G, StockKind] }
  | { id: number; op: 'verifyKeyPart'; args: [G, bigint, bigint, bigint, boolean] }
  | { id: number; op: 'verifySignaturePart'; args: [G, bigint, Uint8Array, bigint, bigint] };

/** `stock`: the level, after this operation, of the stock for its group (see the header). */
export type WorkerReply = { id: number; ms: number; stock?: StockLevel } & ({ ok: true; value: unknown } | { ok: false; error: string });

/**
 * The group whose precomputed stock a request uses or fills (its level comes back in the
 * reply): the request's own { p, g }, no Group built (this runs for every job on the main thread).
 */
export function stockedGroupOf(request: WorkerRequest): G | null {
  switch (request.op) {
    case 'encrypt':
    case 'encryptMask':
    case 'sign':
    case 'signNonce':
    case 'precompute':
      return request.args[0];
    default:
      return null;
  }
}

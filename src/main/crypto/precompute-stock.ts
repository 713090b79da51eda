/**
 * What a crypto worker computes ahead in its idle time (issue 9): the halves of encryptions and
 * signatures that do not depend on the peer or the message. For each group (keyed by p):
 * - exponents: k uniform in [1, q-1] with g^k, each the c1 of one future encryption;
 * - signature nonces: r = g^k with k^-1 mod q for k a unit mod p-1, each for one signature.
 *
 * Each entry serves exactly one operation: it is taken out of the stock before it is used, so
 * no two operations can share one. Entries live in this worker's memory only: they are never
 * sent, logged or stored, and leave the worker only inside the result of the operation they
 * served (a prepared signature's nonce goes to the caller that asked for it). JavaScript cannot
 * wipe a BigInt: a used entry is dropped at once and `clear()` drops them all.
 */
import { freshExponent, type Exponent } from './elgamal.js';
import { signatureNonce, type SignatureNonce } from './elgamal-signature.js';
import type { Group } from './groups.js';
import type { ModExpBackend } from './modexp/backend.js';

export type StockKind = 'exponent' | 'nonce';

export interface StockLevel {
  readonly exponents: number;
  readonly nonces: number;
}

interface GroupStock {
  readonly group: Group;
  readonly exponents: Exponent[];
  readonly nonces: SignatureNonce[];
}

/** Hard bounds, whatever the scheduler asks: entries per kind and group, and groups held. */
export const MAX_STOCK_DEPTH = 64;
export const MAX_STOCK_GROUPS = 8;

export class PrecomputeStock {
  private readonly groups = new Map<bigint, GroupStock>();

  constructor(private readonly backend: ModExpBackend) {}

  /** Adds one entry of `kind` for `group` (one exponentiation) unless its stock is full. */
  fill(group: Group, kind: StockKind): StockLevel {
    const stock = this.stockOf(group);
    if (kind === 'exponent' && stock.exponents.length < MAX_STOCK_DEPTH) stock.exponents.push(freshExponent(group, this.backend));
    if (kind === 'nonce' && stock.nonces.length < MAX_STOCK_DEPTH) stock.nonces.push(signatureNonce(group, this.backend));
    return this.level(group);
  }

  takeExponent(group: Group): Exponent | undefined {
    return this.held(group)?.exponents.pop();
  }

  takeNonce(group: Group): SignatureNonce | undefined {
    return this.held(group)?.nonces.pop();
  }

  level(group: { p: bigint; g: bigint }): StockLevel {
    const stock = this.held(group);
    return { exponents: stock?.exponents.length ?? 0, nonces: stock?.nonces.length ?? 0 };
  }

  clear(): void {
    this.groups.clear();
  }

  /** Only entries made for this very group: same p and same g. */
  private held(group: { p: bigint; g: bigint }): GroupStock | undefined {
    const stock = this.groups.get(group.p);
    return stock && stock.group.g === group.g ? stock : undefined;
  }

  private stockOf(group: Group): GroupStock {
    const known = this.held(group);
    if (known) return known;
    // A different generator for the same p, or a new group: start afresh, oldest group out first.
    this.groups.delete(group.p);
    if (this.groups.size >= MAX_STOCK_GROUPS) this.groups.delete(this.groups.keys().next().value!);
    const fresh: GroupStock = { group, exponents: [], nonces: [] };
    this.groups.set(group.p, fresh);
    return fresh;
  }
}

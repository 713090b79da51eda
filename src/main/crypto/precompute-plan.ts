/**
 * AsyncCrypto's side of precomputation (see precompute-stock.ts for the worker's side): which
 * groups are worth stocking (the few most recently used for encryption or signing), how full
 * each worker's stock is (from the levels its replies report), and what an idle worker should
 * compute next. Holds no secret: only groups and counts.
 */
import type { G } from './worker-messages.js';
import { MAX_STOCK_DEPTH, type StockKind, type StockLevel } from './precompute-stock.js';

export interface PrecomputeTask {
  readonly group: G;
  readonly kind: StockKind;
}

/** Groups stocked at once: a doctor serves the standard groups and a few custom ones. */
const RECENT_GROUPS = 4;

export class PrecomputePlan<W extends object> {
  /** Most recently used last. */
  private readonly recent = new Map<bigint, G>();
  private readonly levels = new Map<W, Map<bigint, StockLevel>>();

  /** `depth`: entries of each kind per group and worker; 0 turns precomputation off. */
  constructor(readonly depth: number) {
    if (!Number.isInteger(depth) || depth < 0 || depth > MAX_STOCK_DEPTH) {
      throw new RangeError(`AsyncCrypto: precompute must be an integer from 0 to ${MAX_STOCK_DEPTH}`);
    }
  }

  /** An encryption or signature in `group` was asked for: keep its stock filled. */
  used(group: G): void {
    if (this.depth === 0) return;
    this.recent.delete(group.p);
    this.recent.set(group.p, group);
    if (this.recent.size > RECENT_GROUPS) this.recent.delete(this.recent.keys().next().value!);
  }

  /** Stop stocking `group` (its precomputation failed) until it is used again. */
  forget(group: G): void {
    this.recent.delete(group.p);
  }

  report(worker: W, group: G, level: StockLevel): void {
    let byGroup = this.levels.get(worker);
    if (!byGroup) this.levels.set(worker, (byGroup = new Map()));
    byGroup.set(group.p, level);
  }

  /** A worker left the pool: its stock went with it. */
  dropWorker(worker: W): void {
    this.levels.delete(worker);
  }

  /** The entries for `group` held by all workers, as last reported. */
  total(group: G): StockLevel {
    let exponents = 0;
    let nonces = 0;
    for (const byGroup of this.levels.values()) {
      exponents += byGroup.get(group.p)?.exponents ?? 0;
      nonces += byGroup.get(group.p)?.nonces ?? 0;
    }
    return { exponents, nonces };
  }

  /** What `worker` should compute while it has nothing else to do: the newest group first. */
  next(worker: W): PrecomputeTask | null {
    const byGroup = this.levels.get(worker);
    for (const group of [...this.recent.values()].reverse()) {
      const level = byGroup?.get(group.p) ?? { exponents: 0, nonces: 0 };
      if (level.exponents >= this.depth && level.nonces >= this.depth) continue;
      return { group, kind: level.nonces <= level.exponents ? 'nonce' : 'exponent' };
    }
    return null;
  }
}

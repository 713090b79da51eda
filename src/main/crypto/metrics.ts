/**
 * Per-primitive timing: every engine primitive records its duration here, and the figures are
 * shown as the seed's table and handed to the store. Timing uses the monotonic clock.
 */
import { PRIMITIVES, type PerfRow, type Primitive } from '../../shared/metrics.js';

interface Tally {
  calls: number;
  totalMs: number;
  maxMs: number;
}

export class PerfMetrics {
  private readonly tallies = new Map<Primitive, Tally>();

  record(primitive: Primitive, ms: number, calls = 1): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('PerfMetrics.record: ms must be a finite non-negative number');
    const tally = this.tallies.get(primitive) ?? { calls: 0, totalMs: 0, maxMs: 0 };
    tally.calls += calls;
    tally.totalMs += ms;
    tally.maxMs = Math.max(tally.maxMs, calls > 0 ? ms / calls : 0);
    this.tallies.set(primitive, tally);
  }

  time<T>(primitive: Primitive, fn: () => T): T {
    const start = performance.now();
    try {
      return fn();
    } finally {
      this.record(primitive, performance.now() - start);
    }
  }

  async timeAsync<T>(primitive: Primitive, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.record(primitive, performance.now() - start);
    }
  }

  /** Adds another set of figures (a worker's, or one patient's into the doctor's total). */
  merge(rows: readonly PerfRow[]): void {
    for (const row of rows) {
      const tally = this.tallies.get(row.primitive) ?? { calls: 0, totalMs: 0, maxMs: 0 };
      tally.calls += row.calls;
      tally.totalMs += row.totalMs;
      tally.maxMs = Math.max(tally.maxMs, row.maxMs);
      this.tallies.set(row.primitive, tally);
    }
  }

  /** Rows in the canonical primitive order, only for primitives that were called. */
  snapshot(): PerfRow[] {
    return PRIMITIVES.flatMap((primitive) => {
      const t = this.tallies.get(primitive);
      return t && t.calls > 0 ? [{ primitive, calls: t.calls, totalMs: t.totalMs, avgMs: t.totalMs / t.calls, maxMs: t.maxMs }] : [];
    });
  }

  reset(): void {
    this.tallies.clear();
  }
}

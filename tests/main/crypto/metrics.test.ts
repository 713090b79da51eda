// Per-primitive timing (the seed's "Performance Metrics" table).
import { describe, expect, it } from 'vitest';
import { PerfMetrics } from '../../../src/main/crypto/metrics.js';
import { formatPerfTable, isPrimitive, PRIMITIVES, type PerfRow } from '../../../src/shared/metrics.js';

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin: the timer under test must see at least this much time
  }
}

describe('PerfMetrics', () => {
  it('record adds calls and time, and keeps the worst average per call', () => {
    const m = new PerfMetrics();
    m.record('Hash Computation', 2);
    m.record('Hash Computation', 4);
    m.record('Hash Computation', 9, 3); // a batch of 3 calls, 3 ms each
    expect(m.snapshot()).toEqual([{ primitive: 'Hash Computation', calls: 5, totalMs: 15, avgMs: 3, maxMs: 4 }]);
  });

  it('record refuses negative, NaN and infinite durations', () => {
    const m = new PerfMetrics();
    for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => m.record('AES Encryption', ms)).toThrow(RangeError);
    }
    expect(m.snapshot()).toEqual([]);
  });

  it('time returns the result and records the elapsed time', () => {
    const m = new PerfMetrics();
    expect(m.time('Signature Generation', () => (busyWait(5), 42))).toBe(42);
    const [row] = m.snapshot();
    expect(row?.calls).toBe(1);
    expect(row?.totalMs).toBeGreaterThanOrEqual(5);
    expect(row?.totalMs).toBeLessThan(1000);
  });

  it('a failed call is still timed, and its error passes through', () => {
    const m = new PerfMetrics();
    const boom = new Error('boom');
    expect(() =>
      m.time('AES Decryption', () => {
        busyWait(2);
        throw boom;
      }),
    ).toThrow(boom);
    expect(m.snapshot()).toMatchObject([{ primitive: 'AES Decryption', calls: 1 }]);
    expect(m.snapshot()[0]!.totalMs).toBeGreaterThanOrEqual(2);
  });

  it('timeAsync times until the promise settles, fulfilled or rejected', async () => {
    const m = new PerfMetrics();
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    await expect(m.timeAsync('Group Validation', async () => (await sleep(20), 'ok'))).resolves.toBe('ok');
    await expect(
      m.timeAsync('Group Validation', async () => {
        await sleep(20);
        throw new Error('rejected');
      }),
    ).rejects.toThrow('rejected');
    const [row] = m.snapshot();
    expect(row?.calls).toBe(2);
    expect(row?.totalMs).toBeGreaterThanOrEqual(35); // timers may fire a little early, never much
  });

  it('snapshot lists only called primitives, in the canonical order, whatever the order of calls', () => {
    const m = new PerfMetrics();
    m.record('Group Generation', 1);
    m.record('ElGamal Decryption', 1);
    m.record('KeyPair Generation', 1);
    m.record('HMAC Computation', 1);
    expect(m.snapshot().map((r) => r.primitive)).toEqual(['KeyPair Generation', 'ElGamal Decryption', 'HMAC Computation', 'Group Generation']);
    const order = m.snapshot().map((r) => PRIMITIVES.indexOf(r.primitive));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('merge adds rows (a worker, or one patient into the doctor total)', () => {
    const m = new PerfMetrics();
    m.record('ElGamal Encryption', 10, 2);
    const rows: PerfRow[] = [
      { primitive: 'ElGamal Encryption', calls: 3, totalMs: 30, avgMs: 10, maxMs: 12 },
      { primitive: 'AES Encryption', calls: 1, totalMs: 0.5, avgMs: 0.5, maxMs: 0.5 },
    ];
    m.merge(rows);
    expect(m.snapshot()).toEqual([
      { primitive: 'ElGamal Encryption', calls: 5, totalMs: 40, avgMs: 8, maxMs: 12 },
      { primitive: 'AES Encryption', calls: 1, totalMs: 0.5, avgMs: 0.5, maxMs: 0.5 },
    ]);
  });

  it('reset clears everything', () => {
    const m = new PerfMetrics();
    m.record('Hash Computation', 1);
    m.reset();
    expect(m.snapshot()).toEqual([]);
  });
});

describe('formatPerfTable', () => {
  it("prints the seed's header and one aligned row per primitive", () => {
    const table = formatPerfTable([
      { primitive: 'KeyPair Generation', calls: 2, totalMs: 7, avgMs: 3.5, maxMs: 4 },
      { primitive: 'Hash Computation', calls: 12, totalMs: 0.12, avgMs: 0.01, maxMs: 0.02 },
    ]);
    const lines = table.split('\n');
    // Columns are padded to the widest cell, so compare with runs of spaces collapsed.
    expect(lines[0]!.replace(/ +/g, ' ')).toBe('| Primitive | Avg Time (ms) | Calls |');
    expect(lines[1]).toMatch(/^\|-+\|-+\|-+\|$/);
    expect(lines[2]).toMatch(/^\| KeyPair Generation +\| 3\.5000 +\| 2 +\|$/);
    expect(lines[3]).toMatch(/^\| Hash Computation +\| 0\.0100 +\| 12 +\|$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1); // every line the same width
  });

  it('puts an optional title first, and prints a header alone for no rows', () => {
    expect(formatPerfTable([], 'Doctor totals').split('\n')[0]).toBe('Doctor totals');
    expect(formatPerfTable([]).split('\n')).toEqual(['| Primitive | Avg Time (ms) | Calls |', '|-----------|---------------|-------|']);
  });

  it('isPrimitive accepts exactly the listed names', () => {
    for (const p of PRIMITIVES) expect(isPrimitive(p)).toBe(true);
    expect(isPrimitive('hash computation')).toBe(false);
    expect(isPrimitive(3)).toBe(false);
  });
});

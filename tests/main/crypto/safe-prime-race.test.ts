// Safe-prime search raced on worker threads (real workers, toy sizes): the answer is a safe prime
// of the exact size, progress is reported, and abort leaves no worker behind.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { bitLength } from '../../../src/main/crypto/bigint.js';
import { generateSafePrimeGroup } from '../../../src/main/crypto/group-generate.js';
import { BACKENDS } from '../../../src/main/crypto/modexp/select.js';
import { isProbablePrime } from '../../../src/main/crypto/primality.js';
import {
  liveSafePrimeWorkers,
  raceSafePrime,
  SafePrimeWorkersFailed,
  spawnSafePrimeWorker,
  type RaceProgress,
} from '../../../src/main/crypto/safe-prime-race.js';

const crashing = (): Worker => new Worker('throw new Error("boom");', { eval: true });

const backend = BACKENDS.native;

describe('raceSafePrime', () => {
  it.each([
    [128, 1],
    [192, 2],
    [256, 2],
  ])('finds a %d-bit safe prime with %d worker(s), reporting progress', async (bits, workers) => {
    const progress: RaceProgress[] = [];
    const p = await raceSafePrime(bits, { workers, onProgress: (x) => progress.push(x) });
    expect(bitLength(p)).toBe(bits);
    expect(await isProbablePrime(p, backend)).toBe(true);
    expect(await isProbablePrime((p - 1n) / 2n, backend)).toBe(true);
    expect(liveSafePrimeWorkers()).toBe(0);
  }, 20_000);

  it('calls the progress callback with growing counts during a longer search', async () => {
    const progress: RaceProgress[] = [];
    const controller = new AbortController();
    const run = raceSafePrime(2048, {
      workers: 2,
      signal: controller.signal,
      onProgress: (x) => {
        progress.push(x);
        if (progress.length >= 3) controller.abort();
      },
    });
    // A 2048-bit safe prime is very unlikely inside the first few progress reports.
    await run.catch(() => undefined);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    const counts = progress.map((x) => x.candidatesTried);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    expect(counts.at(-1)).toBeGreaterThan(0);
    expect(liveSafePrimeWorkers()).toBe(0);
  }, 20_000);

  it('rejects on abort and leaves no live workers', async () => {
    const controller = new AbortController();
    const run = raceSafePrime(2048, { workers: 2, signal: controller.signal });
    expect(liveSafePrimeWorkers()).toBe(2);
    setTimeout(() => controller.abort(), 300);
    await expect(run).rejects.toThrow(/cancelled/);
    expect(liveSafePrimeWorkers()).toBe(0);
  }, 20_000);

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(raceSafePrime(256, { workers: 2, signal: controller.signal })).rejects.toThrow(/cancelled/);
    expect(liveSafePrimeWorkers()).toBe(0);
  });

  it('rejects when every worker crashes, and leaves no live workers', async () => {
    const run = raceSafePrime(256, { workers: 2, spawn: crashing });
    await expect(run).rejects.toThrow(SafePrimeWorkersFailed);
    await expect(run).rejects.toThrow(/boom/);
    expect(liveSafePrimeWorkers()).toBe(0);
  });

  it('rejects when no worker can even be constructed', async () => {
    const spawn = (): Worker => {
      throw new Error('no worker file');
    };
    await expect(raceSafePrime(256, { workers: 2, spawn })).rejects.toThrow(SafePrimeWorkersFailed);
    expect(liveSafePrimeWorkers()).toBe(0);
  });

  it('a crashing worker does not stop the others from winning', async () => {
    let n = 0;
    const spawn = (bits: number): Worker => (n++ === 0 ? crashing() : spawnSafePrimeWorker(bits));
    const p = await raceSafePrime(192, { workers: 2, spawn });
    expect(bitLength(p)).toBe(192);
    expect(await isProbablePrime((p - 1n) / 2n, backend)).toBe(true);
    expect(liveSafePrimeWorkers()).toBe(0);
  }, 20_000);

  it('rejects invalid sizes and worker counts', async () => {
    await expect(raceSafePrime(32, { workers: 1 })).rejects.toThrow(RangeError);
    await expect(raceSafePrime(256, { workers: 0 })).rejects.toThrow(RangeError);
    await expect(raceSafePrime(256, { workers: 1.5 })).rejects.toThrow(RangeError);
  });
});

describe('generateSafePrimeGroup with workers', () => {
  it.each([1024, 2047, 4097])('still refuses %d bits', async (bits) => {
    await expect(generateSafePrimeGroup(bits, backend, { workers: 2 })).rejects.toThrow(RangeError);
    expect(liveSafePrimeWorkers()).toBe(0);
  });

  it('cancels a 2048-bit raced generation and leaves no live workers', async () => {
    const controller = new AbortController();
    const phases: string[] = [];
    const run = generateSafePrimeGroup(2048, backend, { workers: 2, signal: controller.signal, onProgress: (p) => phases.push(p.phase) });
    setTimeout(() => controller.abort(), 300);
    await expect(run).rejects.toThrow(/cancelled/);
    expect(phases[0]).toBe('searching');
    expect(liveSafePrimeWorkers()).toBe(0);
  }, 20_000);
});

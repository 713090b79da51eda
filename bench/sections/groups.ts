/**
 * Fresh group generation: generateSafePrimeGroup(2048) with the search raced on one worker thread
 * and on all of them (one per core), alternating run by run in the same process so that both see
 * the same machine state. Each run includes spawning the workers, the search, and the independent
 * full-strength verification of q and p. The search time is heavy-tailed (geometric in the number
 * of candidates), so medians over many runs are needed; the spread shows the tail.
 */
import { availableParallelism } from 'node:os';
import type { BenchFigure, BenchRun } from '../lib/types.js';
import { median, spread } from '../lib/stats.js';
import { generateSafePrimeGroup } from '../../src/main/crypto/group-generate.js';
import { nativeBackend } from '../../src/main/crypto/modexp/native.js';

const TARGET_RATIO = 0.625;

async function timeOne(workers: number): Promise<number> {
  const t0 = performance.now();
  const group = await generateSafePrimeGroup(2048, nativeBackend, { workers });
  const ms = performance.now() - t0;
  if (group.bits !== 2048) throw new Error(`generated a ${group.bits}-bit group`);
  return ms;
}

export const run: BenchRun = async ({ rounds, quick }) => {
  const all = availableParallelism();
  const runs = quick ? 2 : rounds * 2;
  const one: number[] = [];
  const many: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which setting goes first so neither always follows the other.
    if (i % 2 === 0) {
      one.push(await timeOne(1));
      many.push(await timeOne(all));
    } else {
      many.push(await timeOne(all));
      one.push(await timeOne(1));
    }
  }
  const oneMedian = median(one);
  const manyMedian = median(many);
  const ratio = manyMedian / oneMedian;
  const figures: BenchFigure[] = [
    { name: '2048-bit group generation, 1 worker, median', unit: 'ms', median: oneMedian, spread: spread(one), samples: one.length },
    {
      name: `2048-bit group generation, all ${all} workers, median`,
      unit: 'ms',
      median: manyMedian,
      spread: spread(many),
      samples: many.length,
      baseline: { name: '1 worker, median', median: oneMedian },
      ratio,
      target: `<= ${TARGET_RATIO} (all workers >= 1.6x faster)`,
      pass: ratio <= TARGET_RATIO,
    },
  ];
  const notes = [
    `generateSafePrimeGroup(2048, native backend, { workers }) with workers = 1 and workers = ${all} (availableParallelism), ${runs} runs each, alternating (which goes first alternates too).`,
    'Each run: spawn the workers, race the sieve + one-round probable-prime search (first safe prime wins, the rest are terminated), then verify q and p independently with full-strength checkPrime.',
    'The search time is heavy-tailed (geometric number of candidates), so the medians are noisy at few runs; the spread is min-max.',
  ];
  return { title: 'Fresh group generation (raced workers)', figures, notes };
};

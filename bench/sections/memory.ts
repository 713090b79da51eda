/**
 * Doctor memory per admitted patient: heapUsed, RSS and external (Buffers) of the bench process
 * (the doctor) with 0 and then N admitted patients, each after a full GC, divided by N; and what
 * is still held after they all left. Patients are real patient services in child processes.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { BenchFigure, BenchRun } from '../lib/types.js';
import { median, spread } from '../lib/stats.js';
import { PatientFleet, sleep, summariseRefusals } from '../lib/fleet.js';
import { startBenchDoctor, untilEmpty, untilKeyed } from '../lib/doctor.js';

function fullGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function settle(gc: () => void): Promise<NodeJS.MemoryUsage> {
  await sleep(300);
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(20);
  }
  return process.memoryUsage();
}

export const run: BenchRun = async ({ rounds, quick }) => {
  const started = performance.now();
  const n = quick ? 50 : 1000;
  const r = quick ? 1 : Math.min(rounds, 3);
  const gc = fullGc();
  const notes: string[] = [];
  const heap: number[] = [];
  const rss: number[] = [];
  const external: number[] = [];
  const retained: number[] = [];
  const { service, port } = await startBenchDoctor();
  let fleet: PatientFleet | null = null;
  try {
    fleet = await PatientFleet.start({ size: n, prefix: 'heap', port, octet: 3 });
    for (let round = 0; round < r; round++) {
      const before = await settle(gc);
      const results = await fleet.connectInWaves(0, n, 250, 180_000);
      const s = summariseRefusals(results);
      if (s.refused) notes.push(`Round ${round + 1}: ${s.refused} refused: ${s.reasons}.`);
      await untilKeyed(service, s.admitted, 60_000);
      const full = await settle(gc);
      heap.push((full.heapUsed - before.heapUsed) / s.admitted / 1024);
      rss.push((full.rss - before.rss) / s.admitted / 1024);
      external.push((full.external - before.external) / s.admitted / 1024);
      await fleet.leave();
      await untilEmpty(service);
      const after = await settle(gc);
      retained.push((after.heapUsed - before.heapUsed) / n / 1024);
    }
  } finally {
    await fleet?.close();
    await service.close();
  }
  const fig = (name: string, values: number[]): BenchFigure => ({ name: `${n} admitted: ${name}`, unit: 'KiB/patient', median: median(values), spread: spread(values), samples: values.length });
  return {
    title: 'Doctor memory per admitted patient',
    figures: [fig('heapUsed', heap), fig('RSS', rss), fig('external (Buffers)', external), fig('heapUsed still held after all left', retained)],
    notes: [
      `process.memoryUsage() of the bench process (the doctor; no patient runs in it) after three full GCs (v8 --expose-gc set at run time), with 0 admitted and with ${n} admitted and keyed, divided by the admitted count; ${r} round(s) of join (waves of 250) and leave, the first round also pays for first use (pins, caches).`,
      'RSS only grows back slowly after a GC (freed pages stay mapped), so it is an upper bound; socket buffers in the kernel are in neither.',
      `Section time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
      ...notes,
    ],
  };
};

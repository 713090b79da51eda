/**
 * The doctor's CPU per handshake without a storm's scale: 60 patients (one child process, crypto
 * inline, each from its own loopback address, pinned first) join at once a doctor service with
 * its default config, once with its crypto inline (`workers: 0`) and once with its default
 * workers. Figures: process CPU per handshake (all threads) and the main thread's busy time
 * (event-loop utilisation), against the doctor's four ElGamal operations raw in the same run.
 * Tells how much of the storm's overhead comes from the worker threads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchFigure, BenchRun } from '../lib/types.js';
import { median, spread } from '../lib/stats.js';
import { PatientFleet, sleep } from '../lib/fleet.js';
import { measureElGamal } from '../lib/elgamal-baseline.js';
import { createDoctorService } from '../../src/main/doctor/service.js';

const PATIENTS = 60;

export const run: BenchRun = async ({ rounds, quick }) => {
  const n = quick ? 10 : PATIENTS;
  measureElGamal(3); // warm-up, not counted
  const before = measureElGamal(quick ? 5 : 30);
  const figures: BenchFigure[] = [];
  for (const workers of [0, undefined] as const) {
    const label = workers === 0 ? 'crypto inline' : 'default workers';
    const dir = mkdtempSync(join(tmpdir(), 'bench-doctor-cpu-'));
    const service = await createDoctorService({ dataDir: join(dir, 'doctor'), ...(workers === 0 ? { workers } : {}) });
    let fleet: PatientFleet | null = null;
    try {
      const { port } = await service.listen('127.0.0.1', 0);
      fleet = await PatientFleet.start({ size: n, prefix: workers === 0 ? 'cpuin' : 'cpuwk', port: port!, octet: 4 });
      await fleet.connectInWaves(0, n, n);
      await fleet.leave();
      const cpu: number[] = [];
      const main: number[] = [];
      for (let r = 0; r < (quick ? 1 : rounds); r++) {
        await sleep(300);
        const cpu0 = process.cpuUsage();
        const elu0 = performance.eventLoopUtilization();
        const { results } = await fleet.connect(0, n, 120_000);
        await sleep(200); // the last group keys and audit rows
        const used = process.cpuUsage(cpu0);
        const elu = performance.eventLoopUtilization(elu0);
        const admitted = results.filter((x) => x.state === 'admitted').length;
        if (admitted !== n) throw new Error(`${label}: ${admitted} of ${n} admitted`);
        cpu.push((used.user + used.system) / 1000 / n);
        main.push(elu.active / n);
        await fleet.leave();
      }
      const base = { name: "doctor's 4 ElGamal ops, raw (the lower of before and after)", median: 0 };
      figures.push({ name: `${n} joining at once, ${label}: doctor CPU per handshake`, unit: 'ms', median: median(cpu), spread: spread(cpu), samples: cpu.length, baseline: base });
      figures.push({ name: `${n} joining at once, ${label}: main thread busy per handshake`, unit: 'ms', median: median(main), spread: spread(main), samples: main.length });
    } finally {
      await fleet?.close();
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const after = measureElGamal(quick ? 5 : 30);
  // The lower of the two: the stricter ratio.
  const baseline = before.total <= after.total ? before : after;
  for (const f of figures) {
    if (!f.baseline) continue;
    f.baseline.median = baseline.total;
    f.ratio = f.median / baseline.total;
  }
  return {
    title: 'Doctor CPU per handshake, inline against workers',
    figures,
    notes: [
      `${n} patients in one child process (crypto inline, own loopback addresses, pinned first) join at once; the doctor service in this process with its default config, crypto inline and then with its default workers. CPU: process.cpuUsage() (all threads) over the joins and 200 ms after, per handshake; main thread: event-loop utilisation (active time).`,
      `Baseline: the doctor's four ElGamal operations raw, inline, measured before and after (after a warm-up), the lower taken: ${before.total.toFixed(2)} and ${after.total.toFixed(2)} ms (verify ${baseline.verify.toFixed(2)}, decrypt ${baseline.decrypt.toFixed(2)}, encrypt ${baseline.encrypt.toFixed(2)}, sign ${baseline.sign.toFixed(2)}).`,
    ],
  };
};

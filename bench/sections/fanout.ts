/**
 * Fan-out: with N admitted patients (real patient services in child processes), the doctor
 * service broadcasts several times; each patient records when it had decrypted each broadcast
 * (its 'patient.message' event), on a clock shared by the processes. Figures per N: send until
 * the last patient has decrypted, per-patient delivery p50/p99, send until the doctor holds every
 * acknowledgement; at 1,000: the doctor's CPU for the broadcast (a rekey first, the default),
 * for the synchronous call and until all acknowledgements are in. The largest N is the
 * "2,000 patients in one conference" check: admitted and refused counts, with reasons.
 *
 * BENCH_FANOUT_SIZES=1000 runs only these sizes; BENCH_PROFILE=1 adds, at 1,000 (or the largest
 * size), 20 profiled broadcasts not counted in the figures: bench-results/fanout.cpuprofile.
 */
import type { BenchFigure, BenchRun } from '../lib/types.js';
import { median, percentile, spread } from '../lib/stats.js';
import { PatientFleet, clock, sleep, summariseRefusals, withTimeout, type JoinResult } from '../lib/fleet.js';
import { startBenchDoctor, untilKeyed } from '../lib/doctor.js';
import { formatProfileSummary, startProfile, summariseProfile } from '../lib/profile.js';
import { RESULTS_DIR } from '../lib/paths.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureWriteFloor } from '../lib/write-floor.js';
import { DOCTOR_OP, encodeDoctorFrame } from '../../src/main/protocol/index.js';
import type { DoctorSnapshot } from '../../src/shared/contract.js';

interface Shot {
  n: number;
  lastMs: number;
  p50Ms: number;
  p99Ms: number;
  ackMs: number;
  cpuSyncMs: number;
  cpuAllMs: number;
  wallSyncMs: number;
  recipients: number;
  /** All patient processes' CPU for this broadcast, per patient. */
  patientCpuUs: number;
}

export const run: BenchRun = async ({ rounds, quick }) => {
  const started = performance.now();
  const sizes = process.env['BENCH_FANOUT_SIZES']?.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0) ?? (quick ? [20, 50] : [100, 1000, 2000]);
  const profileAt = sizes.includes(1000) ? 1000 : Math.max(...sizes);
  const broadcasts = quick ? 2 : Math.max(5, rounds);
  const largest = Math.max(...sizes);
  const notes: string[] = [];
  const shots: Shot[] = [];
  const joins = new Map<number, JoinResult[]>();

  const { service, port } = await startBenchDoctor();

  /** One broadcast to the n admitted patients, with its figures (a patient that missed it is noted). */
  async function shoot(fleet: PatientFleet, n: number, expectSeq: number): Promise<Shot> {
    const decrypted = fleet.expect(expectSeq, 60_000);
    let resolveAcks: (at: number) => void = () => {};
    const acked = new Promise<number>((resolve) => (resolveAcks = resolve));
    const unsubscribe = service.subscribe((event) => {
      if (event.channel !== 'doctor.changed') return;
      const receipt = (event.payload as DoctorSnapshot).broadcasts.find((r) => r.seq === expectSeq);
      if (receipt && receipt.delivered.length >= receipt.recipients.length) resolveAcks(clock());
    });
    try {
      await sleep(100); // the expect commands reach the children first
      const cpu0 = process.cpuUsage();
      const sent = clock();
      const receipt = await service.broadcast(`bench broadcast ${expectSeq}: ${'x'.repeat(200)}`);
      const wallSync = clock() - sent;
      const cpuSync = process.cpuUsage(cpu0);
      if (receipt.seq !== expectSeq) throw new Error(`broadcast got seq ${receipt.seq}, expected ${expectSeq}`);
      const ackAt = await withTimeout(acked, 60_000, `acknowledgements of broadcast ${expectSeq}`);
      const cpuAll = process.cpuUsage(cpu0);
      const times = (await decrypted).map((t) => t - sent);
      if (times.length !== receipt.recipients.length) notes.push(`Broadcast ${expectSeq} at ${n}: ${receipt.recipients.length} recipients but ${times.length} patients decrypted.`);
      return {
        n,
        lastMs: Math.max(...times),
        p50Ms: percentile(times, 50),
        p99Ms: percentile(times, 99),
        ackMs: ackAt - sent,
        cpuSyncMs: (cpuSync.user + cpuSync.system) / 1000,
        cpuAllMs: (cpuAll.user + cpuAll.system) / 1000,
        wallSyncMs: wallSync,
        recipients: receipt.recipients.length,
        patientCpuUs: ((fleet.patientCpuMs(expectSeq) ?? NaN) * 1000) / times.length,
      };
    } finally {
      unsubscribe();
    }
  }
  let fleet: PatientFleet | null = null;
  let childCount = 0;
  try {
    fleet = await PatientFleet.start({ size: largest, prefix: 'fan', port, octet: 2 });
    childCount = fleet.childCount;
    let connected = 0;
    let admittedSoFar = 0;
    let seq = 0;
    for (const n of sizes) {
      const t0 = performance.now();
      const results = await fleet.connectInWaves(connected, n, 250, 180_000);
      joins.set(n, results);
      connected = n;
      admittedSoFar += results.filter((r) => r.state === 'admitted').length;
      notes.push(`To ${n} admitted: ${results.length} more joined in waves of 250 in ${((performance.now() - t0) / 1000).toFixed(1)} s (${summariseRefusals(results).admitted} admitted).`);
      await untilKeyed(service, admittedSoFar, 60_000);
      await sleep(300);
      for (let b = 0; b < broadcasts; b++) {
        shots.push(await shoot(fleet, n, ++seq));
        await sleep(150);
      }
      if (process.env['BENCH_PROFILE'] === '1' && n === profileAt) {
        const profiler = await startProfile();
        const profiled: Shot[] = [];
        for (let b = 0; b < 20; b++) {
          profiled.push(await shoot(fleet, n, ++seq));
          await sleep(150);
        }
        const { main } = await profiler.stop();
        mkdirSync(RESULTS_DIR, { recursive: true });
        writeFileSync(join(RESULTS_DIR, 'fanout.cpuprofile'), JSON.stringify(main));
        notes.push(`Profile (BENCH_PROFILE=1): 20 extra broadcasts at ${n}, not counted above (synchronous call ${median(profiled.map((x) => x.cpuSyncMs)).toFixed(1)} ms CPU under the profiler); bench-results/fanout.cpuprofile.`);
        notes.push(...formatProfileSummary('Doctor main thread during the profiled broadcasts (150 ms pauses included as idle)', summariseProfile(main, 25)));
      }
    }
  } finally {
    await fleet?.close();
    await service.close();
  }

  // The floor for the CPU figures: the same corked pair of frames written to as many bare
  // loopback sockets (bench/lib/write-floor.ts), measured now that the fleet is gone.
  const text = `bench broadcast 1: ${'x'.repeat(200)}`;
  const frameBytes: [number, number] = [
    encodeDoctorFrame({ op: DOCTOR_OP.GROUP_KEY, epoch: 1, box: new Uint8Array(16 + 48 + 32) }).length,
    encodeDoctorFrame({ op: DOCTOR_OP.BROADCAST, epoch: 1, seq: 1, ts: Date.now(), box: new Uint8Array(16 + (Math.floor(text.length / 16) + 1) * 16 + 32) }).length,
  ];
  const floors = new Map<number, number>();
  for (const n of sizes) {
    const floor = await measureWriteFloor(n, frameBytes, broadcasts);
    floors.set(n, median(floor.cpuMs));
    notes.push(`Floor at ${n}: a corked pair of writes (${frameBytes[0]} + ${frameBytes[1]} bytes, the doctor's opcode 30 and 40 frames) to each of ${n} bare loopback sockets read by another process: ${median(floor.cpuMs).toFixed(1)} ms CPU (spread ${Math.min(...floor.cpuMs).toFixed(1)}-${Math.max(...floor.cpuMs).toFixed(1)}), wall ${median(floor.wallMs).toFixed(1)} ms, ${broadcasts} rounds.`);
  }

  const figures: BenchFigure[] = [];
  const series: Record<string, Array<[number, number]>> = { 'last patient decrypted (median)': [], 'per-patient p99 (median)': [], 'all acknowledged (median)': [] };
  for (const n of sizes) {
    const s = shots.filter((x) => x.n === n);
    const fig = (name: string, unit: string, values: number[], extra: Partial<BenchFigure> = {}): BenchFigure => ({
      name: `${n} admitted: ${name}`,
      unit,
      median: median(values),
      spread: spread(values),
      samples: values.length,
      ...extra,
    });
    series['last patient decrypted (median)']!.push([n, median(s.map((x) => x.lastMs))]);
    series['per-patient p99 (median)']!.push([n, median(s.map((x) => x.p99Ms))]);
    series['all acknowledged (median)']!.push([n, median(s.map((x) => x.ackMs))]);
    const last = fig('send until the last patient decrypted', 'ms', s.map((x) => x.lastMs));
    if (n === 1000) Object.assign(last, { target: '<= 250 ms', pass: last.median <= 250 });
    figures.push(
      last,
      fig('per-patient delivery p50', 'ms', s.map((x) => x.p50Ms)),
      fig('per-patient delivery p99', 'ms', s.map((x) => x.p99Ms)),
      fig('send until every acknowledgement is in', 'ms', s.map((x) => x.ackMs)),
      fig('patient processes\' CPU per patient (receive, decrypt, audit, acknowledge)', 'µs', s.map((x) => x.patientCpuUs)),
    );
    const cpuSync = fig('rekey + broadcast CPU, the synchronous call', 'ms', s.map((x) => x.cpuSyncMs));
    const cpuAll = fig('rekey + broadcast CPU, until all acknowledgements', 'ms', s.map((x) => x.cpuAllMs));
    const floor = floors.get(n);
    if (floor !== undefined) Object.assign(cpuSync, { baseline: { name: `${n} bare socket writes of the same frames (floor)`, median: floor }, ratio: cpuSync.median / floor });
    if (n === 1000) {
      Object.assign(cpuSync, { target: '<= 20 ms', pass: cpuSync.median <= 20 });
      Object.assign(cpuAll, { target: '<= 20 ms', pass: cpuAll.median <= 20 });
    }
    figures.push(cpuSync, fig('broadcast call, wall time', 'ms', s.map((x) => x.wallSyncMs)), cpuAll);
  }
  // Admission counts, cumulative: the largest is "N patients admitted in one conference".
  let total: JoinResult[] = [];
  for (const n of sizes) {
    total = total.concat(joins.get(n) ?? []);
    const r = summariseRefusals(total);
    figures.push({ name: `${n} in one conference: admitted`, unit: 'patients', median: r.admitted, spread: [r.admitted, r.admitted], samples: 1, target: `all ${n}`, pass: r.admitted === n });
    figures.push({ name: `${n} in one conference: refused`, unit: 'patients', median: r.refused, spread: [r.refused, r.refused], samples: 1, target: 'each with a reason', pass: total.every((x) => x.state === 'admitted' || (x.reason ?? '') !== '') });
    if (r.refused) notes.push(`Refused on the way to ${n}: ${r.reasons}.`);
  }
  notes.unshift(
    `Doctor: the real doctor service in this process, default config (rekey before every broadcast: ${String(service.doctor.config.rekeyBeforeBroadcast)}, rekey window ${service.doctor.config.rekeyWindowMs} ms, max connections ${service.doctor.config.maxConnections}), default crypto workers; ffdhe2048.`,
    `Patients: real patient services in ${childCount} child processes, each from its own loopback address (127.2.x.y); a patient's time is when its 'patient.message' event fired (decrypted, acknowledgement sent), on performance.timeOrigin + performance.now() in every process.`,
    `${broadcasts} broadcasts of 240 bytes at each size, 150 ms apart, each after the previous one was fully acknowledged. CPU: process.cpuUsage() of the bench process (doctor main thread and workers) around the awaited broadcast() call, and until the doctor's snapshot shows every acknowledgement.`,
    `Section time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  );
  return { title: 'Fan-out of broadcasts', figures, notes, series };
};

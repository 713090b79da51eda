/**
 * Join storms: N patients (real patient services in child processes, each from its own loopback
 * address, identities and the doctor's pins made beforehand) connect at once to the doctor
 * service (default config, default workers) in this process. Per storm size: time until all are
 * admitted (each holds its first group key), handshakes per second, doctor CPU per handshake
 * against the raw cost of the doctor's four ElGamal operations measured in the same run, the
 * doctor's event-loop delay, and who was refused and why.
 *
 * BENCH_PROFILE=1 adds one profiled storm of the largest size (not counted in the figures),
 * written to bench-results/storm.cpuprofile, summarised in the notes.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BenchFigure, BenchRun, BenchSection } from '../lib/types.js';
import { median, percentile, spread } from '../lib/stats.js';
import { PatientFleet, sleep, summariseRefusals, type JoinResult } from '../lib/fleet.js';
import { startBenchDoctor, untilEmpty } from '../lib/doctor.js';
import { measureElGamal, type ElGamalBaseline } from '../lib/elgamal-baseline.js';
import { formatProfileSummary, startProfile, summariseProfile } from '../lib/profile.js';
import { RESULTS_DIR } from '../lib/paths.js';

interface Storm {
  n: number;
  joinMs: number;
  perSecond: number;
  cpuPerHandshakeMs: number;
  loopP50: number;
  loopP99: number;
  loopMax: number;
  /** Per-patient time from the storm's start to admitted, p50 / p99. */
  patientP50: number;
  patientP99: number;
  results: JoinResult[];
}

const STORM_HANDSHAKE_TIMEOUT_MS = 30_000;

export const run: BenchRun = async ({ rounds, quick }) => {
  const started = performance.now();
  const figureSizes = quick ? [20, 50] : [200, 1000];
  const seriesSizes = quick ? [10, 20, 50] : [50, 100, 200, 500, 1000];
  const largest = Math.max(...figureSizes, ...seriesSizes);
  const roundsFor = (n: number): number => (quick ? 1 : figureSizes.includes(n) ? rounds : Math.min(rounds, 3));
  const notes: string[] = [];
  const baselines: ElGamalBaseline[] = [measureElGamal(quick ? 10 : 30)];

  // The doctor's deadline counts the patient's part of a handshake; here that part includes the
  // wait for a bench child's share of the two cores (see the notes), so it is 30 s, not 10 s.
  const { service, port } = await startBenchDoctor({ config: { handshakeTimeoutMs: STORM_HANDSHAKE_TIMEOUT_MS } });
  let fleet: PatientFleet | null = null;
  const storms: Storm[] = [];
  try {
    fleet = await PatientFleet.start({ size: largest, prefix: 'join', port, octet: 1 });
    // Warm-up: every patient makes its identity key and is pinned by the doctor (trust on first use).
    const warmStart = performance.now();
    const warm = await fleet.connectInWaves(0, largest, 250);
    const w = summariseRefusals(warm);
    notes.push(`Warm-up (identity keys made, doctor pins set; waves of 250): ${w.admitted}/${largest} admitted in ${((performance.now() - warmStart) / 1000).toFixed(1)} s${w.refused ? `; refused: ${w.reasons}` : ''}.`);
    await fleet.leave();
    await untilEmpty(service);

    const storm = async (n: number): Promise<Storm> => {
      const loop = monitorEventLoopDelay({ resolution: 2 });
      await sleep(300); // the last departures' rekey and audit rows settle
      const cpu0 = process.cpuUsage();
      loop.enable();
      const { sentAt, results } = await fleet!.connect(0, n, 180_000);
      loop.disable();
      const cpu = process.cpuUsage(cpu0);
      const admitted = results.filter((r) => r.state === 'admitted');
      const end = Math.max(...results.map((r) => r.at));
      const joinMs = end - sentAt;
      const perPatient = admitted.map((r) => r.at - sentAt);
      await fleet!.leave();
      await untilEmpty(service);
      return {
        n,
        joinMs,
        perSecond: admitted.length / (joinMs / 1000),
        cpuPerHandshakeMs: (cpu.user + cpu.system) / 1000 / n,
        loopP50: loop.percentile(50) / 1e6,
        loopP99: loop.percentile(99) / 1e6,
        loopMax: loop.max / 1e6,
        patientP50: percentile(perPatient, 50),
        patientP99: percentile(perPatient, 99),
        results,
      };
    };

    for (const n of seriesSizes) {
      for (let r = 0; r < roundsFor(n); r++) storms.push(await storm(n));
    }
    for (const n of figureSizes) {
      const have = storms.filter((s) => s.n === n).length;
      for (let r = have; r < roundsFor(n); r++) storms.push(await storm(n));
    }

    if (process.env['BENCH_PROFILE'] === '1') {
      const profiler = await startProfile();
      const profiled = await storm(largest);
      const { main, workers } = await profiler.stop();
      mkdirSync(RESULTS_DIR, { recursive: true });
      writeFileSync(join(RESULTS_DIR, 'storm.cpuprofile'), JSON.stringify(main));
      notes.push(`Profile (BENCH_PROFILE=1): one extra storm of ${largest}, not counted above (${profiled.joinMs.toFixed(0)} ms under the profiler); bench-results/storm.cpuprofile (main thread, open in Chrome DevTools or VS Code).`);
      notes.push(...formatProfileSummary('Doctor main thread (event loop)', summariseProfile(main)));
      workers.forEach((w, i) => {
        writeFileSync(join(RESULTS_DIR, `storm-worker-${i + 1}.cpuprofile`), JSON.stringify(w.profile));
        notes.push('', ...formatProfileSummary(`Doctor crypto worker ${i + 1} (${w.title}), bench-results/storm-worker-${i + 1}.cpuprofile`, summariseProfile(w.profile, 8), 6));
      });
      if (workers.length === 0) notes.push('(The worker threads could not be attached to; their time is not in the profile.)');
    }
  } finally {
    await fleet?.close();
    await service.close();
  }
  baselines.push(measureElGamal(quick ? 10 : 30));

  const baseline = median(baselines.map((b) => b.total));
  const figures: BenchFigure[] = [];
  const series: Record<string, Array<[number, number]>> = { 'time to admit all (median)': [], 'per-patient admitted p99 (median)': [] };
  for (const n of [...new Set([...seriesSizes, ...figureSizes])].sort((a, b) => a - b)) {
    const s = storms.filter((x) => x.n === n);
    series['time to admit all (median)']!.push([n, median(s.map((x) => x.joinMs))]);
    series['per-patient admitted p99 (median)']!.push([n, median(s.map((x) => x.patientP99))]);
  }
  for (const n of figureSizes) {
    const s = storms.filter((x) => x.n === n);
    const fig = (name: string, unit: string, values: number[], extra: Partial<BenchFigure> = {}): BenchFigure => ({
      name: `storm of ${n}: ${name}`,
      unit,
      median: median(values),
      spread: spread(values),
      samples: values.length,
      ...extra,
    });
    const atTarget = n === 1000;
    const cpu = fig('doctor CPU per handshake', 'ms', s.map((x) => x.cpuPerHandshakeMs));
    cpu.baseline = { name: "doctor's 4 ElGamal ops, raw (verify+decrypt+encrypt+sign)", median: baseline };
    cpu.ratio = cpu.median / baseline;
    if (atTarget) Object.assign(cpu, { target: '<= 1.15x', pass: cpu.ratio <= 1.15 });
    const p99 = fig('doctor event-loop delay p99', 'ms', s.map((x) => x.loopP99));
    if (atTarget) Object.assign(p99, { target: '<= 50 ms', pass: p99.median <= 50 });
    const admitted = s.map((x) => x.results.filter((r) => r.state === 'admitted').length);
    const refused = s.map((x) => x.results.length - x.results.filter((r) => r.state === 'admitted').length);
    figures.push(
      fig('time until all admitted', 'ms', s.map((x) => x.joinMs)),
      fig('handshakes per second', '/s', s.map((x) => x.perSecond)),
      cpu,
      fig('doctor event-loop delay p50', 'ms', s.map((x) => x.loopP50)),
      p99,
      fig('doctor event-loop delay max', 'ms', s.map((x) => x.loopMax)),
      fig('per-patient time to admitted p50', 'ms', s.map((x) => x.patientP50)),
      fig('per-patient time to admitted p99', 'ms', s.map((x) => x.patientP99)),
      fig('admitted', 'patients', admitted, { target: `all ${n}`, pass: Math.min(...admitted) === n }),
      fig('refused', 'patients', refused),
    );
    for (const [i, x] of s.entries()) {
      const r = summariseRefusals(x.results);
      if (r.refused) notes.push(`Storm of ${n}, round ${i + 1}: ${r.refused} refused: ${r.reasons}.`);
    }
  }
  const b = baselines.map((x) => `${x.total.toFixed(2)} ms (verify ${x.verify.toFixed(2)}, decrypt ${x.decrypt.toFixed(2)}, encrypt ${x.encrypt.toFixed(2)}, sign ${x.sign.toFixed(2)}; ${x.samples} of each)`);
  notes.unshift(
    `Doctor: the real doctor service in the bench process, default config (8 unfinished connections and 60 handshakes a minute per source address, 5 s timestamp window, rekey window as configured) except its handshake deadline, ${STORM_HANDSHAKE_TIMEOUT_MS / 1000} s instead of 10 s: that deadline counts only the patient's part of a handshake (it pauses while the doctor computes), and a bench patient's part includes waiting seconds for its process's share of the cores, which a patient on its own machine does not (with 10 s, 0-38 of 1,000 timed out per storm here); default crypto workers; ffdhe2048.`,
    `Patients: real patient services, crypto inline, ${fleet ? fleet.childCount : '?'} child processes (round-robin, up to 250 each), each patient from its own loopback address (127.1.x.y), ids free of confusable characters; pinned before the storms, so a storm is handshakes only. They accept the doctor's timestamps within 60 s (maxClockSkewMs; the default is 5 s): at a storm's start a child computes its 250 opcode 10s back to back and an opcode 20 can wait seconds behind them, which a patient on its own machine never does.`,
    `Time until all admitted: from the storm's start (the connect commands sent to the children) to the last patient holding its first group key, on a clock shared by the processes. Doctor CPU: process.cpuUsage() of the bench process (main thread and crypto workers) over the storm / N.`,
    `Baseline: the doctor's four ElGamal operations (${baselines[0]!.backend} backend, CryptoEngine inline), median of before and after the storms: ${b.join(' and ')}.`,
    `Rounds: ${figureSizes.map((n) => `${roundsFor(n)} at ${n}`).join(', ')}; series sizes ${seriesSizes.filter((n) => !figureSizes.includes(n)).map((n) => `${n} (${roundsFor(n)} rounds)`).join(', ')}. Doctor and patients share this machine's cores: the patients' half of each handshake competes with the doctor.`,
    `Section time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  );
  const section: BenchSection = { title: 'Join storms', figures, notes, series };
  return section;
};

/**
 * Handshake latency: the real doctor service (this process, its default crypto workers) and the
 * real patient service (also in this process, its default workers), over TCP on 127.0.0.1, one
 * handshake at a time, left before the next, alternating a returning patient (its key pair and
 * the doctor's pin exist: the common case, and the figure with the target) with a first contact
 * (a fresh patient id: a key pair is made first). Both run the full handshake.
 * Latency = patient connect() until the patient is admitted, with the doctor's rekey window set to
 * 0 (the group key follows admission at once) and its per-address limits raised for the bench.
 * Baseline, measured interleaved in the same run: the 8 ElGamal operations of one handshake
 * (patient encrypt + sign, doctor verify + decrypt + encrypt + sign, patient verify + decrypt),
 * raw and serially, on an inline CryptoEngine with the same (default) backend.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchFigure, BenchRun } from '../lib/types.js';
import { median, percentile, spread } from '../lib/stats.js';
import { createDoctorService } from '../../src/main/doctor/service.js';
import { createPatientService } from '../../src/main/patient/service.js';
import { CryptoEngine, FFDHE2048, FFDHE3072, randomSubgroupElement, type Group } from '../../src/main/crypto/index.js';
import type { PatientStatus } from '../../src/shared/contract.js';
import { BACKENDS } from '../../src/main/crypto/modexp/select.js';

function serialOps(engine: CryptoEngine, group: Group): number {
  const patient = engine.generateKeyPair(group);
  const doctor = engine.generateKeyPair(group);
  const sk = randomSubgroupElement(group);
  const transcript = new Uint8Array(600).fill(7);
  const t0 = performance.now();
  const c = engine.encrypt(doctor, sk);
  const s1 = engine.sign(patient, transcript);
  engine.verify(patient, transcript, s1);
  const got = engine.decrypt(doctor, c);
  const reply = engine.encrypt(patient, got);
  const s2 = engine.sign(doctor, transcript);
  engine.verify(doctor, transcript, s2);
  engine.decrypt(patient, reply);
  return performance.now() - t0;
}

export const run: BenchRun = async ({ rounds, quick }) => {
  const notes: string[] = [
    'Doctor service and patient service both in the bench process (default crypto workers each), TCP over 127.0.0.1; one handshake at a time, left before the next, alternating a returning patient (same id, its key pair and pins exist) with a first contact (fresh id: its key pair is generated first, not one of the 8 operations). Both run the full handshake.',
    'Latency: patient connect() until admitted (doctor rekeyWindowMs 0, handshakesPerMinute raised). Includes TCP connect, hello, opcodes 10/20/30 and the group key (opcode 30 seal).',
    'Baseline: the 8 ElGamal operations of a handshake measured raw, serially, inline (default backend), interleaved with the handshakes. 100 ms idle before each handshake (arrivals one at a time), in which the workers refill their precomputed nonces and exponents.',
    'jsbn: the same handshake with both services forced to the jsbn backend (ServiceOptions.backend), against the same 8 operations raw with jsbn; fewer handshakes (each takes about half a second).',
  ];
  const figures: BenchFigure[] = [];
  const plans = [
    ['ffdhe2048', FFDHE2048, quick ? 4 : 40 * rounds, undefined],
    ['ffdhe3072', FFDHE3072, quick ? 2 : 12 * rounds, undefined],
    ['ffdhe2048', FFDHE2048, quick ? 2 : 2 * rounds, 'jsbn'],
  ] as const;
  for (const [name, group, count, backend] of plans) figures.push(...(await measure(name, group, count, backend)));
  return { title: 'Handshake latency', figures, notes };
};

async function measure(name: 'ffdhe2048' | 'ffdhe3072', group: Group, count: number, backend: 'jsbn' | undefined): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const label = backend ? `${name} (jsbn forced)` : name;
  const dir = mkdtempSync(join(tmpdir(), 'bench-handshake-'));
  const forced = backend ? { backend } : {};
  const doctor = await createDoctorService({
    dataDir: join(dir, 'doctor'),
    config: { rekeyWindowMs: 0, handshakesPerMinute: 1_000_000, handshakeTimeoutMs: 60_000 },
    ...forced,
  });
  const { port } = await doctor.listen('127.0.0.1', 0);
  const patient = await createPatientService({ dataDir: join(dir, 'patient'), handshakeTimeoutMs: 60_000, ...forced });
  let waiting: ((s: PatientStatus) => void) | null = null;
  patient.subscribe((e) => {
    if (e.channel === 'patient.changed') waiting?.(e.payload);
  });
  const engine = backend ? new CryptoEngine(BACKENDS[backend]) : new CryptoEngine();
  let id = 0;
  try {
    const lat = { returning: [] as number[], first: [] as number[] };
    const base: number[] = [];
    for (let i = -2; i < count; i++) {
      // two warm-up handshakes (keys created, the returning id pinned, workers booted) are not counted
      const returning = i % 2 === 0;
      const admitted = new Promise<PatientStatus>((resolve) => {
        waiting = (s) => {
          if (s.state === 'admitted' || s.state === 'disconnected' || s.state === 'blocked') resolve(s);
        };
      });
      const t0 = performance.now();
      await patient.connect({ host: '127.0.0.1', port: port!, patientId: returning ? 'hs-returning' : `hs-${id++}`, group: name });
      const status = await admitted;
      const ms = performance.now() - t0;
      waiting = null;
      if (status.state !== 'admitted') throw new Error(`handshake ended ${status.state}`);
      await patient.leave();
      const b = serialOps(engine, group);
      // One handshake at a time: both sides idle before the next arrival, as between patients
      // (the workers refill their precomputed stock in idle time, async-engine.ts).
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (i >= 0) {
        lat[returning ? 'returning' : 'first'].push(ms);
        base.push(b);
      }
    }
    const baseMedian = median(base);
    for (const [kind, samples] of [
      ['returning patient', lat.returning],
      ['first contact', lat.first],
    ] as const) {
      const m = median(samples);
      const target = name === 'ffdhe2048' && !backend && kind === 'returning patient';
      figures.push({
        name: `${label} handshake latency, ${kind}, median`,
        unit: 'ms',
        median: m,
        spread: spread(samples),
        samples: samples.length,
        baseline: { name: 'serial sum of the 8 ElGamal operations, raw', median: baseMedian },
        ratio: m / baseMedian,
        ...(target ? { target: '<= 0.8x', pass: m / baseMedian <= 0.8 } : {}),
      });
      figures.push({ name: `${label} handshake latency, ${kind}, p99`, unit: 'ms', median: percentile(samples, 99), spread: spread(samples), samples: samples.length });
    }
    figures.push({ name: `${label} serial ElGamal operations, raw`, unit: 'ms', median: baseMedian, spread: spread(base), samples: base.length });
  } finally {
    await patient.close();
    await doctor.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

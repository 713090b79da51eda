/**
 * The bench doctor: the real doctor service (src/main/doctor/service.ts) with its DEFAULT config
 * and default crypto workers, listening on 127.0.0.1, in the bench process, its data in
 * bench-results/doctor-data/doctor (shared by the sections in turn; patient id prefixes differ).
 */
import { mkdirSync } from 'node:fs';
import { createDoctorService, type DoctorServiceOptions } from '../../src/main/doctor/service.js';
import { DOCTOR_DATA_DIR } from './paths.js';
import { until } from './fleet.js';

export type BenchDoctor = Awaited<ReturnType<typeof createDoctorService>>;

export async function startBenchDoctor(options: Partial<DoctorServiceOptions> = {}): Promise<{ service: BenchDoctor; port: number }> {
  mkdirSync(DOCTOR_DATA_DIR, { recursive: true });
  const service = await createDoctorService({ dataDir: DOCTOR_DATA_DIR, ...options });
  try {
    const { port } = await service.listen('127.0.0.1', 0);
    return { service, port: port! };
  } catch (error) {
    await service.close();
    throw error;
  }
}

/** Waits until the doctor holds no patient session (after a leave). */
export function untilEmpty(service: BenchDoctor, ms = 30_000): Promise<void> {
  return until(() => service.doctor.patients().length === 0 && service.doctor.conference.size === 0, ms, 'the doctor to see every patient leave');
}

/** Waits until `n` patients hold the current group key (no rekey pending). */
export function untilKeyed(service: BenchDoctor, n: number, ms = 30_000): Promise<void> {
  const c = service.doctor.conference;
  return until(() => c.members.size >= n && !c.pending, ms, `${n} patients to hold the group key`);
}

/** In-process doctor for integration tests: the real service on a temp dir and a movable clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDoctorService, type DoctorServiceOptions } from '../../../src/main/doctor/service.js';
import type { DoctorConfig } from '../../../src/main/doctor/config.js';
import type { AuditEntry } from '../../../src/shared/contract.js';

export class TestClock {
  offset = 0;
  now = (): number => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `medchat-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startDoctor(options: { dataDir?: string; clock?: TestClock; config?: Partial<DoctorConfig>; port?: number } = {}) {
  const dataDir = options.dataDir ?? tempDir('doctor');
  const clock = options.clock ?? new TestClock();
  const serviceOptions: DoctorServiceOptions = { dataDir, now: clock.now, workers: 1, ...(options.config ? { config: options.config } : {}) };
  const service = await createDoctorService(serviceOptions);
  const status = await service.listen('127.0.0.1', options.port ?? 0);
  const audit: AuditEntry[] = [];
  service.subscribe((e) => {
    if (e.channel === 'doctor.audit') audit.push(e.payload);
  });
  return { service, port: status.port!, dataDir, clock, audit };
}

export type TestDoctor = Awaited<ReturnType<typeof startDoctor>>;

/** Polls until `check` returns a truthy value or the time runs out. */
export async function eventually<T>(check: () => T | undefined | null | false, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`eventually: ${what} not reached in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

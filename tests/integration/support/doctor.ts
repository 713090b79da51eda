/** In-process doctor for integration tests: the real service on a temp dir and a movable clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDoctorService, type DoctorServiceOptions } from '../../../src/main/doctor/service.js';
import type { DoctorConfig } from '../../../src/main/doctor/config.js';
import type { AuditEntry } from '../../../src/shared/contract.js';
import type { TimerHandle, Timers } from '../../../src/shared/timers.js';

/**
 * A movable clock, and (when a test asks for them with `fakeTimers`) the doctor's deadlines on
 * it: `advance(ms)` then fires every deadline that falls due, so a timeout test waits for no
 * real time (issue 8: attack 8's real 600 ms timeout flaked under load).
 */
export class TestClock implements Timers {
  offset = 0;
  private timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  private readonly frozenAt: number | null;

  /** A frozen clock moves only by advance() (what fake deadlines need); else it follows real time. */
  constructor(frozen = false) {
    this.frozenAt = frozen ? Date.now() : null;
  }

  now = (): number => (this.frozenAt ?? Date.now()) + this.offset;

  after(ms: number, fn: () => void): TimerHandle {
    const timer = { at: this.now() + ms, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  advance(ms: number): void {
    this.offset += ms;
    const now = this.now();
    const due = this.timers.filter((t) => !t.cancelled && t.at <= now).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => !t.cancelled && t.at > now);
    for (const t of due) t.fn();
  }
}

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `medchat-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startDoctor(
  options: { dataDir?: string; clock?: TestClock; config?: Partial<DoctorConfig>; port?: number; fakeTimers?: boolean } = {},
) {
  const dataDir = options.dataDir ?? tempDir('doctor');
  const clock = options.clock ?? new TestClock(options.fakeTimers === true);
  const serviceOptions: DoctorServiceOptions = {
    dataDir,
    now: clock.now,
    workers: 1,
    ...(options.fakeTimers ? { timers: clock } : {}),
    ...(options.config ? { config: options.config } : {}),
  };
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

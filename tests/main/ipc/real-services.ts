/**
 * The real engine for the IPC tests: ServiceFactories that call the real createDoctorService /
 * createPatientService (SQLite store, key vault, crypto worker) on the runtime's data directory,
 * with one crypto worker instead of one per core. Nothing here stands in for the engine; the only
 * addition is a count of close() calls, so a test can check that a runtime closes its service
 * exactly once.
 *
 * Scratch keeps every temp directory and everything started in a test, and tears them down in
 * afterEach: close first (newest first), then remove the directories.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDoctorService } from '../../../src/main/doctor/service.js';
import { createPatientService } from '../../../src/main/patient/service.js';
import type { ServiceFactories } from '../../../src/main/ipc/runtime.js';
import type { Role } from '../../../src/shared/contract.js';

export interface EngineFactories extends ServiceFactories {
  /** The roles whose real service was created, in order (failed starts are not listed). */
  readonly created: Role[];
  /** close() calls that reached each real service. */
  readonly closeCalls: Record<Role, number>;
}

/** Delegates every property to the real service, counting close() on the way through. */
function countingClose<S extends { close(): Promise<void> }>(service: S, count: () => void): S {
  return new Proxy(service, {
    get(target, key) {
      if (key === 'close') {
        return () => {
          count();
          return target.close();
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export function engineFactories(): EngineFactories {
  const created: Role[] = [];
  const closeCalls: Record<Role, number> = { doctor: 0, patient: 0 };
  return {
    created,
    closeCalls,
    async createDoctorService(options) {
      const service = await createDoctorService({ ...options, workers: 1 });
      created.push('doctor');
      return countingClose(service, () => closeCalls.doctor++);
    },
    async createPatientService(options) {
      const service = await createPatientService({ ...options, workers: 1 });
      created.push('patient');
      return countingClose(service, () => closeCalls.patient++);
    },
  };
}

export class Scratch {
  private readonly dirs: string[] = [];
  private readonly closeables: { close(): Promise<void> }[] = [];

  /** A fresh, empty directory under the OS temp dir, removed by cleanup(). */
  dir(label: string): string {
    const dir = mkdtempSync(join(tmpdir(), `medchat-ipc-${label}-`));
    this.dirs.push(dir);
    return dir;
  }

  /** Closes `thing` in cleanup(); returns it. */
  track<T extends { close(): Promise<void> }>(thing: T): T {
    this.closeables.push(thing);
    return thing;
  }

  async cleanup(): Promise<void> {
    const closeables = this.closeables.splice(0).reverse();
    const dirs = this.dirs.splice(0);
    const failures: unknown[] = [];
    for (const thing of closeables) {
      try {
        await thing.close();
      } catch (error) {
        failures.push(error);
      }
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    if (failures.length > 0) throw new AggregateError(failures, 'Scratch.cleanup: closing failed');
  }
}

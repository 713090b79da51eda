/**
 * Shared fixtures for the store tests: real SQLite files in fresh temp directories (removed after
 * each test), a clock the test moves by hand, and an assertion on StoreError codes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, expect } from 'vitest';
import { openStore, StoreError, type Store, type StoreErrorCode } from '../../../src/main/store/index.js';

export const T0 = Date.UTC(2025, 0, 15, 9, 30, 0);

export class ManualClock {
  constructor(public t = T0) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

const dirs: string[] = [];
const stores: Store[] = [];

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medchat-store-'));
  dirs.push(dir);
  return dir;
}

/** A store in a fresh data dir, closed after the test. */
export function testStore(clock = new ManualClock(), dataDir = path.join(tempDir(), 'data')): { store: Store; clock: ManualClock; dataDir: string } {
  const store = track(openStore(dataDir, { now: clock.now }));
  return { store, clock, dataDir };
}

export function track(store: Store): Store {
  stores.push(store);
  return store;
}

/**
 * Runs fn under a permissive umask (022), so the mode assertions check what the code asks for
 * rather than what a strict CI umask (077) would give anyway.
 */
export function withUmask<T>(mask: number, fn: () => T): T {
  const previous = process.umask(mask);
  try {
    return fn();
  } finally {
    process.umask(previous);
  }
}

export function modeOf(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

export function expectStoreError(fn: () => unknown, code: StoreErrorCode, message?: RegExp): StoreError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected StoreError ${code}`).toBeInstanceOf(StoreError);
  const error = caught as StoreError;
  expect(error.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
  return error;
}

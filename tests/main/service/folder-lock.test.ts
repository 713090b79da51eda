/**
 * One process per data folder (src/main/service/folder-lock.ts): a second opener is refused with
 * a sentence naming the holder; a lock left by a killed process is taken over; the lock goes
 * with close(). Real processes stand in for "a live holder" and "a dead one".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE_NAME, lockDataFolder } from '../../../src/main/service/folder-lock.js';
import { createDoctorService } from '../../../src/main/doctor/service.js';
import { ServiceError } from '../../../src/main/service/services.js';

const dirs: string[] = [];
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'medchat-lock-'));
  dirs.push(d);
  return d;
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return error instanceof ServiceError ? `${error.code}: ${error.message}` : String(error);
  }
  return 'no error';
}

/** A process that has exited: its pid names nobody now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

function writeLock(dir: string, pid: number): void {
  writeFileSync(join(dir, LOCK_FILE_NAME), JSON.stringify({ pid, host: hostname(), startedAt: Date.UTC(2026, 0, 1), token: 'x'.repeat(32) }));
}

describe('the data folder lock', () => {
  it('refuses a second holder with a sentence naming the first, and is free again after release', () => {
    const dir = folder();
    const lock = lockDataFolder(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(code(() => lockDataFolder(dir))).toMatch(
      new RegExp(`^DATA_DIR_IN_USE: The data folder .* is in use by another MedChatSecure \\(process ${process.pid} on .*, since \\d{4}-.*\\)\\. Close that one first; if it is not running, delete .*medchat\\.lock\\.$`),
    );
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
    lockDataFolder(dir).release();
  });

  it('takes over a lock whose process is gone (SIGKILL, a crash), and says whose it was', async () => {
    const dir = folder();
    const pid = await deadPid();
    writeLock(dir, pid);
    const lock = lockDataFolder(dir);
    expect(lock.replacedPid).toBe(pid);
    lock.release();
  });

  it('refuses while the holder lives, in another process', async () => {
    const dir = folder();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    cleanups.push(() => void child.kill('SIGKILL'));
    await new Promise((resolve) => child.once('spawn', resolve));
    writeLock(dir, child.pid!);
    expect(code(() => lockDataFolder(dir))).toMatch(new RegExp(`^DATA_DIR_IN_USE: .*process ${child.pid} on `));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    lockDataFolder(dir).release();
  });

  it('takes over a lock naming this very pid that this process does not hold (a pid reused after a restart)', () => {
    const dir = folder();
    writeLock(dir, process.pid);
    const lock = lockDataFolder(dir);
    expect(lock.replacedPid).toBe(process.pid);
    lock.release();
  });

  it('waits out an unreadable lock that may be being written, and takes over an old one', () => {
    const dir = folder();
    const path = join(dir, LOCK_FILE_NAME);
    writeFileSync(path, '{"pid": 12');
    expect(code(() => lockDataFolder(dir))).toMatch(/^DATA_DIR_IN_USE: .*in use by another MedChatSecure \(a process that is starting\)/);
    // A lock whose host would put control characters on the console counts as unreadable.
    writeFileSync(path, JSON.stringify({ pid: process.pid, host: 'x\n[admitted] mallory\u202e', startedAt: 1, token: 't' }));
    const shown = code(() => lockDataFolder(dir));
    expect(shown).toMatch(/a process that is starting/);
    expect(shown).not.toMatch(/mallory|\n|\u202e/);
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(path, old, old);
    const lock = lockDataFolder(dir);
    expect(lock.replacedPid).toBeNull();
    lock.release();
  });

  it('refuses a second doctor service on the folder while the first goes on serving; close frees it', async () => {
    const dir = folder();
    const first = await createDoctorService({ dataDir: dir, workers: 1 });
    cleanups.push(() => first.close());
    await expect(createDoctorService({ dataDir: dir, workers: 1 })).rejects.toMatchObject({ code: 'DATA_DIR_IN_USE' });
    const status = await first.listen('127.0.0.1', 0);
    expect(status.listening).toBe(true);
    await first.close();
    const second = await createDoctorService({ dataDir: dir, workers: 1 });
    cleanups.push(() => second.close());
    expect(second.status().resume).toEqual({ host: '127.0.0.1', port: status.port });
  });
});

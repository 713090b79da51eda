/**
 * One process per data folder. Two processes on one folder would interleave their audit chains,
 * race on pins and block lists, and each take the other's open performance session for a
 * crashed one. So a service holds `medchat.lock` in its folder while it runs: created with
 * O_EXCL, naming the process (pid, host, start time) and a random token; removed at close and
 * at exit. A lock whose process is gone (a crash, SIGKILL) is stale and taken over; one held by
 * a live process refuses the start with a sentence saying which process and what to do.
 * Read-only commands (`medchat audit`, `medchat perf`) take no lock.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from '../crypto/index.js';
import { ServiceError } from './services.js';

export const LOCK_FILE_NAME = 'medchat.lock';
/** An unreadable lock file younger than this may be one being written: wait for it. */
const PARTIAL_LOCK_GRACE_MS = 5_000;

interface Holder {
  pid: number;
  host: string;
  startedAt: number;
  token: string;
}

export interface FolderLock {
  readonly path: string;
  /** A stale lock this one replaced (its holder's pid), for the audit log. */
  readonly replacedPid: number | null;
  release(): void;
}

/** Locks held by this process: a lock naming our pid but not held here is a previous process's (pid reuse). */
const held = new Map<string, string>();
let exitHook = false;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): Holder | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    // The file is shown in an error message: only a plain host name gets through.
    const plainHost = typeof value.host === 'string' && /^[A-Za-z0-9._-]{1,253}$/.test(value.host);
    if (!Number.isSafeInteger(value.pid) || !plainHost || !Number.isSafeInteger(value.startedAt) || typeof value.token !== 'string') return null;
    return value as Holder;
  } catch {
    return null;
  }
}

function isStale(path: string, holder: Holder | null): boolean {
  if (!holder) {
    try {
      return Date.now() - statSync(path).mtimeMs > PARTIAL_LOCK_GRACE_MS;
    } catch {
      return true;
    }
  }
  if (holder.host !== hostname()) return false; // another machine on a shared folder: cannot tell
  if (holder.pid === process.pid) return held.get(path) !== holder.token;
  return !isAlive(holder.pid);
}

/** mkdir -p, except that a refusal reports its real cause (recursive mkdir says ENOENT on a read-only disk). */
function makeFolder(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync(dirname(dataDir))) throw error;
    mkdirSync(dataDir, { mode: 0o700 });
  }
}

export function lockDataFolder(dataDir: string): FolderLock {
  makeFolder(dataDir);
  const path = join(dataDir, LOCK_FILE_NAME);
  const token = Buffer.from(randomBytes(16)).toString('hex');
  let replacedPid: number | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (!isStale(path, holder)) {
        const who = holder ? `process ${holder.pid} on ${holder.host}, since ${new Date(holder.startedAt).toISOString()}` : 'a process that is starting';
        throw new ServiceError(
          'DATA_DIR_IN_USE',
          `The data folder ${dataDir} is in use by another MedChatSecure (${who}). Close that one first; if it is not running, delete ${path}.`,
        );
      }
      replacedPid = holder?.pid ?? null;
      try {
        unlinkSync(path);
      } catch {
        // another starter removed it first; the O_EXCL create below decides
      }
      continue;
    }
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: Date.now(), token } satisfies Holder));
    } finally {
      closeSync(fd);
    }
    held.set(path, token);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => {
        for (const [p, t] of held) removeIfOurs(p, t);
      });
    }
    return {
      path,
      replacedPid,
      release: () => {
        if (held.get(path) !== token) return;
        held.delete(path);
        removeIfOurs(path, token);
      },
    };
  }
  throw new ServiceError('DATA_DIR_IN_USE', `The data folder ${dataDir} is being opened by another process at the same moment; try again.`);
}

function removeIfOurs(path: string, token: string): void {
  try {
    if (readHolder(path)?.token === token) unlinkSync(path);
  } catch {
    // gone already
  }
}

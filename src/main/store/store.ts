/**
 * The Store: one SQLite connection and the typed stores over it. openStore() is the app's entry
 * (a private data directory holding medchat.db); openStoreFile() opens a given file, e.g. a copy
 * for `medchat audit --verify copy.db`, optionally read-only.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { createAuditLog, type AuditLog } from './audit.js';
import { createBlockStore, type BlockStore } from './blocks.js';
import { checkedClock } from './clock.js';
import { openDatabase } from './db.js';
import { createNonceStore, type NonceStore } from './nonces.js';
import { createOwnKeyStore, type OwnKeyStore } from './own-keys.js';
import { createPerfStore, type PerfStore } from './perf.js';
import { createPinStore, type PinStore } from './pins.js';
import { createSettingsStore, type SettingsStore } from './settings.js';
import { checkString } from './validate.js';

export interface StoreOptions {
  /** Milliseconds since the epoch; Date.now by default. Tests move it. */
  now?: () => number;
}

export interface StoreFileOptions extends StoreOptions {
  /** Open without writing anything (no migration, no WAL switch); for verifying a copy. */
  readonly?: boolean;
}

export interface Store {
  readonly path: string;
  close(): void;
  readonly ownKeys: OwnKeyStore;
  readonly pins: PinStore;
  readonly blocks: BlockStore;
  readonly audit: AuditLog;
  readonly perf: PerfStore;
  readonly settings: SettingsStore;
  readonly nonces: NonceStore;
}

export const DB_FILE_NAME = 'medchat.db';

/** Opens (creating when missing, mode 0700) dataDir and its medchat.db (mode 0600). */
export function openStore(dataDir: string, options: StoreOptions = {}): Store {
  const dir = nodePath.resolve(checkString(dataDir, 'openStore: dataDir', 1, 4096));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const dbPath = nodePath.join(dir, DB_FILE_NAME);
  // SQLite creates files with the umask's mode (often 0644), and its -wal and -shm files copy the
  // main file's mode: create it 0600 first (or tighten it), since it names patients and their addresses.
  const fd = fs.openSync(dbPath, 'a', 0o600);
  try {
    if (process.platform !== 'win32' && (fs.fstatSync(fd).mode & 0o077) !== 0) fs.fchmodSync(fd, 0o600);
  } finally {
    fs.closeSync(fd);
  }
  return createStore(dbPath, false, true, options);
}

/**
 * Opens an existing database file (DB_NOT_FOUND when missing, so a mistyped path never verifies
 * as an empty log). ':memory:' gives a fresh in-memory store. Read-only opens need the current
 * schema (DB_NEEDS_UPGRADE otherwise) and refuse every write with SQLite's read-only error.
 */
export function openStoreFile(dbPath: string, options: StoreFileOptions = {}): Store {
  const path = checkString(dbPath, 'openStoreFile: dbPath', 1, 4096);
  const readonly = options.readonly === true && path !== ':memory:';
  return createStore(path === ':memory:' ? path : nodePath.resolve(path), readonly, false, options);
}

function createStore(path: string, readonly: boolean, create: boolean, options: StoreOptions): Store {
  const db = openDatabase(path, { readonly, create });
  const now = checkedClock(options.now);
  return {
    path,
    close() {
      if (db.open) db.close();
    },
    ownKeys: createOwnKeyStore(db),
    pins: createPinStore(db, now),
    blocks: createBlockStore(db, now),
    audit: createAuditLog(db, now),
    perf: createPerfStore(db, now),
    settings: createSettingsStore(db),
    nonces: createNonceStore(db, now),
  };
}

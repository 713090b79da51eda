/**
 * Opens an instance's data folder for a service: the SQLite store and the key vault (the given
 * one, e.g. Electron's safeStorage vault, or the owner-only keys.json). Failures become
 * ServiceErrors a person can act on, and nothing is left open when one part fails. The audit log
 * is given the folder's seal key from the vault. The folder is
 * locked for this process (folder-lock.ts) until the service closes.
 */
import { join } from 'node:path';
import { auditSealKey, openFileKeyVault, openStore, StoreError, storeFault, type KeyVault, type Store } from '../store/index.js';
import { ServiceError } from './services.js';
import { lockDataFolder, type FolderLock } from './folder-lock.js';

export interface DataFolder {
  store: Store;
  vault: KeyVault;
  lock: FolderLock;
}

/** A failure while opening or starting on the folder, as a ServiceError a person can act on. */
function folderError(error: unknown, dataDir: string): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof StoreError) return new ServiceError(error.code, error.message);
  const fault = storeFault(error, dataDir);
  if (fault) return new ServiceError(fault.code, fault.message);
  const code = (error as NodeJS.ErrnoException).code ?? 'ERROR';
  return new ServiceError('DATA_DIR', `Cannot use the data folder ${dataDir} (${code}).`);
}

/**
 * Opens the folder and runs `start` on it (a service's first reads and writes); if either fails,
 * the folder is closed and unlocked again and the failure is a ServiceError.
 */
export async function startOnDataFolder<T>(
  dataDir: string,
  now: () => number,
  keyVault: KeyVault | undefined,
  start: (folder: DataFolder) => T | Promise<T>,
): Promise<T> {
  const folder = openDataFolder(dataDir, now, keyVault);
  try {
    return await start(folder);
  } catch (error) {
    folder.store.close();
    folder.lock.release();
    throw folderError(error, dataDir);
  }
}

export function openDataFolder(dataDir: string, now: () => number, keyVault?: KeyVault): DataFolder {
  let store: Store | null = null;
  let lock: FolderLock | null = null;
  try {
    // The lock first: nothing is read or written in a folder another process is using.
    lock = lockDataFolder(dataDir);
    store = openStore(dataDir, { now });
    const vault = keyVault ?? openFileKeyVault(join(dataDir, 'keys.json'));
    const opened = store;
    // Every checkpoint is sealed with the folder's key (store/audit-seal.ts); made at the first start.
    opened.audit.useSealKey(auditSealKey(vault, (key) => opened.audit.useSealKey(key, true)), false);
    return { store, vault, lock };
  } catch (error) {
    store?.close();
    lock?.release();
    throw folderError(error, dataDir);
  }
}

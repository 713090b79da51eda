/** What both engine services are made with (src/main/doctor/service.ts, src/main/patient/service.ts add their own settings). */
import type { Timers } from '../../shared/timers.js';
import type { KeyVault } from '../store/index.js';
import type { ModExpBackendName } from '../crypto/modexp/backend.js';

export interface ServiceOptions {
  /** The role's data folder: the SQLite store, and the key file unless keyVault is given. */
  dataDir: string;
  /** Where private keys live (Electron's safeStorage); default: the owner-only keys.json. */
  keyVault?: KeyVault;
  now?: () => number;
  /** The engine's deadlines; real timers by default, fake ones in tests. */
  timers?: Timers;
  /** The application log (./log.ts); nothing by default. */
  log?: (line: string) => void;
  /** Crypto worker threads (default: one per core, at most 4). */
  workers?: number;
  /** The modular exponentiation backend (the bench forces jsbn); the fastest that passes its self-test by default. */
  backend?: ModExpBackendName;
}

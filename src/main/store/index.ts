/**
 * The persistence layer's public API: everything the engine, the IPC services and the CLI may use.
 * Only src/main/store touches SQLite (lint-enforced); see ./README.md.
 */
export { openStore, openStoreFile, DB_FILE_NAME, type Store, type StoreOptions, type StoreFileOptions } from './store.js';
export { StoreError, storeFault, type StoreErrorCode } from './errors.js';
export { type OwnKey, type OwnKeyStore } from './own-keys.js';
export { type Pin, type PinStore } from './pins.js';
export { type BlockStore } from './blocks.js';
export {
  type AuditLog,
  AUDIT_DETAIL_MAX,
  AUDIT_DEFAULT_LIMIT,
  AUDIT_MAX_LIMIT,
} from './audit.js';
export { auditHash } from './audit-chain.js';
export { auditSealKey, readAuditSealKey, parseAuditCheckpoint, AUDIT_SEAL_VAULT_ID, type AuditSealKey } from './audit-seal.js';
export { type PerfStore, PERF_MAX_HISTORY } from './perf.js';
export { type SettingsStore } from './settings.js';
export { type NonceStore, type SeenNonce } from './nonces.js';
export { openFileKeyVault, type KeyVault } from './key-vault.js';
export { writeFileAtomic } from './atomic-file.js';
export { migrate } from './db.js';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations/index.js';

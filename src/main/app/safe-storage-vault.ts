/**
 * Electron main process. The desktop app's KeyVault: each private key (hex) is encrypted with
 * Electron's safeStorage (the OS keychain: Keychain on macOS, DPAPI on Windows, libsecret/kwallet
 * on Linux) and the ciphertexts are kept in a JSON file readable by the owner alone (0600),
 * written atomically with fsync like the CLI's key file (store/atomic-file.ts).
 *
 * No fallback: where safeStorage has no real keychain (unavailable, or Linux "basic_text", which
 * encrypts with a hard-coded key) the vault refuses to work and main.ts leaves the keys to the
 * engine's own owner-only key file, as the CLI does. put() replaces the group's key, as the store's
 * KeyVault contract says (the identity modules call it only after generating a new pair). An
 * unreadable file or blob is an error, never silently replaced: losing an identity key would make
 * every pinned peer see a key change.
 *
 * The safeStorage object is handed in, so this module imports nothing from Electron.
 */
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GROUP_ID_PATTERN } from '../../shared/rules.js';
import { writeFileAtomic, type KeyVault } from '../store/index.js';

/** The part of Electron's safeStorage this vault uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron; absent elsewhere. */
  getSelectedStorageBackend?: () => string;
}

export const VAULT_FILE_NAME = 'private-keys.safestorage.json';
const HEX = /^[0-9a-f]{1,4096}$/;

export class KeyVaultError extends Error {
  constructor(
    readonly code: 'SAFE_STORAGE_UNAVAILABLE' | 'VAULT_CORRUPT' | 'VAULT_UNREADABLE' | 'BAD_INPUT',
    message: string,
  ) {
    super(message);
    this.name = 'KeyVaultError';
  }
}

/** Null when safeStorage can protect keys here, else the reason it cannot, for people. */
export function safeStorageProblem(storage: SafeStorageLike, platform: NodeJS.Platform = process.platform): string | null {
  if (!storage.isEncryptionAvailable()) return 'the operating system keychain is not available (safeStorage reports no encryption)';
  if (platform === 'linux' && typeof storage.getSelectedStorageBackend === 'function') {
    const backend = storage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') {
      return `no desktop keyring was found (safeStorage backend "${backend}" would use a hard-coded key)`;
    }
  }
  return null;
}

interface VaultFile {
  version: 1;
  keys: Record<string, string>;
}

function parseVaultFile(text: string, path: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyVaultError('VAULT_CORRUPT', `The key file ${path} is not valid JSON; move it aside only if you accept new identity keys.`);
  }
  const file = parsed as Partial<VaultFile> | null;
  if (typeof file !== 'object' || file === null || file.version !== 1 || typeof file.keys !== 'object' || file.keys === null || Array.isArray(file.keys)) {
    throw new KeyVaultError('VAULT_CORRUPT', `The key file ${path} does not have the expected shape.`);
  }
  const keys = new Map<string, string>();
  for (const [groupId, blob] of Object.entries(file.keys)) {
    if (!GROUP_ID_PATTERN.test(groupId) || typeof blob !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) {
      throw new KeyVaultError('VAULT_CORRUPT', `The key file ${path} has a malformed entry.`);
    }
    keys.set(groupId, blob);
  }
  return keys;
}

export class SafeStorageKeyVault implements KeyVault {
  readonly path: string;
  private readonly blobs: Map<string, string>;

  /** Throws SAFE_STORAGE_UNAVAILABLE when there is no real keychain (see safeStorageProblem). */
  constructor(
    private readonly storage: SafeStorageLike,
    dataDir: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    const problem = safeStorageProblem(storage, platform);
    if (problem) throw new KeyVaultError('SAFE_STORAGE_UNAVAILABLE', `Cannot protect private keys with the OS keychain: ${problem}.`);
    this.path = join(dataDir, VAULT_FILE_NAME);
    this.blobs = existsSync(this.path) ? this.load() : new Map();
  }

  private load(): Map<string, string> {
    if (this.platform !== 'win32' && (statSync(this.path).mode & 0o077) !== 0) {
      // The blobs are keychain-encrypted, so a wider mode leaks nothing; still, keep it owner-only.
      chmodSync(this.path, 0o600);
    }
    return parseVaultFile(readFileSync(this.path, 'utf8'), this.path);
  }

  get(groupId: string): bigint | undefined {
    const blob = this.blobs.get(groupId);
    if (blob === undefined) return undefined;
    let hex: string;
    try {
      hex = this.storage.decryptString(Buffer.from(blob, 'base64'));
    } catch {
      throw new KeyVaultError('VAULT_UNREADABLE', `The OS keychain could not decrypt the private key for group ${groupId} (was the keychain reset?).`);
    }
    if (!HEX.test(hex)) throw new KeyVaultError('VAULT_CORRUPT', `The private key for group ${groupId} did not decrypt to a number.`);
    return BigInt(`0x${hex}`);
  }

  put(groupId: string, x: bigint): void {
    if (!GROUP_ID_PATTERN.test(groupId)) throw new KeyVaultError('BAD_INPUT', 'SafeStorageKeyVault.put: bad group id');
    if (typeof x !== 'bigint' || x <= 0n) throw new KeyVaultError('BAD_INPUT', 'SafeStorageKeyVault.put: the key must be a positive bigint');
    const problem = safeStorageProblem(this.storage, this.platform);
    if (problem) throw new KeyVaultError('SAFE_STORAGE_UNAVAILABLE', `Cannot protect private keys with the OS keychain: ${problem}.`);
    this.blobs.set(groupId, this.storage.encryptString(x.toString(16)).toString('base64'));
    this.save();
  }

  remove(groupId: string): void {
    if (this.blobs.delete(groupId)) this.save();
  }

  private save(): void {
    const file: VaultFile = { version: 1, keys: Object.fromEntries(this.blobs) };
    writeFileAtomic(this.path, JSON.stringify(file, null, 2) + '\n', 0o600);
  }
}

/** The vault when the OS keychain can protect keys; otherwise undefined and a logged reason. */
export function createSafeStorageVault(storage: SafeStorageLike, dataDir: string, log: (line: string) => void): KeyVault | undefined {
  const problem = safeStorageProblem(storage);
  if (problem) {
    log(`keys: ${problem}; private keys stay in the owner-only (0600) key file in ${dataDir}, as with the CLI.`);
    return undefined;
  }
  return new SafeStorageKeyVault(storage, dataDir);
}

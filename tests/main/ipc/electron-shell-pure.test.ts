/**
 * The parts of the Electron shell (src/main/app) that do not import Electron: the safeStorage key
 * vault (given a stand-in safeStorage) and the renderer-origin check. The rest of src/main/app
 * needs the Electron runtime, which cannot be installed on this machine.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { devServerUrl, isOwnRendererUrl, isTrustedFrame, RENDERER_CSP } from '../../../src/main/app/renderer-origin.js';
import { SafeStorageKeyVault, safeStorageProblem, VAULT_FILE_NAME, createSafeStorageVault, type SafeStorageLike } from '../../../src/main/app/safe-storage-vault.js';

const base = mkdtempSync(join(tmpdir(), 'medchat-shell-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => mkdtempSync(join(base, `d${n++}-`));

/** A stand-in keychain: reversible, and visibly not the plaintext. */
function keychain(options: { available?: boolean; backend?: string } = {}): SafeStorageLike & { encrypted: number } {
  const s = {
    encrypted: 0,
    isEncryptionAvailable: () => options.available ?? true,
    encryptString: (text: string) => {
      s.encrypted++;
      return Buffer.from(`sealed:${Buffer.from(text).toString('base64')}`);
    },
    decryptString: (blob: Buffer) => {
      const text = blob.toString();
      if (!text.startsWith('sealed:')) throw new Error('bad blob');
      return Buffer.from(text.slice(7), 'base64').toString();
    },
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
  };
  return s;
}

describe('SafeStorageKeyVault', () => {
  const x = (1n << 2040n) + 12345n;

  it('stores keys encrypted in a 0600 file and reads them back after a restart', () => {
    const dir = freshDir();
    const storage = keychain();
    const vault = new SafeStorageKeyVault(storage, dir, 'linux');
    expect(vault.get('abc123')).toBeUndefined();
    vault.put('abc123', x);
    expect(vault.get('abc123')).toBe(x);
    const path = join(dir, VAULT_FILE_NAME);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(x.toString(16));
    expect(new SafeStorageKeyVault(storage, dir, 'linux').get('abc123')).toBe(x);
    // put replaces the key of its group (the store's KeyVault contract)
    vault.put('abc123', x + 1n);
    expect(new SafeStorageKeyVault(storage, dir, 'linux').get('abc123')).toBe(x + 1n);
    // written through the store's writeFileAtomic (temp file, fsync, rename): nothing left beside it
    expect(readdirSync(dir)).toEqual([VAULT_FILE_NAME]);
  });

  it('refuses to work without a real keychain, with a sentence saying why', () => {
    expect(() => new SafeStorageKeyVault(keychain({ available: false }), freshDir(), 'linux')).toThrow(/keychain is not available/);
    expect(() => new SafeStorageKeyVault(keychain({ backend: 'basic_text' }), freshDir(), 'linux')).toThrow(/hard-coded key/);
    expect(safeStorageProblem(keychain({ backend: 'basic_text' }), 'darwin')).toBeNull();
    const logs: string[] = [];
    expect(createSafeStorageVault(keychain({ available: false }), freshDir(), (l) => logs.push(l))).toBeUndefined();
    expect(logs[0]).toMatch(/0600/);
  });

  it('never replaces an unreadable file, and reports a blob the keychain cannot open', () => {
    const dir = freshDir();
    const path = join(dir, VAULT_FILE_NAME);
    writeFileSync(path, '{not json', { mode: 0o600 });
    expect(() => new SafeStorageKeyVault(keychain(), dir, 'linux')).toThrow(/not valid JSON/);
    expect(readFileSync(path, 'utf8')).toBe('{not json');
    writeFileSync(path, JSON.stringify({ version: 1, keys: { g1: Buffer.from('garbage').toString('base64') } }));
    chmodSync(path, 0o644);
    const vault = new SafeStorageKeyVault(keychain(), dir, 'linux');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(() => vault.get('g1')).toThrow(/could not decrypt/);
    expect(() => vault.put('bad id!', x)).toThrow(/bad group id/);
    expect(() => vault.put('g2', 0n)).toThrow(/positive/);
  });
});

describe('renderer origin', () => {
  it('trusts only app://medchat and, in development, the loopback dev server', () => {
    expect(isOwnRendererUrl('app://medchat/index.html', null)).toBe(true);
    expect(isOwnRendererUrl('app://medchat/', null)).toBe(true);
    for (const url of ['app://other/index.html', 'file:///work/main/out/renderer/index.html', 'https://medchat/', 'http://localhost:5173/', 'about:blank', '', 'not a url']) {
      expect(isOwnRendererUrl(url, null), url).toBe(false);
    }
    const dev = devServerUrl({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, false);
    expect(dev).not.toBeNull();
    expect(isOwnRendererUrl('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isOwnRendererUrl('http://localhost:5174/', dev)).toBe(false);
    expect(devServerUrl({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, true)).toBeNull();
    expect(devServerUrl({ ELECTRON_RENDERER_URL: 'https://evil.example' }, false)).toBeNull();
  });

  it('runs IPC only for the top frame of our renderer: no iframe, no page navigated to, no frame that is gone', () => {
    const top = { url: 'app://medchat/index.html', parent: null };
    expect(isTrustedFrame(top, null)).toBe(true);
    expect(isTrustedFrame({ url: 'app://medchat/index.html#/doctor', parent: null }, null)).toBe(true);
    expect(isTrustedFrame({ url: 'app://medchat/index.html', parent: top }, null)).toBe(false);
    expect(isTrustedFrame({ url: 'https://evil.example/', parent: top }, null)).toBe(false);
    expect(isTrustedFrame({ url: 'https://evil.example/', parent: null }, null)).toBe(false);
    expect(isTrustedFrame({ url: 'app://medchat.evil/index.html', parent: null }, null)).toBe(false);
    expect(isTrustedFrame({ url: 'file:///index.html', parent: null }, null)).toBe(false);
    expect(isTrustedFrame({ url: 'http://127.0.0.1:5173/', parent: null }, null)).toBe(false);
    expect(isTrustedFrame({ url: 'http://127.0.0.1:5173/', parent: null }, new URL('http://127.0.0.1:5173/'))).toBe(true);
    expect(isTrustedFrame(null, null)).toBe(false);
    expect(isTrustedFrame(undefined, null)).toBe(false);
  });

  it('the CSP written out in security.ts is RENDERER_CSP', () => {
    const security = readFileSync(new URL('../../../src/main/app/security.ts', import.meta.url), 'utf8');
    expect(security.replace(/"\s*\+\s*"/g, '')).toContain(`"${RENDERER_CSP}"`);
    expect(RENDERER_CSP).not.toMatch(/unsafe-(inline|eval)/);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFileKeyVault, StoreError } from '../../../src/main/store/index.js';
import { expectStoreError, modeOf, tempDir, withUmask } from './helpers.js';

const X = 0x1234567890abcdef1234567890abcdefn;
const SECRET_HEX = 'deadbeefcafebabe1122334455667788';

function vaultPath(): string {
  return path.join(tempDir(), 'keys', 'private-keys.json');
}

function writeRaw(file: string, content: string, mode = 0o600): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode });
  fs.chmodSync(file, mode);
}

/** The error must not quote the file's content, where private keys live. */
function expectNoLeak(error: StoreError): void {
  expect(error.message).not.toContain(SECRET_HEX);
  expect(error.message).not.toContain('deadbeef');
}

describe('openFileKeyVault', () => {
  it('creates the file 0600 (and its directory 0700) on the first put, and reads keys back', () => {
    const file = vaultPath();
    const vault = openFileKeyVault(file);
    expect(fs.existsSync(file)).toBe(false);
    expect(vault.get('ffdhe2048')).toBeUndefined();
    withUmask(0o022, () => vault.put('ffdhe2048', X));
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(path.dirname(file))).toBe(0o700);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ version: 1, keys: { ffdhe2048: X.toString(16) } });
    expect(openFileKeyVault(file).get('ffdhe2048')).toBe(X);
  });

  it('writes atomically: no temp file is left and other keys are kept', () => {
    const file = vaultPath();
    const vault = openFileKeyVault(file);
    vault.put('ffdhe2048', X);
    vault.put('ffdhe3072', X + 1n);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['private-keys.json']);
    expect(openFileKeyVault(file).get('ffdhe2048')).toBe(X);
    expect(openFileKeyVault(file).get('ffdhe3072')).toBe(X + 1n);
  });

  it('replaces a group\'s key on put, keeping the others', () => {
    const file = vaultPath();
    const vault = openFileKeyVault(file);
    vault.put('g1', X);
    vault.put('g2', X);
    vault.put('g1', X + 1n);
    expect(vault.get('g1')).toBe(X + 1n);
    expect(openFileKeyVault(file).get('g2')).toBe(X);
    expect(modeOf(file)).toBe(0o600);
  });

  it('treats "__proto__" as an ordinary group id', () => {
    const file = vaultPath();
    openFileKeyVault(file).put('__proto__', X);
    const vault = openFileKeyVault(file);
    expect(vault.get('__proto__')).toBe(X);
    expect(vault.get('toString')).toBeUndefined();
  });

  it('refuses a file that group or others can read or write, like ssh', () => {
    for (const mode of [0o644, 0o640, 0o604, 0o620]) {
      const file = vaultPath();
      writeRaw(file, JSON.stringify({ version: 1, keys: { g1: SECRET_HEX } }), mode);
      const error = expectStoreError(() => openFileKeyVault(file), 'KEY_FILE_PERMISSIONS', /chmod 600/);
      expectNoLeak(error);
      expect(modeOf(file)).toBe(mode); // refused, not silently "fixed"
    }
  });

  it('tightens leftover execute bits back to 0600', () => {
    const file = vaultPath();
    writeRaw(file, JSON.stringify({ version: 1, keys: { g1: SECRET_HEX } }), 0o700);
    expect(openFileKeyVault(file).get('g1')).toBe(BigInt('0x' + SECRET_HEX));
    expect(modeOf(file)).toBe(0o600);
  });

  it('refuses a symbolic link in place of the key file', () => {
    const file = vaultPath();
    const real = path.join(tempDir(), 'elsewhere.json');
    writeRaw(real, JSON.stringify({ version: 1, keys: {} }));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.symlinkSync(real, file);
    expectStoreError(() => openFileKeyVault(file), 'KEY_FILE_CORRUPT', /symbolic link/);
  });

  it('refuses corrupt content with a clear message that never echoes the content', () => {
    const cases: [string, RegExp][] = [
      [`{"version":1,"keys":{"g1":"${SECRET_HEX}"`, /not valid JSON/],
      [`${SECRET_HEX}`, /not valid JSON|JSON object/],
      [`[1, "${SECRET_HEX}"]`, /JSON object/],
      [JSON.stringify({ version: 2, keys: { g1: SECRET_HEX } }), /format version/],
      [JSON.stringify({ version: 1, keys: { g1: SECRET_HEX }, extra: SECRET_HEX }), /exactly the fields/],
      [JSON.stringify({ version: 1, keys: [SECRET_HEX] }), /"keys" field/],
      [JSON.stringify({ version: 1, keys: { g1: SECRET_HEX.toUpperCase() } }), /group g1 .* lowercase hex/],
      [JSON.stringify({ version: 1, keys: { g1: '0x' + SECRET_HEX } }), /lowercase hex/],
      [JSON.stringify({ version: 1, keys: { g1: 1234 } }), /lowercase hex/],
      [JSON.stringify({ version: 1, keys: { g1: '000' } }), /positive/],
      [JSON.stringify({ version: 1, keys: { 'bad id!': SECRET_HEX } }), /group id is not valid/],
    ];
    for (const [content, message] of cases) {
      const file = vaultPath();
      writeRaw(file, content);
      const error = expectStoreError(() => openFileKeyVault(file), 'KEY_FILE_CORRUPT', message);
      expectNoLeak(error);
      expect(error.message).toMatch(/restore it from a backup/);
    }
  });

  it('validates arguments', () => {
    const vault = openFileKeyVault(vaultPath());
    expectStoreError(() => vault.put('g 1', X), 'BAD_INPUT', /groupId/);
    expectStoreError(() => vault.put('g1', 0n), 'BAD_INPUT', /x must be a positive bigint/);
    expectStoreError(() => vault.put('g1', 5 as unknown as bigint), 'BAD_INPUT', /x must be/);
    expectStoreError(() => vault.get(''), 'BAD_INPUT', /groupId/);
    expectStoreError(() => openFileKeyVault(''), 'BAD_INPUT', /path/);
  });
});

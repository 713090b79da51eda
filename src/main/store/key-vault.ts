/**
 * The CLI's private key vault: a JSON file {"version":1,"keys":{"<groupId>":"<x in hex>"}} that
 * only its owner may read (0600), as the protocol requirements ask of private keys at rest
 * without an OS keychain. The desktop app implements the same KeyVault over Electron's
 * safeStorage instead.
 *
 * Like ssh with an identity file, the vault refuses a file that group or others can read or
 * write, or that another user owns (KEY_FILE_PERMISSIONS); it only tightens leftover execute
 * bits. Every write goes through writeFileAtomic (./atomic-file.ts: temp file, fsync, rename,
 * directory fsync), so a crash leaves the old vault or the new one, never half of one. No error
 * message contains key material or the file's content.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { StoreError } from './errors.js';
import { GROUP_ID_PATTERN } from '../../shared/rules.js';
import { checkBigInt, checkGroupId, checkString } from './validate.js';

export interface KeyVault {
  get(groupId: string): bigint | undefined;
  /** Stores x for the group, replacing any earlier key (see own-keys.ts for when callers do). */
  put(groupId: string, x: bigint): void;
  /** Forgets the group's key (an evicted custom-group key); nothing when there is none. */
  remove(groupId: string): void;
}

export const KEY_FILE_VERSION = 1;
const KEY_FILE_MAX_BYTES = 1 << 20;
const KEY_MAX_BITS = 8192;
const HEX_KEY = /^[0-9a-f]{1,2048}$/;
const POSIX = process.platform !== 'win32';

function corrupt(path: string, what: string): never {
  throw new StoreError(
    'KEY_FILE_CORRUPT',
    `keyVault: ${path} ${what}; restore it from a backup, or move it away to start with new keys (peers will then see changed keys).`,
  );
}

/** Reads and checks the file through one descriptor, so the checks and the read see one file. */
function readVault(path: string): Map<string, bigint> {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') corrupt(path, 'is a symbolic link, not the key file itself');
    throw error;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) corrupt(path, 'is not a regular file');
    if (POSIX) checkPermissions(path, fd, st);
    if (st.size > KEY_FILE_MAX_BYTES) corrupt(path, 'is far larger than a key file can be');
    return parseVault(path, fs.readFileSync(fd, 'utf8'));
  } finally {
    fs.closeSync(fd);
  }
}

function checkPermissions(path: string, fd: number, st: fs.Stats): void {
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new StoreError('KEY_FILE_PERMISSIONS', `keyVault: ${path} belongs to another user; private keys must be in a file you own.`);
  }
  const mode = st.mode & 0o777;
  if ((mode & 0o066) !== 0) {
    throw new StoreError(
      'KEY_FILE_PERMISSIONS',
      `keyVault: ${path} has mode 0${mode.toString(8)}, so other users can read or change your private keys; run "chmod 600 ${path}" and check who had access.`,
    );
  }
  if (mode !== 0o600) fs.fchmodSync(fd, 0o600);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseVault(path: string, text: string): Map<string, bigint> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error: that could be key material.
    corrupt(path, 'is not valid JSON');
  }
  if (!isPlainObject(data)) corrupt(path, 'does not hold a JSON object');
  const fields = Object.keys(data).sort().join(',');
  if (fields !== 'keys,version') corrupt(path, 'must hold exactly the fields "version" and "keys"');
  if (data.version !== KEY_FILE_VERSION) {
    corrupt(path, `has an unknown format version (this app reads version ${KEY_FILE_VERSION}; a newer app may have written it)`);
  }
  if (!isPlainObject(data.keys)) corrupt(path, 'has a "keys" field that is not an object');
  const keys = new Map<string, bigint>();
  for (const [groupId, hex] of Object.entries(data.keys)) {
    if (!GROUP_ID_PATTERN.test(groupId)) corrupt(path, 'has an entry whose group id is not valid');
    if (typeof hex !== 'string' || !HEX_KEY.test(hex) || /^0+$/.test(hex)) {
      corrupt(path, `has a key for group ${groupId} that is not a positive number in lowercase hex`);
    }
    keys.set(groupId, BigInt('0x' + hex));
  }
  return keys;
}

function writeVault(path: string, keys: Map<string, bigint>): void {
  const entries = [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, x]) => [id, x.toString(16)]);
  const text = JSON.stringify({ version: KEY_FILE_VERSION, keys: Object.fromEntries(entries) }, null, 2) + '\n';
  fs.mkdirSync(nodePath.dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, text, 0o600);
}

export function openFileKeyVault(path: string): KeyVault {
  const file = nodePath.resolve(checkString(path, 'openFileKeyVault: path', 1, 4096));
  readVault(file); // fail at open, not at the first handshake
  return {
    get(groupId) {
      return readVault(file).get(checkGroupId(groupId, 'keyVault.get: groupId'));
    },
    put(groupId, x) {
      const id = checkGroupId(groupId, 'keyVault.put: groupId');
      const key = checkBigInt(x, 'keyVault.put: x', KEY_MAX_BITS);
      const keys = readVault(file);
      if (keys.get(id) === key) return;
      keys.set(id, key);
      writeVault(file, keys);
    },
    remove(groupId) {
      const id = checkGroupId(groupId, 'keyVault.remove: groupId');
      const keys = readVault(file);
      if (keys.delete(id)) writeVault(file, keys);
    },
  };
}

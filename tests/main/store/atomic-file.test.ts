import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/main/store/atomic-file.js';
import { modeOf, tempDir, withUmask } from './helpers.js';

const POSIX = process.platform !== 'win32';

describe('writeFileAtomic', () => {
  it('writes the text, owner-only (0600) even under a permissive umask, and leaves no temp file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'keys.json');
    withUmask(0o022, () => writeFileAtomic(file, 'first\n'));
    expect(fs.readFileSync(file, 'utf8')).toBe('first\n');
    if (POSIX) expect(modeOf(file)).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['keys.json']);
  });

  it('replaces an existing file whole, and narrows a wider mode', () => {
    const dir = tempDir();
    const file = path.join(dir, 'keys.json');
    fs.writeFileSync(file, 'old content that is longer than the new one\n', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    writeFileAtomic(file, 'new\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('new\n');
    if (POSIX) expect(modeOf(file)).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['keys.json']);
  });

  it('takes another mode when asked', () => {
    const file = path.join(tempDir(), 'shared.json');
    withUmask(0o077, () => writeFileAtomic(file, '{}', 0o640));
    if (POSIX) expect(modeOf(file)).toBe(0o640);
  });

  // Root ignores permissions, so the failures are made by the file system's shape instead.
  it('fails before writing anything when the parent is a file', () => {
    const dir = tempDir();
    const parent = path.join(dir, 'not-a-folder');
    fs.writeFileSync(parent, 'x');
    expect(() => writeFileAtomic(path.join(parent, 'keys.json'), 'secret')).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(fs.readdirSync(dir)).toEqual(['not-a-folder']);
  });

  it('removes its temp file when the rename fails after the write, and leaves the target as it was', () => {
    const dir = tempDir();
    const target = path.join(dir, 'keys.json');
    fs.mkdirSync(target); // a folder where the file should go: the temp file is written, the rename fails
    fs.writeFileSync(path.join(target, 'inside'), 'kept');
    expect(() => writeFileAtomic(target, 'secret')).toThrow();
    expect(fs.readdirSync(dir)).toEqual(['keys.json']);
    expect(fs.readFileSync(path.join(target, 'inside'), 'utf8')).toBe('kept');
  });
});

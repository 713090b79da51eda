/**
 * Writes a file so that a crash or a power cut leaves the old content or the new one, never half
 * of either: the text goes to a temp file in the same directory (created with the given mode and
 * chmod-ed to it, so the umask cannot widen it), is fsynced, renamed over the target, and the
 * directory is fsynced so the rename itself survives. On failure the temp file is removed and the
 * target is untouched. Every key file is written through here (the CLI's key vault, the desktop
 * app's safeStorage vault). Plain Node: the Electron shell imports it from the store.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';

const POSIX = process.platform !== 'win32';
let tempCounter = 0;

/** Replaces `path` with `text` (UTF-8), mode `mode` (owner-only by default). The directory must exist. */
export function writeFileAtomic(path: string, text: string, mode = 0o600): void {
  const dir = nodePath.dirname(path);
  tempCounter += 1;
  const temp = nodePath.join(dir, `.${nodePath.basename(path)}.${process.pid}.${tempCounter}.tmp`);
  const fd = fs.openSync(temp, 'wx', mode);
  try {
    try {
      if (POSIX) fs.fchmodSync(fd, mode);
      fs.writeFileSync(fd, text, 'utf8');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, path);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(dir);
}

/** Makes the rename itself durable; not every platform can fsync a directory, hence best effort. */
function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Windows and some file systems refuse; the data itself is already fsynced.
  }
}

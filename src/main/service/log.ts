/**
 * The application log: what the desktop app and the browser mode record for a person (or their IT
 * support) to read when something went wrong, in `<data folder>/logs/medchat.log`, kept small by
 * size-based rotation (medchat.log.1 is the previous file, and so on, LOG_KEEP_FILES files at
 * most). The CLI logs to stderr only. Every line also goes to stderr, so a terminal that started
 * the app still sees it.
 *
 * Redaction, the same for the file and for stderr:
 * - no secrets: callers log metadata only (as for the audit log: no message text, key, SK, session
 *   or group key), and the log has no way to tell a secret from a reason, so that rule is theirs;
 * - peer text is inert: callers quote it with inertText/quotePeerText (src/shared/peer-text.ts),
 *   and every line is passed through printableLine here, so whatever a line carries it stays one
 *   line, cannot drive a terminal and cannot pose as a line of its own;
 * - every line is capped (LOG_LINE_MAX_CHARS), so no caller can fill the disk with one line.
 *
 * Writes are synchronous (the log is small: failures, starts and stops), so the last line before
 * a crash or an app.exit() is on disk. A log that cannot be written never breaks the app: the
 * file part turns itself off with one line on stderr saying why.
 *
 * A small rotation of our own rather than a logging library: the engine logs plain sentences
 * through `log(line)` callbacks, so a JSON logger's levels, serializers and path-based redaction
 * would add packages to the desktop bundle without making a line safer than printableLine does.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { printableLine } from '../../shared/peer-text.js';

export const LOG_DIR_NAME = 'logs';
export const LOG_FILE_NAME = 'medchat.log';
/** A file is rotated before a line would take it past this size. */
export const LOG_MAX_BYTES = 1024 * 1024;
/** Files kept, the current one included: medchat.log, medchat.log.1 ... medchat.log.4. */
export const LOG_KEEP_FILES = 5;
/** Longer lines are cut (with a trailing …) before they are written. */
export const LOG_LINE_MAX_CHARS = 8 * 1024;

export type LogLine = (line: string) => void;

export interface AppLog {
  /** Writes one line: timestamped in the file, made printable and capped everywhere. Never throws. */
  readonly log: LogLine;
  /** The file being written, or null when only stderr is left (the file could not be opened). */
  readonly path: string | null;
  close(): void;
}

export interface AppLogOptions {
  maxBytes?: number;
  keepFiles?: number;
  now?: () => number;
  /** Where each line also goes; stderr by default, false for the file alone. */
  echo?: LogLine | false;
}

/** A line as every sink writes it: one printable line of at most LOG_LINE_MAX_CHARS characters. */
export function redactLine(line: string): string {
  const text = printableLine(String(line));
  return text.length > LOG_LINE_MAX_CHARS ? `${text.slice(0, LOG_LINE_MAX_CHARS)}…` : text;
}

/** The CLI's log: stderr, with the file log's redaction. */
export function stderrLog(prefix = ''): LogLine {
  return (line) => {
    process.stderr.write(`${prefix}${redactLine(line)}\n`);
  };
}

/** Where the application log of a data folder is. */
export function appLogPath(dataDir: string): string {
  return join(dataDir, LOG_DIR_NAME, LOG_FILE_NAME);
}

/** "the application log (PATH)", or "the application log (stderr)" when there is no file. */
export function describeLogPlace(path: string | null): string {
  return path ? `the application log (${path})` : 'the application log (stderr)';
}

/**
 * Opens (or creates, owner-only) the application log of a data folder. Lines are appended; a
 * line that would take the file past maxBytes first rotates it: medchat.log becomes
 * medchat.log.1, .1 becomes .2, and the oldest beyond keepFiles is removed.
 */
export function openAppLog(dataDir: string, options: AppLogOptions = {}): AppLog {
  const maxBytes = options.maxBytes ?? LOG_MAX_BYTES;
  const keepFiles = Math.max(1, Math.floor(options.keepFiles ?? LOG_KEEP_FILES));
  const now = options.now ?? Date.now;
  const echo = options.echo === undefined ? stderrLog() : options.echo || null;
  const file = appLogPath(dataDir);
  let fd: number | null = null;
  let size = 0;
  let path: string | null = file;

  const warn = echo ?? stderrLog();
  const giveUp = (error: unknown): void => {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // already unusable
      }
    }
    fd = null;
    path = null;
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    try {
      warn(redactLine(`log: cannot write ${file} (${code}); logging to stderr only.`));
    } catch {
      // nowhere left to say it
    }
  };

  const open = (): void => {
    fs.mkdirSync(join(dataDir, LOG_DIR_NAME), { recursive: true, mode: 0o700 });
    fd = fs.openSync(file, 'a', 0o600);
    const st = fs.fstatSync(fd);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) fs.fchmodSync(fd, 0o600);
    size = st.size;
  };

  const rotate = (): void => {
    if (fd !== null) fs.closeSync(fd);
    fd = null;
    fs.rmSync(keepFiles > 1 ? `${file}.${keepFiles - 1}` : file, { force: true });
    for (let i = keepFiles - 2; i >= 1; i--) {
      if (fs.existsSync(`${file}.${i}`)) fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    }
    if (keepFiles > 1 && fs.existsSync(file)) fs.renameSync(file, `${file}.1`);
    open();
  };

  try {
    open();
  } catch (error) {
    giveUp(error);
  }

  const log: LogLine = (line) => {
    const text = redactLine(line);
    if (echo) {
      try {
        echo(text);
      } catch {
        // a closed stderr must not stop the file log
      }
    }
    if (fd === null) return;
    const entry = `${new Date(now()).toISOString()} ${text}\n`;
    const bytes = Buffer.byteLength(entry, 'utf8');
    try {
      if (size > 0 && size + bytes > maxBytes) rotate();
      fs.writeSync(fd!, entry);
      size += bytes;
    } catch (error) {
      giveUp(error);
    }
  };

  return {
    log,
    get path() {
      return path;
    },
    close() {
      if (fd !== null) fs.closeSync(fd);
      fd = null;
    },
  };
}

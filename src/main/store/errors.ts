/**
 * StoreError: what the persistence layer throws for a person or a caller to act on. Every error
 * carries a stable code (callers branch on it; IPC and the CLI pass it on) and a sentence. No
 * message ever contains key material: only ids, fingerprints, row numbers and limits.
 */
export type StoreErrorCode =
  /** An argument failed validation at the store's boundary. */
  | 'BAD_INPUT'
  /** A peer presented a key whose fingerprint differs from the pinned one. */
  | 'PIN_CONFLICT'
  /** The row (pin, perf session) the call refers to does not exist. */
  | 'NOT_FOUND'
  /** The database was written by a newer version of the app. */
  | 'DB_TOO_NEW'
  /** A read-only open of a database whose schema is older than this app's. */
  | 'DB_NEEDS_UPGRADE'
  /** The file is not a MedChatSecure database (another SQLite file, or not SQLite at all). */
  | 'NOT_A_MEDCHAT_DB'
  /** The database file to open does not exist. */
  | 'DB_NOT_FOUND'
  /** A row read back does not have the shape the schema promises. */
  | 'CORRUPT_ROW'
  /** The private key file is readable or writable by others, or owned by someone else. */
  | 'KEY_FILE_PERMISSIONS'
  /** The private key file is not valid JSON of the expected shape. */
  | 'KEY_FILE_CORRUPT'
  /** The disk holding the data folder is full: the write was refused and nothing was changed. */
  | 'DISK_FULL'
  /** The data folder (or its file system) cannot be written. */
  | 'READ_ONLY'
  /** medchat.db is damaged (SQLite found a malformed page). */
  | 'DB_CORRUPT'
  /** The operating system reported an I/O error reading or writing the data folder. */
  | 'IO_ERROR';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

const FAULTS: [RegExp, StoreErrorCode, string][] = [
  [/^(SQLITE_FULL|ENOSPC|EDQUOT)$/, 'DISK_FULL', 'the disk holding it is full, so nothing was changed and what was asked was not done; free some space and try again'],
  [
    /^(SQLITE_READONLY.*|EROFS|EACCES|EPERM)$/,
    'READ_ONLY',
    'it cannot be written (a read-only disk or folder, or missing permissions), so nothing was changed and what was asked was not done; make it writable, or use another data folder',
  ],
  [
    /^(SQLITE_CORRUPT.*|SQLITE_NOTADB)$/,
    'DB_CORRUPT',
    'its database medchat.db is damaged; nothing was changed. Restore the folder from a backup, or move medchat.db away to start with an empty one (pins, blocks, the audit log and history would start afresh)',
  ],
  [/^(SQLITE_IOERR.*|EIO)$/, 'IO_ERROR', 'the disk reported an error reading or writing it; check the disk, then try again'],
];

/**
 * A failure of the data folder's disk or files (SQLite's or the file system's error code) as a
 * StoreError with a sentence a person can act on; null for anything else. `folder` names it.
 */
export function storeFault(error: unknown, folder: string): StoreError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  for (const [pattern, faultCode, sentence] of FAULTS) {
    if (pattern.test(code)) return new StoreError(faultCode, `The data folder ${folder}: ${sentence} (${code}).`);
  }
  return null;
}

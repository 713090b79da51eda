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
  | 'KEY_FILE_CORRUPT';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

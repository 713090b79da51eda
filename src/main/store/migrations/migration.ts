/**
 * The shape of one schema migration. Each lives in its own file (NNNN-name.ts), is listed in
 * order in ./index.ts, and is never edited once released: a schema change is a new migration.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  /** PRAGMA user_version after this migration; 1, 2, 3... without gaps. */
  readonly version: number;
  readonly name: string;
  /** Runs inside the migration transaction; must not start its own. */
  up(db: Database.Database): void;
}

/** PRAGMA application_id ('MCS1'), so the app never mistakes another SQLite file for its own. */
export const APPLICATION_ID = 0x4d435331;

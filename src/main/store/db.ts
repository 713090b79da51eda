/**
 * Opening the SQLite file and bringing its schema up to date. Connection settings live here so
 * every opener (the app's data dir, `medchat audit --verify copy.db`, tests) gets the same ones:
 * WAL for files opened read-write, foreign keys on, an untrusted schema kept from calling
 * functions with side effects, and a refusal of files that are not ours or are newer than us.
 */
import Database from 'better-sqlite3';
import { StoreError } from './errors.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations/index.js';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  readonly?: boolean;
  /** Create the file when missing (the data dir); otherwise a missing file is DB_NOT_FOUND. */
  create?: boolean;
}

function isSqliteError(error: unknown, code: string): boolean {
  return error instanceof Error && (error as Error & { code?: unknown }).code === code;
}

/** Opens, configures and migrates; read-only opens are checked but never migrated. */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  const readonly = options.readonly === true;
  const memory = path === ':memory:';
  let db: Db;
  try {
    db = new Database(path, { readonly, fileMustExist: !memory && options.create !== true });
  } catch (error) {
    if (isSqliteError(error, 'SQLITE_CANTOPEN')) {
      throw new StoreError('DB_NOT_FOUND', `openDatabase: cannot open ${path}; check that the file exists and is readable.`);
    }
    throw error;
  }
  try {
    configure(db, readonly || memory);
    checkOwnership(db, path);
    if (readonly) checkReadonlyVersion(db, path);
    else migrate(db);
    return db;
  } catch (error) {
    db.close();
    if (isSqliteError(error, 'SQLITE_NOTADB')) {
      throw new StoreError('NOT_A_MEDCHAT_DB', `openDatabase: ${path} is not a SQLite database.`);
    }
    if (readonly && isSqliteError(error, 'SQLITE_CANTOPEN')) {
      // Reading a WAL database needs its -shm file beside it, which a read-only folder cannot hold.
      throw new StoreError(
        'READ_ONLY',
        `openDatabase: cannot read ${path}: its folder cannot be written, and reading the database needs to create a file beside it; copy the folder somewhere writable and pass --db COPY/medchat.db.`,
      );
    }
    throw error;
  }
}

function configure(db: Db, noWal: boolean): void {
  // A copied database may come from anywhere: keep its schema (views, triggers) from calling
  // SQL functions that have side effects.
  db.pragma('trusted_schema = OFF');
  db.pragma('foreign_keys = ON');
  if (!noWal) db.pragma('journal_mode = WAL');
}

function userVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function checkOwnership(db: Db, path: string): void {
  const version = userVersion(db);
  const appId = Number(db.pragma('application_id', { simple: true }));
  const objects = Number(db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get());
  const ours = version === 0 ? objects === 0 : appId === APPLICATION_ID;
  if (!ours) {
    throw new StoreError('NOT_A_MEDCHAT_DB', `openDatabase: ${path} is a SQLite file of another program, not a MedChatSecure database.`);
  }
}

function tooNew(version: number, known: number): StoreError {
  return new StoreError(
    'DB_TOO_NEW',
    `openDatabase: the database has schema version ${version} but this app knows only up to ${known}; upgrade MedChatSecure to open it.`,
  );
}

function checkReadonlyVersion(db: Db, path: string): void {
  const version = userVersion(db);
  if (version > SCHEMA_VERSION) throw tooNew(version, SCHEMA_VERSION);
  if (version < SCHEMA_VERSION) {
    throw new StoreError(
      'DB_NEEDS_UPGRADE',
      `openDatabase: ${path} has schema version ${version} (this app uses ${SCHEMA_VERSION}); open a copy read-write once to upgrade it.`,
    );
  }
}

/**
 * Runs every pending migration up to `target` in ONE transaction, bumping user_version after
 * each, so a failure leaves the file exactly as it was. `migrations` and `target` exist for the
 * per-migration tests (migrate to N-1, insert, migrate to N).
 */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS, target = migrations.length): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrate: migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  if (!Number.isInteger(target) || target < 0 || target > migrations.length) {
    throw new RangeError(`migrate: target must be 0..${migrations.length}`);
  }
  const run = db.transaction(() => {
    const current = userVersion(db);
    if (current > migrations.length) throw tooNew(current, migrations.length);
    for (const m of migrations.slice(current, target)) {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  });
  // IMMEDIATE: take the write lock before reading user_version, so two processes opening the
  // same file cannot both run the same migration.
  run.immediate();
}

/**
 * 0004: when each performance session was last saved, and whether it ended by a crash. A process
 * killed with SIGKILL never records its end, and its session showed "(running)" forever; the next
 * start of that role closes it at its last save and marks it interrupted (perf.ts).
 */
import type { Migration } from './migration.js';

export const migration0004: Migration = {
  version: 4,
  name: 'perf-saved-at',
  up(db) {
    db.exec(`
      ALTER TABLE perf_sessions ADD COLUMN saved_at INTEGER;
      ALTER TABLE perf_sessions ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1));
    `);
  },
};

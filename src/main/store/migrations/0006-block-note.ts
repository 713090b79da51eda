/**
 * 0006: the doctor's own note on a block ("missed three appointments"), kept apart from the reason
 * the patient is told. A block's reason goes back to the patient on every refused reconnection;
 * the note stays on this computer (the Blocked list and the audit log). Older rows have none.
 */
import type { Migration } from './migration.js';

export const migration0006: Migration = {
  version: 6,
  name: 'block-note',
  up(db) {
    db.exec('ALTER TABLE blocks ADD COLUMN note TEXT;');
  },
};

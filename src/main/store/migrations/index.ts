/**
 * The ordered list of schema migrations. To add one: create NNNN-what-it-does.ts exporting a
 * Migration with the next version, append it here, and add its test (see ../README.md).
 */
import type { Migration } from './migration.js';
import { migration0001 } from './0001-initial.js';
import { migration0002 } from './0002-audit-indexes-settings.js';
import { migration0003 } from './0003-nonces-key-use.js';
import { migration0004 } from './0004-perf-saved-at.js';
import { migration0005 } from './0005-audit-seal.js';
import { migration0006 } from './0006-block-note.js';

export type { Migration } from './migration.js';
export { APPLICATION_ID } from './migration.js';
export { AUDIT_GENESIS_HASH } from './0001-initial.js';

export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006];

/** The schema version this app writes and expects. */
export const SCHEMA_VERSION = MIGRATIONS.length;

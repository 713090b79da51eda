/**
 * The block list (opcode 80): ids the doctor refuses until an absolute expiry in ms since the
 * epoch. Persisted so a restart keeps a block; an entry lapses by itself once the injected clock
 * passes expiresAt (lapsed rows are ignored, and removed by purgeExpired).
 */
import type { BlockEntry } from '../../shared/contract.js';
import type { Clock } from './clock.js';
import type { Db } from './db.js';
import { StoreError } from './errors.js';
import { asRow, rowInteger, rowStringOrNull, rowString } from './rows.js';
import { checkId, checkTimestamp, cleanText } from './validate.js';

export interface BlockStore {
  /**
   * Blocks until expiresAt; a block already active keeps the later of the two expiries (and the
   * reason and note that came with it). `reason` is what the patient is told; `note` is the
   * doctor's own, never sent.
   */
  block(id: string, reason: string, expiresAt: number, note?: string | null): BlockEntry;
  /** True when an active block was lifted. */
  unblock(id: string): boolean;
  /** The block on id, only while expiresAt > now(). */
  active(id: string): BlockEntry | undefined;
  /** Active blocks, soonest expiry first. */
  list(): BlockEntry[];
  /** Deletes lapsed rows; returns how many. */
  purgeExpired(): number;
}

export const BLOCK_REASON_MAX = 200;
export const BLOCK_NOTE_MAX = 200;

function readBlock(value: unknown): BlockEntry {
  const what = 'block row';
  const row = asRow(value, what);
  return {
    id: rowString(row, 'id', what),
    reason: rowString(row, 'reason', what),
    note: rowStringOrNull(row, 'note', what),
    blockedAt: rowInteger(row, 'blocked_at', what),
    expiresAt: rowInteger(row, 'expires_at', what),
  };
}

export function createBlockStore(db: Db, now: Clock): BlockStore {
  const columns = 'id, reason, note, blocked_at, expires_at';
  const selectActive = db.prepare(`SELECT ${columns} FROM blocks WHERE id = ? AND expires_at > ?`);
  const listActive = db.prepare(`SELECT ${columns} FROM blocks WHERE expires_at > ? ORDER BY expires_at, id`);
  const upsert = db.prepare(
    `INSERT INTO blocks (${columns}) VALUES (@id, @reason, @note, @blockedAt, @expiresAt)
     ON CONFLICT (id) DO UPDATE SET reason = @reason, note = @note, blocked_at = @blockedAt, expires_at = @expiresAt`,
  );
  const remove = db.prepare('DELETE FROM blocks WHERE id = ?');
  const purge = db.prepare('DELETE FROM blocks WHERE expires_at <= ?');

  const blockTx = db.transaction((entry: BlockEntry): BlockEntry => {
    const current = selectActive.get(entry.id, entry.blockedAt);
    if (current !== undefined) {
      const existing = readBlock(current);
      // A shorter block never shortens a longer one; a longer one extends it with its reason.
      if (existing.expiresAt >= entry.expiresAt) return existing;
      entry = { ...entry, blockedAt: existing.blockedAt };
    }
    upsert.run(entry);
    return entry;
  });

  const unblockTx = db.transaction((id: string, at: number): boolean => {
    const wasActive = selectActive.get(id, at) !== undefined;
    remove.run(id);
    return wasActive;
  });

  return {
    block(id, reason, expiresAt, note = null) {
      const entry: BlockEntry = {
        id: checkId(id, 'blocks.block: id'),
        reason: cleanText(reason, 'blocks.block: reason', BLOCK_REASON_MAX),
        note: note === null || note === '' ? null : cleanText(note, 'blocks.block: note', BLOCK_NOTE_MAX),
        blockedAt: now(),
        expiresAt: checkTimestamp(expiresAt, 'blocks.block: expiresAt (ms since the epoch)'),
      };
      if (entry.expiresAt <= entry.blockedAt) {
        throw new StoreError('BAD_INPUT', 'blocks.block: expiresAt must be later than now.');
      }
      return blockTx.immediate(entry);
    },
    unblock(id) {
      return unblockTx.immediate(checkId(id, 'blocks.unblock: id'), now());
    },
    active(id) {
      const row = selectActive.get(checkId(id, 'blocks.active: id'), now());
      return row === undefined ? undefined : readBlock(row);
    },
    list() {
      return listActive.all(now()).map(readBlock);
    },
    purgeExpired() {
      return purge.run(now()).changes;
    },
  };
}

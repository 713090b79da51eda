/**
 * Readers that turn a row from SQLite (typed `unknown` by better-sqlite3) into checked fields.
 * STRICT tables already enforce column types; these checks catch a schema drift or a file edited
 * by hand, and give the store's callers plain typed records instead of `any`.
 */
import { StoreError } from './errors.js';

export type Row = Record<string, unknown>;

function corrupt(what: string, column: string): never {
  throw new StoreError('CORRUPT_ROW', `${what}: column ${column} has an unexpected value; the database may have been edited by hand.`);
}

export function asRow(value: unknown, what: string): Row {
  if (typeof value !== 'object' || value === null) corrupt(what, '*');
  return value as Row;
}

export function rowString(row: Row, column: string, what: string): string {
  const value = row[column];
  if (typeof value !== 'string') corrupt(what, column);
  return value;
}

export function rowStringOrNull(row: Row, column: string, what: string): string | null {
  const value = row[column];
  if (value === null) return null;
  if (typeof value !== 'string') corrupt(what, column);
  return value;
}

export function rowInteger(row: Row, column: string, what: string): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) corrupt(what, column);
  return value;
}

export function rowIntegerOrNull(row: Row, column: string, what: string): number | null {
  return row[column] === null ? null : rowInteger(row, column, what);
}

export function rowNumber(row: Row, column: string, what: string): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isFinite(value)) corrupt(what, column);
  return value;
}

const HEX = /^[0-9a-f]{1,2048}$/;

/** Lowercase hex without prefix, as the store writes bigints. */
export function rowBigInt(row: Row, column: string, what: string): bigint {
  const value = rowString(row, column, what);
  if (!HEX.test(value)) corrupt(what, column);
  return BigInt('0x' + value);
}

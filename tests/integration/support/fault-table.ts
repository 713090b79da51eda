/**
 * The fault table of issue 10: each test that throws a class of hostile input or fault at the
 * engine records one row (how many cases ran, crashes, the effect on admitted patients, audit rows
 * lost) in test-results/fault-table.jsonl; `npm test` (scripts/test.mjs) prints them all as one
 * table after its summary, so the CI log carries it.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.js';

export interface FaultRow {
  cls: string;
  cases: number;
  crashes: number;
  effect: string;
  rowsLost: number | string;
}

export const FAULT_TABLE_FILE = join(ROOT, 'test-results', 'fault-table.jsonl');

/** Appends the row (and prints it, unless the caller prints a table of its own). */
export function recordFault(row: FaultRow, print = true): void {
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  appendFileSync(FAULT_TABLE_FILE, JSON.stringify(row) + '\n');
  if (print) console.log(`fault table: | ${row.cls} | ${row.cases} | ${row.crashes} | ${row.effect} | ${row.rowsLost} |`);
}

/** Argument parsing for the CLI: node:util parseArgs in strict mode plus value checks. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { join } from 'node:path';
import { defaultDataDir } from '../ipc/paths.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function port(value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65535 || (n === 0 && !allowZero)) throw new UsageError(`--port must be a number from ${allowZero ? 0 : 1} to 65535, not "${value}".`);
  return n;
}

export function positiveNumber(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > max) throw new UsageError(`${name} must be a number above 0 and at most ${max}, not "${value}".`);
  return n;
}

/** A whole number from 1 to max, or the fallback when the option is absent. */
export function wholeNumber(name: string, value: string | undefined, fallback: number, max: number): number {
  const n = positiveNumber(name, value, fallback, max);
  if (!Number.isInteger(n)) throw new UsageError(`${name} must be a whole number from 1 to ${max}.`);
  return n;
}

export function host(value: string | undefined, fallback: string): string {
  const h = value ?? fallback;
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(h)) throw new UsageError(`--host must be a host name or IP address, not "${h}".`);
  return h;
}

/** Each role keeps its own folder under the platform's app-data path unless --data-dir says otherwise. */
export function dataDir(value: string | undefined, role: 'doctor' | 'patient', patientId?: string): string {
  if (value) return value;
  return join(defaultDataDir(), role === 'doctor' ? 'doctor' : `patient-${patientId ?? 'default'}`);
}

/**
 * Renderer process. What a form says about a field before anything is sent, in words a person can
 * act on: the same rules the main process applies (contract-schema.ts, rules.ts), checked as the
 * person types, so an invalid value is marked on its field instead of coming back after Connect.
 */
import * as v from 'valibot';
import { HOST } from '../../shared/contract-schema.js';
import { ID_PATTERN } from '../../shared/rules.js';
import { parsePort } from './format.js';

/** null when the value is fine. */
export type FieldCheck = string | null;

export function hostProblem(value: string, what: string): FieldCheck {
  const host = value.trim();
  if (!host) return `Enter ${what}, for example 127.0.0.1.`;
  if (host.includes('://')) return 'Leave out "http://" or "tcp://": type only the name or number, for example 127.0.0.1.';
  if (/:\d+$/.test(host) && !host.includes('::') && host.split(':').length === 2) return 'Put the port in the Port field, not after the address.';
  if (/\s/.test(host)) return 'An address has no spaces.';
  return v.safeParse(HOST, host).success ? null : 'This is not a computer name or IP address. Check it, for example 127.0.0.1 or clinic.example.org.';
}

export function portProblem(value: string, { allowZero = false } = {}): FieldCheck {
  if (!value.trim()) return 'Enter the port, a number such as 5050.';
  if (allowZero && value.trim() === '0') return null;
  return parsePort(value) === null ? 'The port is a whole number from 1 to 65535, for example 5050.' : null;
}

export function patientIdProblem(value: string): FieldCheck {
  const id = value.trim();
  if (!id) return 'Enter the patient ID your doctor gave you.';
  if (/\s/.test(id)) return 'A patient ID has no spaces.';
  if (id.length > 64) return 'A patient ID is at most 64 characters long.';
  return ID_PATTERN.test(id) ? null : 'A patient ID uses only letters, digits and the signs _ . @ -';
}

/**
 * Input checks at the store's boundary. Everything that reaches SQL or a file has passed one of
 * these, so the tables hold only values of the documented shape. Each failure is a
 * StoreError('BAD_INPUT') whose message starts with the caller's label (e.g. "blocks.block: id")
 * and says what is allowed; it never echoes the rejected value, which may be attacker-supplied.
 */
import { GROUP_ID_PATTERN, GROUP_ID_RULE, ID_PATTERN, ID_RULE } from '../../shared/rules.js';
import { StoreError } from './errors.js';

function bad(label: string, rule: string): never {
  throw new StoreError('BAD_INPUT', `${label} must be ${rule}.`);
}

/** A patient or doctor id: what the wire protocol allows for an id. */
export function checkId(value: unknown, label: string): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) bad(label, ID_RULE);
  return value;
}

/** The id of a key group (own_keys, the key vaults). */
export function checkGroupId(value: unknown, label: string): string {
  if (typeof value !== 'string' || !GROUP_ID_PATTERN.test(value)) bad(label, GROUP_ID_RULE);
  return value;
}

/** A whole number in [min, max]; timestamps, counts and limits. */
export function checkInteger(value: unknown, label: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    bad(label, `a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Milliseconds since the epoch, as every timestamp in the store is. */
export function checkTimestamp(value: unknown, label: string): number {
  return checkInteger(value, label, 0, Number.MAX_SAFE_INTEGER);
}

/** A finite, non-negative number; durations in the performance figures. */
export function checkNonNegative(value: unknown, label: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) bad(label, 'a finite number >= 0');
  return value;
}

export function checkString(value: unknown, label: string, min: number, max: number): string {
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    bad(label, min > 0 ? `a string of ${min}-${max} characters` : `a string of at most ${max} characters`);
  }
  return value;
}

export function checkPattern(value: unknown, label: string, pattern: RegExp, rule: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) bad(label, rule);
  return value;
}

export function checkBigInt(value: unknown, label: string, maxBits: number): bigint {
  if (typeof value !== 'bigint' || value <= 0n || value.toString(2).length > maxBits) {
    bad(label, `a positive bigint of at most ${maxBits} bits`);
  }
  return value;
}

// C0/C1 controls except tab and newline, and the bidi overrides that can make a line display
// differently from what it holds ("Trojan Source"). Lone surrogates would not survive UTF-8.
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const UNSAFE_TEXT = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Free text that may come from a peer (audit details, block reasons): length-checked, then every
 * control character is replaced with U+FFFD so the text cannot drive a terminal or spoof a line
 * when the CLI or the UI shows it. Replacing rather than rejecting keeps the event on record.
 */
export function cleanText(value: unknown, label: string, max: number): string {
  return checkString(value, label, 0, max).replace(UNSAFE_TEXT, '\uFFFD');
}

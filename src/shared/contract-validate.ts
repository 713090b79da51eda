/**
 * Runtime checks for every invoke channel's argument: the main-process handlers run them on
 * whatever arrives from a renderer (Electron IPC) or a browser (the WebSocket bridge) before any
 * service sees it. Each validator returns a fresh plain record holding only the checked fields, so
 * nothing with a prototype, a getter or an unexpected key ever reaches the engine.
 *
 * Pure TypeScript: no Node, no DOM (the renderer may reuse these checks for form validation).
 */
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  type AdmissionPolicy,
  type AuditQuery,
  type ConnectRequest,
  type EventChannel,
  type GroupChoice,
  type InvokeArg,
  type InvokeChannel,
  type Role,
} from './contract.js';

// ---- compile-time exhaustiveness: the channel lists name every key of the maps ----

type MissingInvoke = Exclude<InvokeChannel, (typeof INVOKE_CHANNELS)[number]>;
type MissingEvent = Exclude<EventChannel, (typeof EVENT_CHANNELS)[number]>;
/** Fails to compile, naming the channel, when INVOKE_CHANNELS or EVENT_CHANNELS lacks a key. */
const _invokeChannelsComplete: [MissingInvoke] extends [never] ? true : MissingInvoke = true;
const _eventChannelsComplete: [MissingEvent] extends [never] ? true : MissingEvent = true;
void _invokeChannelsComplete;
void _eventChannelsComplete;

// ---- results ----

export interface BadArgument {
  code: 'BAD_ARGUMENT';
  message: string;
}
export type Validation<T> = { ok: true; value: T } | { ok: false; error: BadArgument };

class ArgumentProblem extends Error {}

function fail(message: string): never {
  throw new ArgumentProblem(message);
}

// ---- limits, shared with the UI so a form can say the same thing before sending ----

export const LIMITS = {
  hostMaxLength: 253,
  patientIdPattern: /^[A-Za-z0-9_.@-]{1,64}$/,
  blockMinutes: { min: 1, max: 10080 },
  broadcastMaxChars: 8000,
  auditKindPattern: /^[A-Za-z0-9_.:-]{1,64}$/,
  auditTextMaxChars: 200,
  auditLimit: { min: 1, max: 10000 },
  /** Safety numbers: 3 to 12 groups of 4 or 5 digits separated by single spaces. */
  fingerprintPattern: /^[0-9]{4,5}( [0-9]{4,5}){2,11}$/,
} as const;

export const ROLES: readonly Role[] = ['doctor', 'patient'];
export const ADMISSION_POLICIES: readonly AdmissionPolicy[] = ['tofu', 'ask'];
export const GROUP_CHOICES: readonly GroupChoice[] = ['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'generate-2048', 'generate-3072'];

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// ---- field checks (each throws ArgumentProblem with a sentence naming the field) ----

/**
 * A plain data record with exactly the allowed keys (optional ones may be absent). Rejects arrays,
 * class instances, symbol keys, accessors and the prototype-pollution keys.
 */
function record(raw: unknown, allowed: readonly string[], required: readonly string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('The argument must be an object.');
  const proto: unknown = Object.getPrototypeOf(raw);
  if (proto !== Object.prototype && proto !== null) fail('The argument must be a plain object.');
  const out: Record<string, unknown> = {};
  for (const key of Reflect.ownKeys(raw)) {
    if (typeof key !== 'string') fail('The argument must not have symbol keys.');
    if (FORBIDDEN_KEYS.has(key)) fail(`The argument must not have a "${key}" property.`);
    if (!allowed.includes(key)) fail(`Unknown property "${key.slice(0, 40)}".`);
    const descriptor = Object.getOwnPropertyDescriptor(raw, key);
    if (!descriptor || !('value' in descriptor)) fail(`Property "${key}" must be a plain value.`);
    out[key] = descriptor.value;
  }
  for (const key of required) {
    if (!Object.hasOwn(out, key) || out[key] === undefined) fail(`Missing property "${key}".`);
  }
  return out;
}

function noArgument(raw: unknown): undefined {
  if (raw !== undefined && raw !== null) fail('This call takes no argument.');
  return undefined;
}

function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function text(value: unknown, field: string, maxChars: number): string {
  if (typeof value !== 'string') fail(`"${field}" must be a string.`);
  // A lone surrogate cannot be encoded as UTF-8, so it would be altered on the way out.
  if (/\p{Cs}/u.test(value)) fail(`"${field}" contains an invalid character.`);
  if (value.includes('\u0000')) fail(`"${field}" must not contain NUL characters.`);
  if (value.length > maxChars * 2 || codePoints(value) > maxChars) fail(`"${field}" is longer than ${maxChars} characters.`);
  return value;
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(`"${field}" must be a whole number.`);
  if (value < min || value > max) fail(`"${field}" must be between ${min} and ${max}.`);
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    fail(`"${field}" must be one of: ${options.join(', ')}.`);
  }
  return value as T;
}

function pattern(value: unknown, field: string, re: RegExp, what: string): string {
  if (typeof value !== 'string') fail(`"${field}" must be a string.`);
  if (!re.test(value)) fail(`"${field}" must be ${what}.`);
  return value;
}

function patientId(value: unknown, field = 'patientId'): string {
  return pattern(value, field, LIMITS.patientIdPattern, '1 to 64 letters, digits or . _ @ -');
}

function fingerprint(value: unknown): string {
  return pattern(value, 'fingerprint', LIMITS.fingerprintPattern, 'a safety number: groups of digits separated by single spaces');
}

function isIPv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

function isIPv6(value: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(value) || !value.includes(':')) return false;
  const halves = value.split('::');
  if (halves.length > 2) return false;
  let groups = 0;
  for (const [h, half] of halves.entries()) {
    if (half === '') continue;
    const parts = half.split(':');
    for (const [i, part] of parts.entries()) {
      const last = h === halves.length - 1 && i === parts.length - 1;
      if (last && part.includes('.')) {
        if (!isIPv4(part)) return false;
        groups += 2;
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(part)) {
        groups += 1;
      } else {
        return false;
      }
    }
  }
  return halves.length === 2 ? groups <= 7 : groups === 8;
}

function isHostname(value: string): boolean {
  if (/^[0-9.]+$/.test(value)) return false; // looks numeric: must then be a valid IPv4 address
  return value.split('.').every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/** A hostname, an IPv4 address or an IPv6 address (brackets allowed and removed); no scheme, no port. */
function host(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) fail('"host" must be a host name or IP address.');
  if (value.length > LIMITS.hostMaxLength) fail(`"host" is longer than ${LIMITS.hostMaxLength} characters.`);
  if (value.includes('://')) fail('"host" must be a host name or IP address without a scheme (no "tcp://" or "http://").');
  const unbracketed = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (unbracketed !== value) {
    if (!isIPv6(unbracketed)) fail('"host" in brackets must be an IPv6 address.');
    return unbracketed;
  }
  if (isIPv4(value) || isIPv6(value) || isHostname(value)) return value;
  fail('"host" must be a host name or IP address, without a scheme or port (e.g. 127.0.0.1 or clinic.example.org).');
}

function auditQuery(raw: unknown): AuditQuery {
  const r = record(raw, ['kind', 'patientId', 'text', 'limit'], []);
  const out: AuditQuery = {};
  // An empty search box means "no filter", so an empty string counts as absent.
  const given = (v: unknown): boolean => v !== undefined && v !== '';
  if (given(r['kind'])) out.kind = pattern(r['kind'], 'kind', LIMITS.auditKindPattern, '1 to 64 letters, digits or . _ : -');
  if (given(r['patientId'])) out.patientId = patientId(r['patientId']);
  if (given(r['text'])) out.text = text(r['text'], 'text', LIMITS.auditTextMaxChars);
  if (r['limit'] !== undefined) out.limit = integer(r['limit'], 'limit', LIMITS.auditLimit.min, LIMITS.auditLimit.max);
  return out;
}

function connectRequest(raw: unknown): ConnectRequest {
  const r = record(raw, ['host', 'port', 'patientId', 'group'], ['host', 'port', 'patientId', 'group']);
  return {
    host: host(r['host']),
    port: integer(r['port'], 'port', 1, 65535),
    patientId: patientId(r['patientId']),
    group: oneOf(r['group'], 'group', GROUP_CHOICES),
  };
}

function broadcastText(value: unknown): string {
  const t = text(value, 'text', LIMITS.broadcastMaxChars);
  if (t.trim().length === 0) fail('"text" must not be empty.');
  return t;
}

// ---- one validator per channel; the mapped type makes a missing channel a compile error ----

type Validators = { [C in InvokeChannel]: (raw: unknown) => InvokeArg<C> };

const VALIDATORS: Validators = {
  'app.info': noArgument,
  'app.chooseRole': (raw) => ({ role: oneOf(record(raw, ['role'], ['role'])['role'], 'role', ROLES) }),

  'doctor.snapshot': noArgument,
  'doctor.listen': (raw) => {
    const r = record(raw, ['host', 'port'], ['host', 'port']);
    // Port 0 asks the system for any free port.
    return { host: host(r['host']), port: integer(r['port'], 'port', 0, 65535) };
  },
  'doctor.stop': noArgument,
  'doctor.setPolicy': (raw) => ({ policy: oneOf(record(raw, ['policy'], ['policy'])['policy'], 'policy', ADMISSION_POLICIES) }),
  'doctor.block': (raw) => {
    const r = record(raw, ['patientId', 'minutes'], ['patientId', 'minutes']);
    return { patientId: patientId(r['patientId']), minutes: integer(r['minutes'], 'minutes', LIMITS.blockMinutes.min, LIMITS.blockMinutes.max) };
  },
  'doctor.unblock': (raw) => ({ patientId: patientId(record(raw, ['patientId'], ['patientId'])['patientId']) }),
  'doctor.approve': (raw) => {
    const r = record(raw, ['patientId', 'fingerprint'], ['patientId', 'fingerprint']);
    return { patientId: patientId(r['patientId']), fingerprint: fingerprint(r['fingerprint']) };
  },
  'doctor.reject': (raw) => {
    const r = record(raw, ['patientId', 'fingerprint'], ['patientId', 'fingerprint']);
    return { patientId: patientId(r['patientId']), fingerprint: fingerprint(r['fingerprint']) };
  },
  'doctor.broadcast': (raw) => ({ text: broadcastText(record(raw, ['text'], ['text'])['text']) }),
  'doctor.audit': auditQuery,
  'doctor.auditVerify': noArgument,
  'doctor.auditCsv': auditQuery,
  'doctor.perf': noArgument,
  'doctor.perfHistory': noArgument,

  'patient.status': noArgument,
  'patient.connect': connectRequest,
  'patient.leave': noArgument,
  'patient.acceptDoctorKey': (raw) => ({ fingerprint: fingerprint(record(raw, ['fingerprint'], ['fingerprint'])['fingerprint']) }),
  'patient.feed': noArgument,
  'patient.perf': noArgument,
  'patient.perfHistory': noArgument,
  'patient.audit': auditQuery,
};

// ---- public API ----

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(value);
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && (EVENT_CHANNELS as readonly string[]).includes(value);
}

/** Checks `raw` against the channel's argument type; on success returns a fresh, plain copy. */
export function validateInvokeArg<C extends InvokeChannel>(channel: C, raw: unknown): Validation<InvokeArg<C>> {
  if (!isInvokeChannel(channel)) {
    return { ok: false, error: { code: 'BAD_ARGUMENT', message: 'Unknown channel.' } };
  }
  const validator = VALIDATORS[channel] as (raw: unknown) => InvokeArg<C>;
  try {
    return { ok: true, value: validator(raw) };
  } catch (error) {
    if (error instanceof ArgumentProblem) return { ok: false, error: { code: 'BAD_ARGUMENT', message: error.message } };
    throw error;
  }
}

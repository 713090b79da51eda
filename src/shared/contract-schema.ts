/**
 * The building blocks of the IPC contract (contract.ts): a valibot schema per field rule, the
 * hardened record every object argument passes through, and `call` / `callWith`, which turn a
 * channel's fields into its argument schema, its service method's parameters and its result type.
 *
 * Why a hardened record in front of valibot's strictObject: valibot reads fields with `key in
 * input` and `input[key]` (so it would see inherited properties and run getters) and writes its
 * output by assignment (so an own "__proto__" key, as JSON.parse makes it, would set the copy's
 * prototype). `plainRecord` first copies the argument's own data properties into a null-prototype
 * object, refusing arrays, class instances, symbol keys, accessors, the prototype keys and every
 * key the channel does not declare.
 *
 * Field messages say the rule only ("must be a string."); `check` puts the field's name in front.
 * Pure TypeScript and valibot: no Node, no DOM (the renderer may reuse these for its forms).
 */
import * as v from 'valibot';
import {
  AUDIT_KIND_PATTERN,
  AUDIT_KIND_RULE,
  AUDIT_QUERY_MAX_LIMIT,
  AUDIT_TEXT_FILTER_MAX_CHARS,
  BLOCK_MINUTES,
  FINGERPRINT_PATTERN,
  FINGERPRINT_RULE,
  ID_PATTERN,
  ID_RULE,
} from './rules.js';

// ---- limits, shared with the UI so a form can say the same thing before sending ----

export const LIMITS = {
  hostMaxLength: 253,
  blockMinutes: { min: 1, max: BLOCK_MINUTES.max },
  blockNoteMaxChars: 150,
  broadcastMaxChars: 8000,
  auditTextMaxChars: AUDIT_TEXT_FILTER_MAX_CHARS,
  auditLimit: { min: 1, max: AUDIT_QUERY_MAX_LIMIT },
} as const;

// ---- field rules ----

/** A schema for one field, or one channel's whole argument: checks unknown input, outputs T. */
export type FieldSchema<T = unknown> = v.GenericSchema<unknown, T>;

const STRING = v.string('must be a string.');

function matching(pattern: RegExp, rule: string) {
  return v.pipe(STRING, v.regex(pattern, `must be ${rule}.`));
}

export const PATIENT_ID = matching(ID_PATTERN, ID_RULE);
export const FINGERPRINT = matching(FINGERPRINT_PATTERN, `a safety number: ${FINGERPRINT_RULE}`);
export const AUDIT_KIND = matching(AUDIT_KIND_PATTERN, AUDIT_KIND_RULE);

export function wholeNumber(min: number, max: number) {
  const range = `must be between ${min} and ${max}.`;
  return v.pipe(v.number('must be a whole number.'), v.integer('must be a whole number.'), v.minValue(min, range), v.maxValue(max, range));
}

export function oneOf<const T extends readonly string[]>(options: T) {
  return v.picklist(options, `must be one of: ${options.join(', ')}.`);
}

/** Characters as a person counts them (code points), the measure of every text limit. */
export function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** Text a person typed: at most `maxChars` characters (code points), encodable as UTF-8, no NUL. */
export function text(maxChars: number) {
  const tooLong = `is longer than ${maxChars} characters.`;
  return v.pipe(
    STRING,
    // the cheap bound first, so a huge string costs nothing more
    v.maxLength(maxChars * 2, tooLong),
    // A lone surrogate cannot be encoded as UTF-8, so it would be altered on the way out.
    v.check((s) => !/\p{Cs}/u.test(s), 'contains an invalid character.'),
    v.check((s) => !s.includes('\u0000'), 'must not contain NUL characters.'),
    v.check((s) => codePoints(s) <= maxChars, tooLong),
  );
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

const isBracketed = (s: string): boolean => s.startsWith('[') && s.endsWith(']');

/** A hostname, an IPv4 address or an IPv6 address (brackets allowed and removed); no scheme, no port. */
export const HOST = v.pipe(
  v.string('must be a host name or IP address.'),
  v.nonEmpty('must be a host name or IP address.'),
  v.maxLength(LIMITS.hostMaxLength, `is longer than ${LIMITS.hostMaxLength} characters.`),
  v.check((s) => !s.includes('://'), 'must be a host name or IP address without a scheme (no "tcp://" or "http://").'),
  v.check((s) => !isBracketed(s) || isIPv6(s.slice(1, -1)), 'in brackets must be an IPv6 address.'),
  v.check(
    (s) => isBracketed(s) || isIPv4(s) || isIPv6(s) || isHostname(s),
    'must be a host name or IP address, without a scheme or port (e.g. 127.0.0.1 or clinic.example.org).',
  ),
  v.transform((s) => (isBracketed(s) ? s.slice(1, -1) : s)),
);

/** An optional search field: absent, undefined and '' (an empty search box) all mean "no filter". */
export function filter<T>(schema: FieldSchema<T>) {
  return v.optional(v.pipe(v.unknown(), v.transform((x) => (x === '' ? undefined : x)), v.optional(schema)));
}

/** One line a person typed: no line breaks, tabs or other control characters; trimmed. */
export function line(maxChars: number) {
  return v.pipe(
    text(maxChars),
    // eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
    v.check((s) => !/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/.test(s), 'must be one line, without control characters.'),
    v.transform((s) => s.trim()),
  );
}

// ---- records ----

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The argument's own data properties, or a sentence saying why it is not a plain data record. */
function plainCopy(raw: unknown, allowed: readonly string[], required: readonly string[]): Record<string, unknown> | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'The argument must be an object.';
  const proto: unknown = Object.getPrototypeOf(raw);
  if (proto !== Object.prototype && proto !== null) return 'The argument must be a plain object.';
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Reflect.ownKeys(raw)) {
    if (typeof key !== 'string') return 'The argument must not have symbol keys.';
    if (FORBIDDEN_KEYS.has(key)) return `The argument must not have a "${key}" property.`;
    if (!allowed.includes(key)) return `Unknown property "${key.slice(0, 40)}".`;
    const descriptor = Object.getOwnPropertyDescriptor(raw, key);
    if (!descriptor || !('value' in descriptor)) return `Property "${key}" must be a plain value.`;
    // undefined cannot cross JSON, so it means absent on every shell
    if (descriptor.value !== undefined) out[key] = descriptor.value;
  }
  for (const key of required) if (!Object.hasOwn(out, key)) return `Missing property "${key}".`;
  return out;
}

/** A plain data record with exactly these fields (optional ones may be absent); returns a fresh copy. */
export function record<const E extends v.ObjectEntries>(entries: E) {
  const allowed = Object.keys(entries);
  const required = allowed.filter((key) => entries[key]?.type !== 'optional');
  return v.pipe(
    v.unknown(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const copy = plainCopy(dataset.value, allowed, required);
      if (typeof copy === 'object') return copy;
      addIssue({ message: copy });
      return NEVER;
    }),
    v.strictObject(entries),
    // a filter left empty is absent from the copy, not present as undefined
    v.transform((r) => Object.fromEntries(Object.entries(r).filter(([, value]) => value !== undefined)) as typeof r),
  );
}

/** No argument: undefined, or null (how JSON carries it). */
const NO_ARGUMENT = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    if (dataset.value === undefined || dataset.value === null) return undefined;
    addIssue({ message: 'This call takes no argument.' });
    return NEVER;
  }),
);

// ---- checking ----

export interface BadArgument {
  code: 'BAD_ARGUMENT';
  message: string;
}
export type Validation<T> = { ok: true; value: T } | { ok: false; error: BadArgument };

/** Runs a schema; a problem comes back as BAD_ARGUMENT with a sentence naming the field. */
export function check<T>(schema: FieldSchema<T>, raw: unknown): Validation<T> {
  const result = v.safeParse(schema, raw, { abortEarly: true });
  if (result.success) return { ok: true, value: result.output };
  const [issue] = result.issues;
  const key: unknown = issue.path?.[0]?.key;
  return { ok: false, error: { code: 'BAD_ARGUMENT', message: typeof key === 'string' ? `"${key}" ${issue.message}` : issue.message } };
}

// ---- channel declarations ----

/**
 * One invoke channel: how its argument is checked, how the checked argument becomes the service
 * method's parameters, and (types only) what that method returns.
 */
export interface InvokeSpec<A = unknown, P extends unknown[] = unknown[], R = unknown, Async extends boolean = boolean> {
  /** Checks whatever arrives from a renderer or a browser; returns a fresh, plain copy. */
  readonly arg: FieldSchema<A>;
  /** The checked argument as the service method's parameters, in order. */
  params(arg: A): P;
  /** Types only: whether the service method returns a Promise. */
  readonly async: Async;
  /** Types only: what the service method returns (or its Promise resolves to). */
  readonly result: R;
}

export interface EventSpec<P = unknown> {
  /** Types only: what the event carries. */
  readonly payload: P;
}

interface ResultBuilder<A, P extends unknown[]> {
  /** The service method returns R. */
  returns<R>(): InvokeSpec<A, P, R, false>;
  /** The service method returns a Promise of R. */
  resolves<R>(): InvokeSpec<A, P, R, true>;
}

function results<A, P extends unknown[]>(arg: FieldSchema<A>, params: (arg: A) => P): ResultBuilder<A, P> {
  const spec = <R, Async extends boolean>(async: Async): InvokeSpec<A, P, R, Async> => ({ arg, params, async, result: undefined as R });
  return { returns: () => spec(false), resolves: () => spec(true) };
}

type Field = readonly [name: string, schema: FieldSchema];
/** A field whose schema accepts undefined (`filter(...)`) may be left out of the argument. */
type Optional<S extends FieldSchema> = undefined extends v.InferOutput<S> ? true : false;
type Flatten<T> = { [K in keyof T]: T[K] };
type FieldsArg<F extends readonly Field[]> = F extends readonly []
  ? void
  : Flatten<
      { [E in F[number] as Optional<E[1]> extends true ? never : E[0]]: v.InferOutput<E[1]> } & {
        [E in F[number] as Optional<E[1]> extends true ? E[0] : never]?: v.InferOutput<E[1]>;
      }
    >;
type FieldsParams<F extends readonly Field[]> = { -readonly [I in keyof F]: F[I] extends readonly [string, infer S extends FieldSchema] ? v.InferOutput<S> : never };

/**
 * A channel whose argument is a record of these fields, passed to the service method as positional
 * parameters in this order: `call(['patientId', PATIENT_ID], ['minutes', MINUTES])` checks
 * { patientId, minutes } and calls `block(patientId, minutes)`. No fields: no argument, no parameter.
 */
export function call<const F extends readonly Field[]>(...fields: F): ResultBuilder<FieldsArg<F>, FieldsParams<F>> {
  type Built = ResultBuilder<FieldsArg<F>, FieldsParams<F>>;
  if (fields.length === 0) return results(NO_ARGUMENT, () => []) as unknown as Built;
  const schema = record(Object.fromEntries(fields));
  return results(schema, (arg) => fields.map(([name]) => arg[name])) as unknown as Built;
}

/** A channel whose checked argument goes to the service method whole, as its one parameter. */
export function callWith<A>(arg: FieldSchema<A>): ResultBuilder<A, [A]> {
  return results(arg, (checked) => [checked]);
}

/** A pushed event carrying P. */
export function event<P>(): EventSpec<P> {
  return { payload: undefined as P };
}

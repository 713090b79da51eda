/**
 * The messages of the MedChatSecure protocol, one validated type per opcode and direction
 * (docs/protocol.md describes each: who sends it and what the receiver checks). Encoding is JSON
 * with bigints as minimal lower-case hex and bytes as base64; decoding accepts exactly the listed
 * fields, so unknown opcodes, extra fields and wrong types are all refused.
 */
import { DISCONNECT_REASONS, ProtocolError, isDisconnectCode, type DisconnectCode } from './errors.js';
import { encodeTextFrame } from './frame.js';
import { formatField, parseField, PEER_TEXT_MAX_CHARS, type FieldKind, type FieldValue } from './fields.js';
import { quotePeerText } from '../../shared/peer-text.js';

type Schema = Readonly<Record<string, FieldKind>>;
type Shape<S extends Schema> = { -readonly [K in keyof S]: FieldValue<S[K]> };

/** Opcodes a patient sends, by name (20 means something else in each direction). */
export const PATIENT_OP = { HELLO: 5, KEY_EXCHANGE: 10, VERIFIER: 20, ACK: 50, HEARTBEAT_REPLY: 55, DISCONNECT: 60, EXIT: 90 } as const;

/** Opcodes a doctor sends, by name. */
export const DOCTOR_OP = {
  HELLO_REPLY: 5,
  SESSION_TOKEN: 20,
  GROUP_KEY: 30,
  BROADCAST: 40,
  HEARTBEAT: 45,
  DISCONNECT: 60,
  AWAITING_APPROVAL: 70,
  BLOCKED: 80,
} as const;

/** Patient to doctor. */
const FROM_PATIENT = {
  [PATIENT_OP.HELLO]: { v: 'version', patientId: 'id', p: 'bigint', g: 'bigint', y: 'bigint' },
  [PATIENT_OP.KEY_EXCHANGE]: { ts: 'time', rn: 'nonce', patientId: 'id', c1: 'bigint', c2: 'bigint', r: 'bigint', s: 'bigint' },
  [PATIENT_OP.VERIFIER]: { ts: 'time', skv: 'digest' },
  [PATIENT_OP.ACK]: { epoch: 'uint', seq: 'uint', tag: 'digest' },
  [PATIENT_OP.HEARTBEAT_REPLY]: { n: 'uint', tag: 'digest' },
  [PATIENT_OP.DISCONNECT]: { code: 'text', reason: 'text' },
  [PATIENT_OP.EXIT]: { patientId: 'id', ts: 'time', tag: 'digest' },
} as const satisfies Record<number, Schema>;

/** Doctor to patient. */
const FROM_DOCTOR = {
  [DOCTOR_OP.HELLO_REPLY]: { v: 'version', doctorId: 'id', y: 'bigint' },
  [DOCTOR_OP.SESSION_TOKEN]: { ts: 'time', rn: 'nonce', patientId: 'id', c1: 'bigint', c2: 'bigint', r: 'bigint', s: 'bigint' },
  [DOCTOR_OP.GROUP_KEY]: { epoch: 'uint', box: 'bytes' },
  [DOCTOR_OP.BROADCAST]: { epoch: 'uint', seq: 'uint', ts: 'time', box: 'bytes' },
  [DOCTOR_OP.HEARTBEAT]: { n: 'uint', every: 'uint', tag: 'digest' },
  [DOCTOR_OP.DISCONNECT]: { code: 'text', reason: 'text' },
  [DOCTOR_OP.AWAITING_APPROVAL]: { status: 'text' },
  [DOCTOR_OP.BLOCKED]: { reason: 'text', until: 'time' },
} as const satisfies Record<number, Schema>;

type Messages<T extends Record<number, Schema>> = { [Op in keyof T & number]: { op: Op } & Shape<T[Op]> }[keyof T & number];

export type PatientMessage = Messages<typeof FROM_PATIENT>;
export type DoctorMessage = Messages<typeof FROM_DOCTOR>;
export type PatientOp = PatientMessage['op'];
export type DoctorOp = DoctorMessage['op'];
export type PatientMessageOf<Op extends PatientOp> = Extract<PatientMessage, { op: Op }>;
export type DoctorMessageOf<Op extends DoctorOp> = Extract<DoctorMessage, { op: Op }>;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

function decodeWith(schemas: Record<number, Schema>, body: Uint8Array): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8Decoder.decode(body));
  } catch {
    throw new ProtocolError('MALFORMED_FRAME', 'not UTF-8 JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProtocolError('BAD_MESSAGE', 'a message must be a JSON object');
  }
  const raw = parsed as Record<string, unknown>;
  const op = raw['op'];
  if (typeof op !== 'number' || !Number.isInteger(op)) throw new ProtocolError('BAD_MESSAGE', 'op must be an integer');
  const schema = Object.prototype.hasOwnProperty.call(schemas, op) ? schemas[op] : undefined;
  if (!schema) throw new ProtocolError('UNKNOWN_OPCODE', `op ${op}`);
  const keys = Object.keys(raw);
  for (const key of keys) {
    if (key !== 'op' && !Object.prototype.hasOwnProperty.call(schema, key)) throw new ProtocolError('BAD_MESSAGE', `unexpected field ${quotePeerText(key, 40)}`);
  }
  const out: Record<string, unknown> = Object.create(null);
  out['op'] = op;
  for (const [name, kind] of Object.entries(schema)) {
    if (!Object.prototype.hasOwnProperty.call(raw, name)) throw new ProtocolError('BAD_MESSAGE', `missing field ${name}`);
    out[name] = parseField(kind, name, raw[name]);
  }
  return { ...out };
}

/** Each schema's fields in order, listed once (encoding is on the fan-out path). */
const FIELD_LISTS = new Map<Schema, [string, FieldKind][]>();

function jsonWith(schemas: Record<number, Schema>, message: { op: number } & Record<string, unknown>): string {
  const schema = schemas[message.op];
  if (!schema) throw new RangeError(`encode: unknown op ${message.op}`);
  let fields = FIELD_LISTS.get(schema);
  if (!fields) FIELD_LISTS.set(schema, (fields = Object.entries(schema)));
  const wire: Record<string, unknown> = { op: message.op };
  for (const [name, kind] of fields) wire[name] = formatField(kind, message[name]);
  return JSON.stringify(wire);
}

function encodeWith(schemas: Record<number, Schema>, message: { op: number } & Record<string, unknown>): Uint8Array {
  return utf8Encoder.encode(jsonWith(schemas, message));
}

/** A doctor message as a whole frame, the same bytes as encodeFrame(encodeDoctorMessage(m)). */
export function encodeDoctorFrame(message: DoctorMessage): Uint8Array {
  return encodeTextFrame(jsonWith(FROM_DOCTOR, message as unknown as { op: number } & Record<string, unknown>));
}

export function decodeFromPatient(body: Uint8Array): PatientMessage {
  return decodeWith(FROM_PATIENT, body) as unknown as PatientMessage;
}

export function decodeFromDoctor(body: Uint8Array): DoctorMessage {
  return decodeWith(FROM_DOCTOR, body) as unknown as DoctorMessage;
}

export function encodePatientMessage(message: PatientMessage): Uint8Array {
  return encodeWith(FROM_PATIENT, message as unknown as { op: number } & Record<string, unknown>);
}

export function encodeDoctorMessage(message: DoctorMessage): Uint8Array {
  return encodeWith(FROM_DOCTOR, message as unknown as { op: number } & Record<string, unknown>);
}

/** Opcode 60 with a known code and its sentence. */
export function disconnectMessage(code: DisconnectCode, detail?: string): { op: 60; code: string; reason: string } {
  const reason = detail ? `${DISCONNECT_REASONS[code]} ${detail}` : DISCONNECT_REASONS[code];
  return { op: 60, code, reason: reason.slice(0, PEER_TEXT_MAX_CHARS) };
}

/**
 * A received opcode 60 told in our own words, never as raw peer text. A known code gives its
 * local sentence; when the peer's reason is that sentence plus a detail (what disconnectMessage
 * sends, e.g. BAD_GROUP's validation reason) the detail follows, quoted and made inert; any other
 * reason is quoted as what the peer said. An unknown code is shown quoted, with the reason.
 */
export function describeDisconnect(message: { code: string; reason: string }): string {
  const { code, reason } = message;
  if (!isDisconnectCode(code)) return `The peer ended the session (code ${quotePeerText(code, 40)}): ${quotePeerText(reason)}`;
  const sentence: string = DISCONNECT_REASONS[code];
  if (reason === sentence) return sentence;
  if (reason.startsWith(sentence)) {
    const rest = reason.slice(sentence.length).trim();
    return rest === '' ? sentence : `${sentence} Details from the peer: ${quotePeerText(rest)}`;
  }
  return reason.trim() === '' ? sentence : `${sentence} The peer said: ${quotePeerText(reason)}`;
}

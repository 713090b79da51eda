import { describe, expect, it } from 'vitest';
import {
  DISCONNECT_REASONS,
  decodeFromDoctor,
  decodeFromPatient,
  describeDisconnect,
  disconnectMessage,
  encodeDoctorFrame,
  encodeDoctorMessage,
  encodeFrame,
  encodePatientMessage,
  type DoctorMessage,
  type PatientMessage,
} from '../../../src/main/protocol/index.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

const patientMessages: PatientMessage[] = [
  { op: 5, v: 2, patientId: 'alice', p: 0xffffn, g: 2n, y: 0x1234n },
  { op: 10, ts: 1_700_000_000_000, rn: 'ab'.repeat(16), patientId: 'alice', c1: 5n, c2: 6n, r: 7n, s: 8n },
  { op: 20, ts: 1_700_000_000_001, skv: 'cd'.repeat(32) },
  { op: 50, epoch: 3, seq: 9, tag: 'ef'.repeat(32) },
  { op: 60, code: 'SHUTDOWN', reason: 'bye' },
  { op: 90, patientId: 'alice', ts: 1_700_000_000_002, tag: '01'.repeat(32) },
];
const doctorMessages: DoctorMessage[] = [
  { op: 5, v: 2, doctorId: 'doctor', y: 99n },
  { op: 20, ts: 1, rn: '00'.repeat(16), patientId: 'bob', c1: 1n, c2: 2n, r: 3n, s: 4n },
  { op: 30, epoch: 1, box: new Uint8Array([1, 2, 3]) },
  { op: 40, epoch: 1, seq: 1, ts: 2, box: new Uint8Array(100).fill(7) },
  { op: 60, code: 'REPLAY', reason: 'seen' },
  { op: 70, status: 'awaiting-approval' },
  { op: 80, reason: 'blocked', until: 123 },
];

describe('message codec', () => {
  it('round-trips every message of both directions', () => {
    for (const m of patientMessages) expect(decodeFromPatient(encodePatientMessage(m))).toEqual(m);
    for (const m of doctorMessages) expect(decodeFromDoctor(encodeDoctorMessage(m))).toEqual(m);
  });

  it('writes a doctor frame in one piece with exactly the bytes of encodeFrame(encodeDoctorMessage(m))', () => {
    const withText: DoctorMessage[] = [...doctorMessages, { op: 60, code: 'BAD_MESSAGE', reason: 'héllo ✓ مرحبا \u2028 "quoted"' } as DoctorMessage];
    for (const m of withText) expect(Buffer.from(encodeDoctorFrame(m)).equals(Buffer.from(encodeFrame(encodeDoctorMessage(m))))).toBe(true);
    // A bytes field given as a view into a larger buffer is encoded from the view alone.
    const big = new Uint8Array(200).map((_, i) => i);
    const view = big.subarray(50, 98);
    const m = { op: 30, epoch: 3, box: view } as DoctorMessage;
    expect(decodeFromDoctor(encodeDoctorMessage(m))).toEqual({ op: 30, epoch: 3, box: new Uint8Array(view) });
  });

  it('decodes into plain records without a prototype trap', () => {
    const m = decodeFromPatient(encodePatientMessage(patientMessages[0]!));
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
  });

  it('refuses each kind of malformed input with its code', () => {
    expect(code(() => decodeFromPatient(utf8('{"op":5')))).toBe('MALFORMED_FRAME');
    expect(code(() => decodeFromPatient(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe('MALFORMED_FRAME');
    expect(code(() => decodeFromPatient(utf8('"text"')))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(utf8('null')))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(utf8('{"op":"5"}')))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(utf8('{"op":30,"epoch":1,"box":""}')))).toBe('UNKNOWN_OPCODE'); // doctor-only op
    expect(code(() => decodeFromPatient(utf8('{"op":77}')))).toBe('UNKNOWN_OPCODE');
    const hello = { op: 5, v: 2, patientId: 'a', p: 'ff', g: '2', y: '4' };
    const variant = (patch: object): Uint8Array => utf8(JSON.stringify({ ...hello, ...patch }));
    expect(code(() => decodeFromPatient(variant({ extra: 1 })))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(utf8('{"op":5,"v":2,"patientId":"a","p":"ff","g":"2","y":"4","__proto__":{"x":1}}')))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(variant({ y: undefined })))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(variant({ v: 1 })))).toBe('UNSUPPORTED_VERSION');
    expect(code(() => decodeFromPatient(variant({ patientId: 'has space' })))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(variant({ patientId: 'x'.repeat(65) })))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(variant({ p: 'FF' })))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(variant({ p: '0ff' })))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(variant({ p: 'f'.repeat(1025) })))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(variant({ p: 255 })))).toBe('BAD_MESSAGE');
    const ack = { op: 50, epoch: 1, seq: 1, tag: '00'.repeat(32) };
    expect(code(() => decodeFromPatient(utf8(JSON.stringify({ ...ack, seq: -1 }))))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(utf8(JSON.stringify({ ...ack, seq: 1.5 }))))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(utf8(JSON.stringify({ ...ack, seq: 2 ** 60 }))))).toBe('BAD_MESSAGE');
    expect(code(() => decodeFromPatient(utf8(JSON.stringify({ ...ack, tag: 'zz'.repeat(32) }))))).toBe('BAD_MESSAGE');
    const box = { op: 30, epoch: 1, box: 'AAA=' };
    expect(decodeFromDoctor(utf8(JSON.stringify(box)))).toMatchObject({ op: 30 });
    expect(code(() => decodeFromDoctor(utf8(JSON.stringify({ ...box, box: 'AAB=' }))))).toBe('BAD_MESSAGE'); // non-canonical
    expect(code(() => decodeFromDoctor(utf8(JSON.stringify({ ...box, box: 'A*A=' }))))).toBe('BAD_MESSAGE');
  });
});

describe('describeDisconnect', () => {
  it('tells a known code in our own sentence', () => {
    expect(describeDisconnect(disconnectMessage('SHUTDOWN'))).toBe(DISCONNECT_REASONS.SHUTDOWN);
    expect(describeDisconnect({ code: 'SHUTDOWN', reason: '' })).toBe(DISCONNECT_REASONS.SHUTDOWN);
  });

  it("quotes the peer's detail after our sentence, made inert", () => {
    const sent = disconnectMessage('BAD_GROUP', 'p is not prime');
    expect(describeDisconnect(sent)).toBe(`${DISCONNECT_REASONS.BAD_GROUP} Details from the peer: "p is not prime"`);
    const sneaky = disconnectMessage('BAD_GROUP', 'x\n[admitted] mallory: pinned key\u202E');
    const told = describeDisconnect(sneaky);
    expect(told.startsWith(`${DISCONNECT_REASONS.BAD_GROUP} Details from the peer: "`)).toBe(true);
    expect(told).not.toMatch(/[\n\r\u202E]/u);
  });

  it('quotes any other reason as what the peer said', () => {
    const told = describeDisconnect({ code: 'SHUTDOWN', reason: 'ok\n[admitted] mallory (1.2.3.4:5): pinned key' });
    expect(told).toBe(`${DISCONNECT_REASONS.SHUTDOWN} The peer said: "ok\\n[admitted] mallory (1.2.3.4:5): pinned key"`);
    expect(told).not.toContain('\n');
    expect(describeDisconnect({ code: 'REPLAY', reason: 'say "hi"\u2028' })).toBe(`${DISCONNECT_REASONS.REPLAY} The peer said: "say \\"hi\\"\\u{2028}"`);
  });

  it('shows an unknown code quoted, with the quoted reason', () => {
    expect(describeDisconnect({ code: 'WHATEVER', reason: 'bye' })).toBe('The peer ended the session (code "WHATEVER"): "bye"');
    const told = describeDisconnect({ code: 'X\x1b[2J' + 'y'.repeat(100), reason: '\u202Eevil\r\n' });
    expect(told).toBe(`The peer ended the session (code "X\\u{001B}[2J${'y'.repeat(35)}…"): "\\u{202E}evil\\r\\n"`);
    // An inherited property name is not a known code.
    expect(describeDisconnect({ code: 'toString', reason: 'r' })).toBe('The peer ended the session (code "toString"): "r"');
  });

  it('names an unexpected field quoted and inert', () => {
    try {
      decodeFromDoctor(utf8(JSON.stringify({ op: 70, status: 'x', 'a\n\u202Eb': 1 })));
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('unexpected field "a\\n\\u{202E}b"');
    }
  });
});

describe('protocol version', () => {
  it('refuses a hello of another version with UNSUPPORTED_VERSION, naming both versions', () => {
    const hello = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify({ op: 5, v, patientId: 'a', p: 'ff', g: '2', y: '4' }));
    for (const v of [1, 3]) {
      let error: unknown;
      try {
        decodeFromPatient(hello(v));
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'UNSUPPORTED_VERSION', detail: `the peer speaks version ${v}; this app speaks version 2` });
    }
    expect(() => decodeFromPatient(hello('2'))).toThrow(/unknown version/);
    expect(decodeFromPatient(hello(2))).toMatchObject({ op: 5, v: 2 });
  });
});

import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, EVENT_CHANNELS, type InvokeArg, type InvokeChannel } from '../../../src/shared/contract.js';
import { isEventChannel, isInvokeChannel, validateInvokeArg } from '../../../src/shared/contract-validate.js';

/** A safety number of the shape the engine shows (src/shared/rules.ts: six groups of five digits). */
const FP = '48210 09375 55128 83012 74660 91234';

/** One valid argument per channel; the mapped type fails to compile if a channel is missing. */
const VALID: { [C in InvokeChannel]: InvokeArg<C> } = {
  'app.info': undefined,
  'app.chooseRole': { role: 'doctor' },
  'doctor.snapshot': undefined,
  'doctor.status': undefined,
  'doctor.listen': { host: '127.0.0.1', port: 0 },
  'doctor.stop': undefined,
  'doctor.setPolicy': { policy: 'ask' },
  'doctor.block': { patientId: 'alice', minutes: 2 },
  'doctor.unblock': { patientId: 'alice' },
  'doctor.approve': { patientId: 'alice', fingerprint: FP },
  'doctor.reject': { patientId: 'bob.smith@clinic-1', fingerprint: FP },
  'doctor.broadcast': { text: 'Take 2 pills, then rest. 🩺' },
  'doctor.audit': { kind: 'join', patientId: 'alice', text: 'blocked', limit: 100 },
  'doctor.auditVerify': undefined,
  'doctor.auditCheckpoint': undefined,
  'doctor.auditCsv': {},
  'doctor.perf': undefined,
  'doctor.perfHistory': undefined,
  'patient.status': undefined,
  'patient.lastConnect': undefined,
  'patient.groups': undefined,
  'patient.connect': { host: 'clinic.example.org', port: 5000, patientId: 'alice', group: 'ffdhe3072' },
  'patient.leave': undefined,
  'patient.acceptDoctorKey': { fingerprint: FP },
  'patient.feed': undefined,
  'patient.perf': undefined,
  'patient.perfHistory': undefined,
  'patient.audit': { limit: 10 },
};

function rejects(channel: InvokeChannel, raw: unknown): string {
  const result = validateInvokeArg(channel, raw);
  expect(result.ok, `${channel} accepted ${JSON.stringify(raw)}`).toBe(false);
  if (result.ok) return '';
  expect(result.error.code).toBe('BAD_ARGUMENT');
  return result.error.message;
}

function accepts<C extends InvokeChannel>(channel: C, raw: unknown): InvokeArg<C> {
  const result = validateInvokeArg(channel, raw);
  if (!result.ok) throw new Error(`${channel} rejected ${JSON.stringify(raw)}: ${result.error.message}`);
  return result.value;
}

const OBJECT_CHANNELS = INVOKE_CHANNELS.filter((c) => VALID[c] !== undefined);
const VOID_CHANNELS = INVOKE_CHANNELS.filter((c) => VALID[c] === undefined);

describe('channel guards', () => {
  it('know every listed channel and nothing else', () => {
    for (const c of INVOKE_CHANNELS) expect(isInvokeChannel(c)).toBe(true);
    for (const e of EVENT_CHANNELS) expect(isEventChannel(e)).toBe(true);
    for (const bad of ['app.quit', '', 'constructor', '__proto__', 'toString', 42, null, undefined, ['app.info']]) {
      expect(isInvokeChannel(bad)).toBe(false);
      expect(isEventChannel(bad)).toBe(false);
    }
    expect(isInvokeChannel('doctor.changed')).toBe(false);
    expect(isEventChannel('doctor.snapshot')).toBe(false);
  });

  it('refuses to validate for an unknown channel', () => {
    expect(validateInvokeArg('app.quit' as InvokeChannel, undefined).ok).toBe(false);
  });
});

describe('every channel accepts its valid argument', () => {
  it.each(INVOKE_CHANNELS)('%s', (channel) => {
    const value = accepts(channel, VALID[channel]);
    expect(value).toEqual(VALID[channel]);
    // Survives the JSON round trip the browser bridge applies (undefined becomes null there).
    const wire = JSON.parse(JSON.stringify({ arg: VALID[channel] ?? null })) as { arg: unknown };
    expect(accepts(channel, wire.arg)).toEqual(VALID[channel]);
  });

  it('returns a fresh copy, not the caller object', () => {
    const arg = { patientId: 'alice', minutes: 5 };
    const value = accepts('doctor.block', arg);
    expect(value).not.toBe(arg);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});

describe('no-argument channels', () => {
  it.each(VOID_CHANNELS)('%s rejects an argument', (channel) => {
    rejects(channel, {});
    rejects(channel, 'x');
    rejects(channel, 0);
  });
});

describe('object channels reject wrong shapes', () => {
  it.each(OBJECT_CHANNELS)('%s', (channel) => {
    for (const raw of [undefined, null, 'text', 42, true, [], [VALID[channel]], new Date(0), new Map()]) rejects(channel, raw);
    // extra property
    expect(rejects(channel, { ...(VALID[channel] as object), extra: 1 })).toMatch(/Unknown property "extra"/);
    // prototype-pollution keys, as JSON.parse produces them (own properties)
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const polluted = JSON.parse(`{${JSON.stringify(VALID[channel]).slice(1, -1)}${Object.keys(VALID[channel] as object).length ? ',' : ''}"${key}":{"isAdmin":true}}`) as unknown;
      expect(rejects(channel, polluted)).toContain(key);
    }
    // a class instance with the right fields
    class Sneaky {}
    rejects(channel, Object.assign(new Sneaky(), VALID[channel]));
    // a getter instead of a value
    const withGetter = { ...(VALID[channel] as object) };
    const firstKey = Object.keys(withGetter)[0];
    if (firstKey) {
      Object.defineProperty(withGetter, firstKey, { get: () => 'x', enumerable: true });
      rejects(channel, withGetter);
    }
    // symbol key
    rejects(channel, { ...(VALID[channel] as object), [Symbol('s')]: 1 });
  });

  it('accepts a null-prototype record', () => {
    const raw = Object.assign(Object.create(null) as object, { role: 'patient' });
    expect(accepts('app.chooseRole', raw)).toEqual({ role: 'patient' });
  });

  it('never pollutes Object.prototype', () => {
    validateInvokeArg('doctor.audit', JSON.parse('{"__proto__":{"polluted":true}}'));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('field rules', () => {
  it('roles, policies and groups are enums', () => {
    rejects('app.chooseRole', { role: 'admin' });
    rejects('app.chooseRole', { role: 'Doctor' });
    rejects('doctor.setPolicy', { policy: 'open' });
    for (const group of ['ffdhe1024', 'modp2048', '', 2048]) rejects('patient.connect', { ...VALID['patient.connect'], group });
    for (const group of ['ffdhe2048', 'ffdhe4096', 'generate-2048', 'generate-3072']) accepts('patient.connect', { ...VALID['patient.connect'], group });
  });

  it('ports: 1-65535 to connect, 0-65535 to listen, whole numbers only', () => {
    for (const port of [1, 65535]) accepts('patient.connect', { ...VALID['patient.connect'], port });
    for (const port of [0, -1, 65536, 1.5, NaN, Infinity, '5000', null]) rejects('patient.connect', { ...VALID['patient.connect'], port });
    for (const port of [0, 1, 65535]) accepts('doctor.listen', { host: '0.0.0.0', port });
    for (const port of [-1, 65536, '0']) rejects('doctor.listen', { host: '0.0.0.0', port });
  });

  it('hosts: names and addresses, no scheme, no port, no path', () => {
    for (const host of ['localhost', '127.0.0.1', '0.0.0.0', '10.1.2.3', 'clinic.example.org', 'a-b.c', '::', '::1', 'fe80::1', '2001:db8::8a2e:370:7334', '::ffff:192.0.2.1']) {
      expect(accepts('doctor.listen', { host, port: 0 }).host).toBe(host);
    }
    expect(accepts('patient.connect', { ...VALID['patient.connect'], host: '[::1]' }).host).toBe('::1');
    for (const host of ['', 'http://clinic.example.org', 'tcp://1.2.3.4', 'clinic.example.org:5000', '127.0.0.1:80', 'a/b', 'a b', '-bad.example', 'bad-.example',
      '256.1.1.1', '1.2.3', '01.2.3.4', '1:2:3:4:5:6:7:8:9', '1::2::3', '[example.org]', 'a'.repeat(254), 'x\u0000y', 'ex..ample', 'ünï.example']) {
      rejects('patient.connect', { ...VALID['patient.connect'], host });
    }
    expect(rejects('patient.connect', { ...VALID['patient.connect'], host: 'http://x' })).toMatch(/scheme/);
  });

  it('patient ids: 1-64 of letters, digits and . _ @ -', () => {
    accepts('doctor.unblock', { patientId: 'a' });
    accepts('doctor.unblock', { patientId: 'x'.repeat(64) });
    for (const patientId of ['', 'x'.repeat(65), 'alice smith', 'alice/..', 'ali\nce', 'élodie', 'a;b', 42, null]) rejects('doctor.unblock', { patientId });
  });

  it('block minutes: whole numbers from 1 to 10080 (one week)', () => {
    for (const minutes of [1, 2, 10080]) accepts('doctor.block', { patientId: 'a', minutes });
    for (const minutes of [0, -5, 10081, 2.5, '2', null]) rejects('doctor.block', { patientId: 'a', minutes });
    rejects('doctor.block', { patientId: 'a' });
  });

  it("block note: optional, one line of at most 150 characters, trimmed; empty means none", () => {
    expect(accepts('doctor.block', { patientId: 'a', minutes: 5, note: '  missed three appointments ' })).toEqual({ patientId: 'a', minutes: 5, note: 'missed three appointments' });
    expect(accepts('doctor.block', { patientId: 'a', minutes: 5, note: '' })).toEqual({ patientId: 'a', minutes: 5 });
    expect(accepts('doctor.block', { patientId: 'a', minutes: 5, note: 'é'.repeat(150) })).toMatchObject({ note: 'é'.repeat(150) });
    for (const note of ['x'.repeat(151), 'two\nlines', 'tab\there', 'esc\u001b[2J', 'nul\u0000', 'ls\u2028', 42, null, ['x']]) rejects('doctor.block', { patientId: 'a', minutes: 5, note });
  });

  it('broadcast text: 1 to 8000 characters, counted as code points', () => {
    accepts('doctor.broadcast', { text: 'x'.repeat(8000) });
    accepts('doctor.broadcast', { text: '🩺'.repeat(8000) }); // 16000 UTF-16 units, 8000 characters
    expect(rejects('doctor.broadcast', { text: 'x'.repeat(8001) })).toMatch(/8000/);
    for (const text of ['', '   \n\t', 42, null, 'bad \ud800 surrogate', 'nul\u0000byte']) rejects('doctor.broadcast', { text });
  });

  it('fingerprints: six groups of five digits separated by single spaces', () => {
    for (const fingerprint of [FP, '00000 00000 00000 00000 00000 00000']) accepts('patient.acceptDoctorKey', { fingerprint });
    for (const fingerprint of ['', '4821 0937 5512 8830 1274 6609', '48210 09375 55128 83012 74660', `${FP} 12345`, '48210-09375-55128-83012-74660-91234',
      '48210  09375 55128 83012 74660 91234', ` ${FP}`, `${FP} `, 'abcde fghij klmno pqrst uvwxy zabcd', 42]) {
      expect(rejects('patient.acceptDoctorKey', { fingerprint })).toMatch(/"fingerprint" must be/);
    }
  });

  it('audit queries: all fields optional, empty strings mean no filter, bounded', () => {
    expect(accepts('doctor.audit', {})).toEqual({});
    expect(Object.keys(accepts('doctor.audit', { kind: '', patientId: '', text: '', limit: undefined }))).toEqual([]);
    expect(accepts('patient.audit', { kind: 'handshake-failed', limit: 10000 })).toEqual({ kind: 'handshake-failed', limit: 10000 });
    for (const bad of [{ limit: 0 }, { limit: 10001 }, { limit: 1.5 }, { limit: '10' }, { kind: 'a b' }, { kind: 'x'.repeat(41) }, { kind: 'Admitted' }, { kind: 'handshake.failed' }, { kind: '-x' }, { patientId: 'a b' },
      { text: 'x'.repeat(201) }, { text: 5 }, { since: 0 }]) {
      rejects('doctor.auditCsv', bad);
    }
  });
});

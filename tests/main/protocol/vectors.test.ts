// The vectors of docs/vectors/ checked twice: (a) the project's own functions reproduce every
// value, the ones that draw randomness (key generation, encryption, SK, signing, sealing) fed the
// vectors' fixed values through a stubbed node:crypto randomBytes; (b) a second implementation,
// written below from docs/protocol.md's wording alone with node:crypto and BigInt, reproduces
// them too, which is what shows the document is enough to implement the protocol from.
import { readFileSync } from 'node:fs';
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deriveSealKeys, open, seal } from '../../../src/main/crypto/aes-cbc-hmac.js';
import { bigIntToBytes, bitLength, byteLength } from '../../../src/main/crypto/bigint.js';
import { decrypt, encrypt, generateKeyPair, randomSubgroupElement, type KeyPair } from '../../../src/main/crypto/elgamal.js';
import { sign, signatureHash, verify } from '../../../src/main/crypto/elgamal-signature.js';
import { encodeFields, type Field } from '../../../src/main/crypto/encoding.js';
import { CryptoEngine } from '../../../src/main/crypto/engine.js';
import { FFDHE2048 } from '../../../src/main/crypto/groups.js';
import { hkdfSha256, hmacSha256, sha256 } from '../../../src/main/crypto/hash.js';
import { BACKENDS } from '../../../src/main/crypto/modexp/select.js';
import {
  ackInput,
  broadcastAad,
  decodeFromDoctor,
  decodeFromPatient,
  deriveBroadcastKeys,
  deriveSessionKey,
  deriveSessionSubkeys,
  encodeDoctorMessage,
  encodeFrame,
  encodePatientMessage,
  exitInput,
  groupIdOf,
  groupKeyAad,
  keyExchangeTranscript,
  keyFingerprint,
  sessionTokenTranscript,
  sessionVerifier,
  type HandshakeContext,
} from '../../../src/main/protocol/index.js';

// ---- Fixed randomness for (a) ------------------------------------------------------------------
const rng = vi.hoisted(() => ({ queue: [] as Uint8Array[] }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const randomBytes = (size: number): Buffer => {
    const next = rng.queue.shift();
    if (next === undefined) return actual.randomBytes(size);
    if (next.length !== size) throw new Error(`fixed randomness: ${size} bytes asked, ${next.length} queued`);
    return Buffer.from(next);
  };
  return { ...actual, randomBytes, default: { ...actual, randomBytes } };
});
afterEach(() => {
  expect(rng.queue, 'every queued random value was consumed').toHaveLength(0);
  rng.queue.length = 0;
});

/**
 * Queues the bytes that make randomBigIntInRange(min, max) (src/main/crypto/bigint.ts: rejection
 * sampling of ceil(bits(max-min-1)/8) bytes, shifted right by the excess bits) return `value`.
 * How the code samples is not part of the protocol; only this helper knows it.
 */
function drawInRange(min: bigint, max: bigint, value: bigint): void {
  const bits = bitLength(max - min - 1n) || 1;
  const bytes = Math.ceil(bits / 8);
  rng.queue.push(Buffer.from(((value - min) << BigInt(bytes * 8 - bits)).toString(16).padStart(bytes * 2, '0'), 'hex'));
}

// ---- The vectors --------------------------------------------------------------------------------
interface Signed { k: string; r: string; signature_hash_input: string; e: string; s: string; rejected_variants: { why: string; r: string; s: string }[] }
interface Identity { id: string; x: string; y: string; y_byte_length: number; fingerprint_input: string; fingerprint: string; fingerprint_if_y_were_at_p_width: string }
interface Token { encryption_k: string; c1: string; c2: string; ts: number; rn: string; transcript: string; signature: Signed; json: string }
interface Handshake {
  group: { name: string; p: string; q: string; g: string; p_byte_width: number; group_id_input: string; group_id: string };
  patient: Identity;
  doctor: Identity;
  op5_patient: { json: string; frame: string };
  op5_doctor: { json: string };
  op10: Token & { sk_v: string; sk: string };
  op20_doctor: Token;
  session_key_input: string;
  session_key: string;
  op20_patient: { ts: number; verifier_input: string; skv: string; json: string };
  subkeys: { group_key_wrap: { info: string; enc_key: string; mac_key: string }; ack_key: { info: string; key: string }; exit_key: { info: string; key: string } };
}
interface Box { iv: string; aad: string; plaintext: string; ciphertext: string; mac_input: string; tag: string; box: string; box_base64: string; json: string }
interface Session {
  patient_id: string;
  session_key: string;
  group_key_wrap: { enc_key: string; mac_key: string };
  ack_key: string;
  exit_key: string;
  op30: Box & { epoch: number; group_key: string };
  broadcast_keys: { info: string; enc_key: string; mac_key: string };
  op40: Box & { epoch: number; seq: number; ts: number; text: string };
  op50: { epoch: number; seq: number; input: string; tag: string; json: string };
  op90: { ts: number; input: string; tag: string; json: string };
}
type TypedField = { type: 'str'; value: string } | { type: 'u64'; value: number } | { type: 'int' | 'elem' | 'bytes'; value: string };
interface Encoding { cases: { fields: TypedField[]; hex: string }[] }

const dir = join(import.meta.dirname, '..', '..', '..', 'docs', 'vectors');
const load = <T>(name: string): T => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
const H = load<Handshake>('handshake-ffdhe2048.json');
const S = load<Session>('session-ffdhe2048.json');
const E = load<Encoding>('encoding.json');

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const int = (h: string): bigint => BigInt('0x' + h);
const big = (n: bigint): string => n.toString(16);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

// ---- (a) the project's code ---------------------------------------------------------------------
describe('docs/vectors: the code reproduces every value', () => {
  const backend = BACKENDS.native;
  const engine = new CryptoEngine(backend);
  const group = FFDHE2048;
  const { p, q, g } = group;
  const patientId = H.patient.id;
  const doctorId = H.doctor.id;
  const pair = (v: Identity): KeyPair => ({ group, x: int(v.x), y: int(v.y) });
  const ctx: HandshakeContext = { patientId, doctorId, p, g, patientY: int(H.patient.y), doctorY: int(H.doctor.y) };
  const freshP = { ts: H.op10.ts, rn: H.op10.rn };
  const freshD = { ts: H.op20_doctor.ts, rn: H.op20_doctor.rn };

  it('group, key pairs, fingerprints and the group id', () => {
    expect([big(p), big(q), big(g)]).toEqual([H.group.p, H.group.q, H.group.g]);
    expect(hex(encodeFields(['medchat/group-id/v1', p, g]))).toBe(H.group.group_id_input);
    expect(groupIdOf(sha256, p, g)).toBe(H.group.group_id);
    for (const who of [H.patient, H.doctor]) {
      drawInRange(1n, q, int(who.x));
      const kp = generateKeyPair(group, backend);
      expect([big(kp.x), big(kp.y)]).toEqual([who.x, who.y]);
      expect(hex(encodeFields(['medchat/fingerprint/v1', p, g, kp.y]))).toBe(who.fingerprint_input);
      expect(keyFingerprint(sha256, p, g, kp.y)).toBe(who.fingerprint);
    }
    expect(H.patient.y_byte_length).toBe(255);
    expect(H.patient.fingerprint).not.toBe(H.patient.fingerprint_if_y_were_at_p_width);
  });

  it('opcode 5 in both directions, and the frame', () => {
    const hello = encodePatientMessage({ op: 5, v: 2, patientId, p, g, y: ctx.patientY });
    expect(text(hello)).toBe(H.op5_patient.json);
    expect(hex(encodeFrame(hello))).toBe(H.op5_patient.frame);
    expect(decodeFromPatient(utf8(H.op5_patient.json))).toEqual({ op: 5, v: 2, patientId, p, g, y: ctx.patientY });
    expect(text(encodeDoctorMessage({ op: 5, v: 2, doctorId, y: ctx.doctorY }))).toBe(H.op5_doctor.json);
    expect(decodeFromDoctor(utf8(H.op5_doctor.json))).toEqual({ op: 5, v: 2, doctorId, y: ctx.doctorY });
  });

  it('opcode 10: SK, its encryption, the transcript and the signature', () => {
    const v = H.op10;
    drawInRange(2n, p - 1n, int(v.sk_v));
    expect(big(randomSubgroupElement(group))).toBe(v.sk);
    drawInRange(1n, q, int(v.encryption_k));
    const ct = encrypt({ group, y: ctx.doctorY }, int(v.sk), backend);
    expect([big(ct.c1), big(ct.c2)]).toEqual([v.c1, v.c2]);
    expect(big(decrypt(pair(H.doctor), ct, backend))).toBe(v.sk);
    const t10 = keyExchangeTranscript(ctx, { ...freshP, ...ct });
    expect(hex(t10)).toBe(v.transcript);
    checkSignature(pair(H.patient), t10, v.signature);
    const m = { op: 10 as const, ts: v.ts, rn: v.rn, patientId, c1: ct.c1, c2: ct.c2, r: int(v.signature.r), s: int(v.signature.s) };
    expect(text(encodePatientMessage(m))).toBe(v.json);
    expect(decodeFromPatient(utf8(v.json))).toEqual(m);
  });

  it("opcode 20 (the doctor's token): re-encryption, transcript, signature", () => {
    const v = H.op20_doctor;
    drawInRange(1n, q, int(v.encryption_k));
    const ct = encrypt({ group, y: ctx.patientY }, int(H.op10.sk), backend);
    expect([big(ct.c1), big(ct.c2)]).toEqual([v.c1, v.c2]);
    expect(big(decrypt(pair(H.patient), ct, backend))).toBe(H.op10.sk);
    const t20 = sessionTokenTranscript(ctx, freshP, { ...freshD, ...ct });
    expect(hex(t20)).toBe(v.transcript);
    checkSignature(pair(H.doctor), t20, v.signature);
    const m = { op: 20 as const, ts: v.ts, rn: v.rn, patientId, c1: ct.c1, c2: ct.c2, r: int(v.signature.r), s: int(v.signature.s) };
    expect(text(encodeDoctorMessage(m))).toBe(v.json);
    expect(decodeFromDoctor(utf8(v.json))).toEqual(m);
  });

  function checkSignature(signer: KeyPair, message: Uint8Array, v: Signed): void {
    const r = int(v.r);
    expect(hex(encodeFields(['medchat/elgamal-sig/v1', message, bigIntToBytes(r, byteLength(p))]))).toBe(v.signature_hash_input);
    expect(big(signatureHash(group, message, r))).toBe(v.e);
    drawInRange(1n, p - 1n, int(v.k));
    const sig = sign(signer, message, backend);
    expect([big(sig.r), big(sig.s)]).toEqual([v.r, v.s]);
    expect(verify(signer, message, sig, backend)).toBe(true);
    for (const bad of v.rejected_variants) expect(verify(signer, message, { r: int(bad.r), s: int(bad.s) }, backend), bad.why).toBe(false);
  }

  it('session key, verifier (opcode 20 from the patient) and subkeys', () => {
    const K = deriveSessionKey(sha256, ctx, int(H.op10.sk), freshP, freshD);
    expect(hex(sha256(bytes(H.session_key_input)))).toBe(H.session_key);
    expect(hex(K)).toBe(H.session_key);
    const v = H.op20_patient;
    expect(hex(encodeFields(['medchat/session-verifier/v1', K, v.ts]))).toBe(v.verifier_input);
    expect(hex(sessionVerifier(sha256, K, v.ts))).toBe(v.skv);
    expect(text(encodePatientMessage({ op: 20, ts: v.ts, skv: v.skv }))).toBe(v.json);
    const sub = deriveSessionSubkeys(engine, K);
    const w = H.subkeys;
    expect([hex(sub.groupKeyWrap.encKey), hex(sub.groupKeyWrap.macKey), hex(sub.ackKey), hex(sub.exitKey)]).toEqual([
      w.group_key_wrap.enc_key,
      w.group_key_wrap.mac_key,
      w.ack_key.key,
      w.exit_key.key,
    ]);
    expect(hex(hkdfSha256(K, undefined, bytes(w.group_key_wrap.info), 64))).toBe(w.group_key_wrap.enc_key + w.group_key_wrap.mac_key);
    expect(hex(hkdfSha256(K, undefined, bytes(w.ack_key.info), 32))).toBe(w.ack_key.key);
    expect(hex(hkdfSha256(K, undefined, bytes(w.exit_key.info), 32))).toBe(w.exit_key.key);
    expect([S.session_key, S.group_key_wrap, S.ack_key, S.exit_key]).toEqual([
      H.session_key,
      { enc_key: w.group_key_wrap.enc_key, mac_key: w.group_key_wrap.mac_key },
      w.ack_key.key,
      w.exit_key.key,
    ]);
  });

  const keys = (k: { enc_key: string; mac_key: string }) => ({ encKey: bytes(k.enc_key), macKey: bytes(k.mac_key) });

  it('opcode 30: the group key box', () => {
    const v = S.op30;
    const aad = groupKeyAad(S.patient_id, v.epoch);
    expect(hex(aad)).toBe(v.aad);
    expect(hex(encodeFields([aad, bytes(v.iv), bytes(v.ciphertext)]))).toBe(v.mac_input);
    expect(hex(hmacSha256(bytes(S.group_key_wrap.mac_key), bytes(v.mac_input)))).toBe(v.tag);
    rng.queue.push(bytes(v.iv));
    const box = seal(keys(S.group_key_wrap), bytes(v.group_key), aad);
    expect(hex(box)).toBe(v.box);
    expect(hex(open(keys(S.group_key_wrap), box, aad))).toBe(v.group_key);
    const m = { op: 30 as const, epoch: v.epoch, box };
    expect(text(encodeDoctorMessage(m))).toBe(v.json);
    expect(decodeFromDoctor(utf8(v.json))).toEqual(m);
  });

  it('opcode 40: broadcast keys and the broadcast box', () => {
    const v = S.op40;
    const bk = deriveBroadcastKeys(engine, bytes(S.op30.group_key));
    expect([hex(bk.encKey), hex(bk.macKey)]).toEqual([S.broadcast_keys.enc_key, S.broadcast_keys.mac_key]);
    expect(deriveSealKeys(bytes(S.op30.group_key), 'op40 broadcast')).toEqual(bk);
    expect(hex(hkdfSha256(bytes(S.op30.group_key), undefined, bytes(S.broadcast_keys.info), 64))).toBe(S.broadcast_keys.enc_key + S.broadcast_keys.mac_key);
    const aad = broadcastAad(v.epoch, v.seq, v.ts);
    expect(hex(aad)).toBe(v.aad);
    expect(hex(utf8(v.text))).toBe(v.plaintext);
    rng.queue.push(bytes(v.iv));
    const box = seal(bk, utf8(v.text), aad);
    expect(hex(box)).toBe(v.box);
    expect(text(open(bk, box, aad))).toBe(v.text);
    const m = { op: 40 as const, epoch: v.epoch, seq: v.seq, ts: v.ts, box };
    expect(text(encodeDoctorMessage(m))).toBe(v.json);
    expect(decodeFromDoctor(utf8(v.json))).toEqual(m);
  });

  it('opcode 50 and 90: acknowledgement and exit tags', () => {
    const a = S.op50;
    expect(hex(ackInput(S.patient_id, a.epoch, a.seq))).toBe(a.input);
    expect(hex(hmacSha256(bytes(S.ack_key), ackInput(S.patient_id, a.epoch, a.seq)))).toBe(a.tag);
    expect(text(encodePatientMessage({ op: 50, epoch: a.epoch, seq: a.seq, tag: a.tag }))).toBe(a.json);
    const x = S.op90;
    expect(hex(exitInput(S.patient_id, x.ts))).toBe(x.input);
    expect(hex(hmacSha256(bytes(S.exit_key), exitInput(S.patient_id, x.ts)))).toBe(x.tag);
    expect(text(encodePatientMessage({ op: 90, patientId: S.patient_id, ts: x.ts, tag: x.tag }))).toBe(x.json);
  });

  it('encode(...) by itself', () => {
    const width = H.group.p_byte_width;
    const field = (f: TypedField): Field =>
      f.type === 'u64' ? f.value
      : f.type === 'str' ? f.value
      : f.type === 'int' ? int(f.value)
      : f.type === 'elem' ? bytes(f.value.padStart(width * 2, '0'))
      : bytes(f.value);
    for (const c of E.cases) expect(hex(encodeFields(c.fields.map(field)))).toBe(c.hex);
  });
});

// ---- (b) a second implementation, from docs/protocol.md alone ----------------------------------
// Nothing below imports the project: node:crypto for SHA-256, HMAC, HKDF and AES, BigInt for the
// group arithmetic, and the document's wording for every encoding.
describe('docs/vectors: an implementation written from docs/protocol.md reproduces every value', () => {
  const p = int(H.group.p);
  const g = int(H.group.g);
  const q = (p - 1n) / 2n;
  const W = Math.ceil(p.toString(2).length / 8); // "the byte width of p"

  const be = (n: bigint, len: number): Buffer => Buffer.from(n.toString(16).padStart(len * 2, '0'), 'hex');
  const minimal = (n: bigint): Buffer => {
    const h = n.toString(16);
    return Buffer.from(h.length % 2 ? '0' + h : h, 'hex'); // at least one byte: 0 is 00
  };
  type F = ['str', string] | ['bytes', Uint8Array] | ['u64', number] | ['int', bigint] | ['elem', bigint];
  /** encode(): per field a 4-byte big-endian length, then the field's bytes by its type. */
  const encode = (...fields: F[]): Buffer =>
    Buffer.concat(
      fields.flatMap(([type, value]) => {
        const b =
          type === 'str' ? Buffer.from(value, 'utf8')
          : type === 'bytes' ? Buffer.from(value)
          : type === 'u64' ? be(BigInt(value), 8)
          : type === 'int' ? minimal(value)
          : be(value, W);
        const len = Buffer.alloc(4);
        len.writeUInt32BE(b.length);
        return [len, b];
      }),
    );
  const sha = (d: Uint8Array): Buffer => createHash('sha256').update(d).digest();
  const hmac = (k: Uint8Array, d: Uint8Array): Buffer => createHmac('sha256', k).update(d).digest();
  const hkdf = (ikm: Uint8Array, info: Uint8Array, len: number): Buffer => Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(32), info, len));
  const powMod = (b: bigint, e: bigint, m: bigint): bigint => {
    let r = 1n;
    b %= m;
    for (; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
    return r;
  };
  const pow = (b: bigint, e: bigint): bigint => powMod(b, e, p);
  const inv = (a: bigint): bigint => powMod(a, q - 2n, q); // q is prime: Fermat
  const modq = (a: bigint): bigint => ((a % q) + q) % q;
  const inSubgroup = (v: bigint): boolean => v > 1n && v < p - 1n && pow(v, q) === 1n;

  const ids = { patient: H.patient.id, doctor: H.doctor.id };
  const x = { patient: int(H.patient.x), doctor: int(H.doctor.x) };
  const y = { patient: pow(g, x.patient), doctor: pow(g, x.doctor) };
  const ctx: F[] = [['str', ids.patient], ['str', ids.doctor], ['int', p], ['int', g], ['elem', y.patient], ['elem', y.doctor]];

  const fingerprint = (yy: bigint): string => {
    const d = sha(encode(['str', 'medchat/fingerprint/v1'], ['int', p], ['int', g], ['int', yy]));
    return [0, 1, 2, 3, 4, 5].map((i) => String(Number(BigInt('0x' + d.subarray(5 * i, 5 * i + 5).toString('hex')) % 100000n)).padStart(5, '0')).join(' ');
  };
  const signWithK = (xx: bigint, m: Uint8Array, k: bigint) => {
    const r = pow(g, k);
    const e = BigInt('0x' + sha(encode(['str', 'medchat/elgamal-sig/v1'], ['bytes', m], ['elem', r])).toString('hex'));
    return { r, e, s: modq((e - xx * r) * inv(k % q)) };
  };
  const verifySig = (yy: bigint, m: Uint8Array, r: bigint, s: bigint): boolean => {
    if (!(r > 0n && r < p) || !(s > 0n && s < q) || !inSubgroup(r) || !inSubgroup(yy)) return false;
    const e = BigInt('0x' + sha(encode(['str', 'medchat/elgamal-sig/v1'], ['bytes', m], ['elem', r])).toString('hex'));
    return pow(g, e) === (pow(yy, r) * pow(r, s)) % p;
  };
  const json = (fields: [string, string | number][]): string =>
    '{' + fields.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',') + '}';
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
  const sealWith = (enc: Uint8Array, mac: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, iv: Uint8Array) => {
    const c = createCipheriv('aes-256-cbc', enc, iv);
    const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
    const tag = hmac(mac, encode(['bytes', aad], ['bytes', iv], ['bytes', ciphertext]));
    return { ciphertext, tag, box: Buffer.concat([iv, ciphertext, tag]) };
  };
  const openWith = (enc: Uint8Array, mac: Uint8Array, box: Uint8Array, aad: Uint8Array): Buffer => {
    const n = box.length - 48;
    if (n <= 0 || n % 16 !== 0) throw new Error('bad length');
    const iv = box.subarray(0, 16);
    const ciphertext = box.subarray(16, 16 + n);
    if (!timingSafeEqual(box.subarray(16 + n), hmac(mac, encode(['bytes', aad], ['bytes', iv], ['bytes', ciphertext])))) throw new Error('bad tag');
    const d = createDecipheriv('aes-256-cbc', enc, iv);
    return Buffer.concat([d.update(ciphertext), d.final()]);
  };

  // The handshake, from its inputs only.
  const ts_p = H.op10.ts;
  const rn_p = H.op10.rn;
  const ts_d = H.op20_doctor.ts;
  const rn_d = H.op20_doctor.rn;
  const v = int(H.op10.sk_v);
  const SK = (v * v) % p;
  const k10 = int(H.op10.encryption_k);
  const c10 = { c1: pow(g, k10), c2: (SK * pow(y.doctor, k10)) % p };
  const T10 = encode(['str', 'medchat/op10/v1'], ...ctx, ['u64', ts_p], ['str', rn_p], ['elem', c10.c1], ['elem', c10.c2]);
  const sig10 = signWithK(x.patient, T10, int(H.op10.signature.k));
  const k20 = int(H.op20_doctor.encryption_k);
  const c20 = { c1: pow(g, k20), c2: (SK * pow(y.patient, k20)) % p };
  const T20 = encode(['str', 'medchat/op20/v1'], ...ctx, ['u64', ts_p], ['str', rn_p], ['u64', ts_d], ['str', rn_d], ['elem', c20.c1], ['elem', c20.c2]);
  const sig20 = signWithK(x.doctor, T20, int(H.op20_doctor.signature.k));
  const K = sha(encode(['str', 'medchat/session-key/v1'], ['elem', SK], ['u64', ts_p], ['str', rn_p], ['u64', ts_d], ['str', rn_d], ...ctx));
  const ts_v = H.op20_patient.ts;
  const skv = sha(encode(['str', 'medchat/session-verifier/v1'], ['bytes', K], ['u64', ts_v]));
  const wrap = hkdf(K, encode(['str', 'medchat/hkdf/v2'], ['str', 'op30 group key']), 64);
  const ackKey = hkdf(K, encode(['str', 'medchat/hkdf/v2'], ['str', 'op50 ack']), 32);
  const exitKey = hkdf(K, encode(['str', 'medchat/hkdf/v2'], ['str', 'op90 exit']), 32);

  it('keys, fingerprints and the group id', () => {
    expect([big(y.patient), big(y.doctor)]).toEqual([H.patient.y, H.doctor.y]);
    expect([fingerprint(y.patient), fingerprint(y.doctor)]).toEqual([H.patient.fingerprint, H.doctor.fingerprint]);
    expect(sha(encode(['str', 'medchat/group-id/v1'], ['int', p], ['int', g])).subarray(0, 16).toString('hex')).toBe(H.group.group_id);
    expect([inSubgroup(y.patient), inSubgroup(y.doctor)]).toEqual([true, true]);
  });

  it('the four handshake messages as JSON', () => {
    expect(json([['op', 5], ['v', 2], ['patientId', ids.patient], ['p', big(p)], ['g', big(g)], ['y', big(y.patient)]])).toBe(H.op5_patient.json);
    const body = Buffer.from(H.op5_patient.json, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    expect(Buffer.concat([len, body]).toString('hex')).toBe(H.op5_patient.frame);
    expect(json([['op', 5], ['v', 2], ['doctorId', ids.doctor], ['y', big(y.doctor)]])).toBe(H.op5_doctor.json);
    const token = (op: number, ts: number, rn: string, c: { c1: bigint; c2: bigint }, s: { r: bigint; s: bigint }) =>
      json([['op', op], ['ts', ts], ['rn', rn], ['patientId', ids.patient], ['c1', big(c.c1)], ['c2', big(c.c2)], ['r', big(s.r)], ['s', big(s.s)]]);
    expect(token(10, ts_p, rn_p, c10, sig10)).toBe(H.op10.json);
    expect(token(20, ts_d, rn_d, c20, sig20)).toBe(H.op20_doctor.json);
    expect(json([['op', 20], ['ts', ts_v], ['skv', skv.toString('hex')]])).toBe(H.op20_patient.json);
  });

  it('SK, both encryptions and decryptions, both transcripts and signatures', () => {
    expect(big(SK)).toBe(H.op10.sk);
    expect([big(c10.c1), big(c10.c2), big(c20.c1), big(c20.c2)]).toEqual([H.op10.c1, H.op10.c2, H.op20_doctor.c1, H.op20_doctor.c2]);
    expect([c10.c1, c10.c2, c20.c1, c20.c2].every(inSubgroup)).toBe(true);
    expect((c10.c2 * pow(c10.c1, q - x.doctor)) % p).toBe(SK);
    expect((c20.c2 * pow(c20.c1, q - x.patient)) % p).toBe(SK);
    expect(T10.toString('hex')).toBe(H.op10.transcript);
    expect(T20.toString('hex')).toBe(H.op20_doctor.transcript);
    for (const [sig, vec, yy, T] of [[sig10, H.op10.signature, y.patient, T10], [sig20, H.op20_doctor.signature, y.doctor, T20]] as const) {
      expect([big(sig.r), big(sig.e), big(sig.s)]).toEqual([vec.r, vec.e, vec.s]);
      expect(encode(['str', 'medchat/elgamal-sig/v1'], ['bytes', T], ['elem', sig.r]).toString('hex')).toBe(vec.signature_hash_input);
      expect(verifySig(yy, T, sig.r, sig.s)).toBe(true);
      for (const bad of vec.rejected_variants) expect(verifySig(yy, T, int(bad.r), int(bad.s)), bad.why).toBe(false);
    }
  });

  it('session key, verifier and subkeys', () => {
    expect(K.toString('hex')).toBe(H.session_key);
    expect(skv.toString('hex')).toBe(H.op20_patient.skv);
    expect([wrap.subarray(0, 32).toString('hex'), wrap.subarray(32).toString('hex'), ackKey.toString('hex'), exitKey.toString('hex')]).toEqual([
      H.subkeys.group_key_wrap.enc_key,
      H.subkeys.group_key_wrap.mac_key,
      H.subkeys.ack_key.key,
      H.subkeys.exit_key.key,
    ]);
  });

  it('opcodes 30, 40, 50 and 90', () => {
    const G = bytes(S.op30.group_key);
    const aad30 = encode(['str', 'medchat/op30/v1'], ['str', ids.patient], ['u64', S.op30.epoch]);
    const box30 = sealWith(wrap.subarray(0, 32), wrap.subarray(32), G, aad30, bytes(S.op30.iv));
    expect([aad30.toString('hex'), box30.ciphertext.toString('hex'), box30.tag.toString('hex'), box30.box.toString('hex')]).toEqual([S.op30.aad, S.op30.ciphertext, S.op30.tag, S.op30.box]);
    expect(box30.box).toHaveLength(96);
    expect(openWith(wrap.subarray(0, 32), wrap.subarray(32), box30.box, aad30).toString('hex')).toBe(S.op30.group_key);
    expect(json([['op', 30], ['epoch', S.op30.epoch], ['box', b64(box30.box)]])).toBe(S.op30.json);

    const bk = hkdf(G, encode(['str', 'medchat/hkdf/v2'], ['str', 'op40 broadcast']), 64);
    expect([bk.subarray(0, 32).toString('hex'), bk.subarray(32).toString('hex')]).toEqual([S.broadcast_keys.enc_key, S.broadcast_keys.mac_key]);
    const b = S.op40;
    const aad40 = encode(['str', 'medchat/op40/v1'], ['u64', b.epoch], ['u64', b.seq], ['u64', b.ts]);
    const box40 = sealWith(bk.subarray(0, 32), bk.subarray(32), Buffer.from(b.text, 'utf8'), aad40, bytes(b.iv));
    expect([aad40.toString('hex'), box40.box.toString('hex')]).toEqual([b.aad, b.box]);
    expect(openWith(bk.subarray(0, 32), bk.subarray(32), Buffer.from(b.box_base64, 'base64'), aad40).toString('utf8')).toBe(b.text);
    expect(json([['op', 40], ['epoch', b.epoch], ['seq', b.seq], ['ts', b.ts], ['box', b64(box40.box)]])).toBe(b.json);

    const ack = hmac(ackKey, encode(['str', 'medchat/op50/v1'], ['str', ids.patient], ['u64', S.op50.epoch], ['u64', S.op50.seq])).toString('hex');
    expect(ack).toBe(S.op50.tag);
    expect(json([['op', 50], ['epoch', S.op50.epoch], ['seq', S.op50.seq], ['tag', ack]])).toBe(S.op50.json);
    const exit = hmac(exitKey, encode(['str', 'medchat/op90/v1'], ['str', ids.patient], ['u64', S.op90.ts])).toString('hex');
    expect(exit).toBe(S.op90.tag);
    expect(json([['op', 90], ['patientId', ids.patient], ['ts', S.op90.ts], ['tag', exit]])).toBe(S.op90.json);
  });

  it('encode(...) by itself', () => {
    const field = (f: TypedField): F =>
      f.type === 'u64' ? ['u64', f.value]
      : f.type === 'str' ? ['str', f.value]
      : f.type === 'int' ? ['int', int(f.value)]
      : f.type === 'elem' ? ['elem', int(f.value)]
      : ['bytes', bytes(f.value)];
    for (const c of E.cases) expect(encode(...c.fields.map(field)).toString('hex')).toBe(c.hex);
  });
});

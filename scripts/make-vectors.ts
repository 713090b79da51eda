// Writes docs/vectors/*.json: a whole handshake over ffdhe2048 and one admitted session (opcodes
// 30, 40, 50, 90), with every "random" input fixed (derived by HKDF from a label), computed by the
// project's own functions wherever they take their inputs explicitly; the few that draw their own
// randomness (key generation, encryption, signing, sealing) are recomputed here from their formulas
// and checked against the real functions by tests/main/protocol/vectors.test.ts.
//
//   node --import tsx scripts/make-vectors.ts
import { hkdfSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aes256CbcEncrypt } from '../src/main/crypto/aes-cbc-hmac.js';
import { bigIntToBytes, byteLength, bytesToBigInt, mod, modInverse } from '../src/main/crypto/bigint.js';
import { decrypt, type KeyPair } from '../src/main/crypto/elgamal.js';
import { signatureHash } from '../src/main/crypto/elgamal-signature.js';
import { encodeFields } from '../src/main/crypto/encoding.js';
import { CryptoEngine } from '../src/main/crypto/engine.js';
import { FFDHE2048 } from '../src/main/crypto/groups.js';
import { hmacSha256, sha256 } from '../src/main/crypto/hash.js';
import { BACKENDS } from '../src/main/crypto/modexp/select.js';
import {
  ackInput,
  broadcastAad,
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
} from '../src/main/protocol/index.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'vectors');
const backend = BACKENDS.native;
const engine = new CryptoEngine(backend);
const group = FFDHE2048;
const { p, q, g } = group;
const width = byteLength(p);
const modPow = (b: bigint, e: bigint): bigint => backend.modPow(b, e, p);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const big = (n: bigint): string => n.toString(16);
const text = new TextDecoder();

/** Fixed "randomness": HKDF-SHA-256 of a label, so every value can be regenerated. */
function fixed(label: string, length: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', 'medchat test vectors', new Uint8Array(0), label, length));
}
const fixedInt = (label: string, min: bigint, max: bigint): bigint => min + mod(bytesToBigInt(fixed(label, width)), max - min);

function keyPair(label: string, shortY: boolean): KeyPair {
  for (let i = 0; ; i++) {
    const x = fixedInt(`${label} ${i}`, 1n, q);
    const y = modPow(g, x);
    if ((byteLength(y) < width) === shortY) return { group, x, y };
  }
}

/** A signing nonce: a unit mod p-1 (odd, not a multiple of q), as sign() draws it. */
function signingK(label: string): bigint {
  for (let i = 0; ; i++) {
    const k = fixedInt(`${label} ${i}`, 1n, p - 1n);
    if ((k & 1n) === 1n && k % q !== 0n) return k;
  }
}

function signWithK(pair: KeyPair, message: Uint8Array, k: bigint): { r: bigint; s: bigint; e: bigint; hashInput: Uint8Array } {
  const r = modPow(g, k);
  const e = signatureHash(group, message, r);
  const s = mod((e - pair.x * r) * modInverse(k % q, q), q);
  if (s === 0n) throw new Error('s = 0: pick another k');
  return { r, s, e, hashInput: encodeFields(['medchat/elgamal-sig/v1', message, bigIntToBytes(r, width)]) };
}

function encryptWithK(y: bigint, m: bigint, k: bigint): { c1: bigint; c2: bigint } {
  return { c1: modPow(g, k), c2: (m * modPow(y, k)) % p };
}

function sealWithIv(keys: { encKey: Uint8Array; macKey: Uint8Array }, plaintext: Uint8Array, aad: Uint8Array, iv: Uint8Array) {
  const ciphertext = aes256CbcEncrypt(keys.encKey, iv, plaintext);
  const macInput = encodeFields([aad, iv, ciphertext]);
  const tag = hmacSha256(keys.macKey, macInput);
  const box = new Uint8Array([...iv, ...ciphertext, ...tag]);
  return { iv: hex(iv), aad: hex(aad), ciphertext: hex(ciphertext), mac_input: hex(macInput), tag: hex(tag), box: hex(box), box_base64: Buffer.from(box).toString('base64') };
}

const fingerprintAtPWidth = (y: bigint): string => {
  const d = sha256(encodeFields(['medchat/fingerprint/v1', p, g, bigIntToBytes(y, width)]));
  return Array.from({ length: 6 }, (_, i) => String(Number(bytesToBigInt(d.subarray(5 * i, 5 * i + 5)) % 100000n)).padStart(5, '0')).join(' ');
};

// --- Identities -------------------------------------------------------------------------------
const patientId = 'alice';
const doctorId = 'dr.ada@clinic-1';
// The patient's y is one of the ~1/256 keys one byte shorter than p: it shows the fingerprint's
// minimal-width y (a known irregularity); the doctor's y is full width.
const patient = keyPair('patient x', true);
const doctor = keyPair('doctor x', false);
const ctx: HandshakeContext = { patientId, doctorId, p, g, patientY: patient.y, doctorY: doctor.y };

function identity(id: string, pair: KeyPair) {
  return {
    id,
    x: big(pair.x),
    y: big(pair.y),
    y_byte_length: byteLength(pair.y),
    fingerprint_input: hex(encodeFields(['medchat/fingerprint/v1', p, g, pair.y])),
    fingerprint: keyFingerprint(sha256, p, g, pair.y),
    fingerprint_if_y_were_at_p_width: fingerprintAtPWidth(pair.y),
  };
}

// --- Opcode 5 ---------------------------------------------------------------------------------
const hello = encodePatientMessage({ op: 5, v: 2, patientId, p, g, y: patient.y });
const helloReply = encodeDoctorMessage({ op: 5, v: 2, doctorId, y: doctor.y });

// --- Opcode 10 (patient) ----------------------------------------------------------------------
const skV = fixedInt('sk v', 2n, p - 1n);
const sk = (skV * skV) % p;
const kEncP = fixedInt('patient encryption k', 1n, q);
const mineP = { ts: 1767225600000, rn: hex(fixed('patient rn', 16)) };
const ct10 = encryptWithK(doctor.y, sk, kEncP);
const t10 = keyExchangeTranscript(ctx, { ...mineP, ...ct10 });
const kSigP = signingK('patient signing k');
const sig10 = signWithK(patient, t10, kSigP);
if (decrypt(doctor, ct10, backend) !== sk) throw new Error('op10 does not decrypt to SK');
const op10 = encodePatientMessage({ op: 10, ...mineP, patientId, ...ct10, r: sig10.r, s: sig10.s });

// --- Opcode 20 (doctor) -----------------------------------------------------------------------
const kEncD = fixedInt('doctor encryption k', 1n, q);
const mineD = { ts: 1767225600250, rn: hex(fixed('doctor rn', 16)) };
const ct20 = encryptWithK(patient.y, sk, kEncD);
const t20 = sessionTokenTranscript(ctx, mineP, { ...mineD, ...ct20 });
const kSigD = signingK('doctor signing k');
const sig20 = signWithK(doctor, t20, kSigD);
if (decrypt(patient, ct20, backend) !== sk) throw new Error('op20 does not decrypt to SK');
const op20d = encodeDoctorMessage({ op: 20, ...mineD, patientId, ...ct20, r: sig20.r, s: sig20.s });

// --- Session key, verifier (opcode 20 from the patient), subkeys ------------------------------
const sessionKeyInput = encodeFields(['medchat/session-key/v1', bigIntToBytes(sk, width), mineP.ts, mineP.rn, mineD.ts, mineD.rn, patientId, doctorId, p, g, bigIntToBytes(patient.y, width), bigIntToBytes(doctor.y, width)]);
const K = deriveSessionKey(sha256, ctx, sk, mineP, mineD);
if (hex(sha256(sessionKeyInput)) !== hex(K)) throw new Error('session key input');
const tsV = 1767225600400;
const skv = sessionVerifier(sha256, K, tsV);
const op20p = encodePatientMessage({ op: 20, ts: tsV, skv: hex(skv) });
const sub = deriveSessionSubkeys(engine, K);
const hkdfInfo = (purpose: string): Uint8Array => encodeFields(['medchat/hkdf/v2', purpose]);

const signatureOf = (k: bigint, sig: ReturnType<typeof signWithK>) => ({
  k: big(k),
  r: big(sig.r),
  signature_hash_input: hex(sig.hashInput),
  e: big(sig.e),
  s: big(sig.s),
  rejected_variants: [
    { why: 's + q verifies the equation but s must be below q', r: big(sig.r), s: big(sig.s + q) },
    { why: 's = 0', r: big(sig.r), s: '0' },
    { why: 'r = p - r is not in the subgroup', r: big(p - sig.r), s: big(sig.s) },
  ],
});

const handshake = {
  description:
    'A whole MedChatSecure handshake over ffdhe2048 with fixed randomness (docs/protocol.md). Bigints are minimal lower-case hex ' +
    '(as on the wire), bytes lower-case hex, times ms since 1970. "json" is the exact frame body (UTF-8) the code sends.',
  group: { name: 'ffdhe2048', p: big(p), q: big(q), g: big(g), p_byte_width: width, group_id_input: hex(encodeFields(['medchat/group-id/v1', p, g])), group_id: groupIdOf(sha256, p, g) },
  patient: identity(patientId, patient),
  doctor: identity(doctorId, doctor),
  op5_patient: { json: text.decode(hello), frame: hex(encodeFrame(hello)) },
  op5_doctor: { json: text.decode(helloReply) },
  op10: {
    sk_v: big(skV),
    sk: big(sk),
    encryption_k: big(kEncP),
    c1: big(ct10.c1),
    c2: big(ct10.c2),
    ts: mineP.ts,
    rn: mineP.rn,
    transcript: hex(t10),
    signature: signatureOf(kSigP, sig10),
    json: text.decode(op10),
  },
  op20_doctor: {
    encryption_k: big(kEncD),
    c1: big(ct20.c1),
    c2: big(ct20.c2),
    ts: mineD.ts,
    rn: mineD.rn,
    transcript: hex(t20),
    signature: signatureOf(kSigD, sig20),
    json: text.decode(op20d),
  },
  session_key_input: hex(sessionKeyInput),
  session_key: hex(K),
  op20_patient: { ts: tsV, verifier_input: hex(encodeFields(['medchat/session-verifier/v1', K, tsV])), skv: hex(skv), json: text.decode(op20p) },
  subkeys: {
    group_key_wrap: { info: hex(hkdfInfo('op30 group key')), enc_key: hex(sub.groupKeyWrap.encKey), mac_key: hex(sub.groupKeyWrap.macKey) },
    ack_key: { info: hex(hkdfInfo('op50 ack')), key: hex(sub.ackKey) },
    exit_key: { info: hex(hkdfInfo('op90 exit')), key: hex(sub.exitKey) },
  },
};

// --- The admitted session ---------------------------------------------------------------------
const epoch = 3;
const groupKey = fixed('group key', 32);
const box30 = sealWithIv(sub.groupKeyWrap, groupKey, groupKeyAad(patientId, epoch), fixed('op30 iv', 16));
const op30 = encodeDoctorMessage({ op: 30, epoch, box: Buffer.from(box30.box, 'hex') });
const bk = deriveBroadcastKeys(engine, groupKey);
const seq = 12;
const ts40 = 1767225601000;
const message = 'Bonjour à tous — consultation at 14:00 ✓';
const box40 = sealWithIv(bk, new TextEncoder().encode(message), broadcastAad(epoch, seq, ts40), fixed('op40 iv', 16));
const op40 = encodeDoctorMessage({ op: 40, epoch, seq, ts: ts40, box: Buffer.from(box40.box, 'hex') });
const ack = ackInput(patientId, epoch, seq);
const ackTag = hmacSha256(sub.ackKey, ack);
const op50 = encodePatientMessage({ op: 50, epoch, seq, tag: hex(ackTag) });
const ts90 = 1767225660000;
const exit = exitInput(patientId, ts90);
const exitTag = hmacSha256(sub.exitKey, exit);
const op90 = encodePatientMessage({ op: 90, patientId, ts: ts90, tag: hex(exitTag) });

const session = {
  description:
    'The admitted session that follows handshake-ffdhe2048.json: a group key box (opcode 30), a broadcast (40), its acknowledgement (50) ' +
    'and the exit notice (90). The keys are repeated from the handshake file so this one stands alone.',
  patient_id: patientId,
  session_key: hex(K),
  group_key_wrap: { enc_key: hex(sub.groupKeyWrap.encKey), mac_key: hex(sub.groupKeyWrap.macKey) },
  ack_key: hex(sub.ackKey),
  exit_key: hex(sub.exitKey),
  op30: { epoch, group_key: hex(groupKey), plaintext: hex(groupKey), ...box30, json: text.decode(op30) },
  broadcast_keys: { info: hex(hkdfInfo('op40 broadcast')), enc_key: hex(bk.encKey), mac_key: hex(bk.macKey) },
  op40: { epoch, seq, ts: ts40, text: message, plaintext: hex(new TextEncoder().encode(message)), ...box40, json: text.decode(op40) },
  op50: { epoch, seq, input: hex(ack), tag: hex(ackTag), json: text.decode(op50) },
  op90: { ts: ts90, input: hex(exit), tag: hex(exitTag), json: text.decode(op90) },
};

// --- encode() by itself -----------------------------------------------------------------------
type Typed = { type: 'str'; value: string } | { type: 'u64'; value: number } | { type: 'int'; value: string } | { type: 'elem'; value: string } | { type: 'bytes'; value: string };
function fieldOf(f: Typed): Uint8Array | string | bigint | number {
  switch (f.type) {
    case 'str': return f.value;
    case 'u64': return f.value;
    case 'int': return BigInt('0x' + f.value);
    case 'elem': return bigIntToBytes(BigInt('0x' + f.value), width);
    case 'bytes': return Buffer.from(f.value, 'hex');
  }
}
const encodingCases: { fields: Typed[] }[] = [
  { fields: [{ type: 'str', value: 'medchat/op90/v1' }, { type: 'str', value: 'alice' }, { type: 'u64', value: 1767225660000 }] },
  { fields: [{ type: 'u64', value: 0 }, { type: 'u64', value: 1 }, { type: 'u64', value: 9007199254740991 }] },
  { fields: [{ type: 'int', value: '0' }, { type: 'int', value: '2' }, { type: 'int', value: '100' }, { type: 'int', value: 'ffff' }] },
  { fields: [{ type: 'elem', value: '2' }] },
  { fields: [{ type: 'str', value: 'é✓' }, { type: 'bytes', value: '' }, { type: 'bytes', value: '00ff' }] },
];
const encoding = {
  description: 'encode(...) by itself (docs/protocol.md, "The canonical encoding"). elem is at the width of ffdhe2048 p (256 bytes); int, minimal (at least one byte).',
  cases: encodingCases.map((c) => ({ ...c, hex: hex(encodeFields(c.fields.map(fieldOf))) })),
};

mkdirSync(out, { recursive: true });
for (const [name, value] of Object.entries({ 'handshake-ffdhe2048': handshake, 'session-ffdhe2048': session, encoding })) {
  writeFileSync(join(out, `${name}.json`), JSON.stringify(value, null, 2) + '\n');
}
console.log(`wrote ${out}: handshake-ffdhe2048.json, session-ffdhe2048.json, encoding.json`);

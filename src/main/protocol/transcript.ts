/**
 * Canonical encodings of everything the handshake signs or hashes. Each is a length-prefixed
 * field list (crypto/encoding.ts) opening with a label naming its purpose and version, and each
 * binds both ids, the group and both public keys, so a signature or hash made for one message,
 * session or peer is useless for any other.
 */
import { HKDF_LABEL, bigIntToBytes, byteLength, encodeFields, type Field, type SealKeys } from '../crypto/index.js';

export type Hash = (data: Uint8Array) => Uint8Array;

export interface HandshakeContext {
  patientId: string;
  doctorId: string;
  p: bigint;
  g: bigint;
  patientY: bigint;
  doctorY: bigint;
}

export interface Freshness {
  ts: number;
  rn: string;
}

export interface EncryptedSecret extends Freshness {
  c1: bigint;
  c2: bigint;
}

/** Group elements at the modulus' full width, so equal values always encode alike. */
function element(ctx: HandshakeContext, v: bigint): Uint8Array {
  return bigIntToBytes(v, byteLength(ctx.p));
}

function contextFields(ctx: HandshakeContext): Field[] {
  return [ctx.patientId, ctx.doctorId, ctx.p, ctx.g, element(ctx, ctx.patientY), element(ctx, ctx.doctorY)];
}

/** Opcode 10, signed by the patient: ts, rn, ids, group, both keys, c1, c2. */
export function keyExchangeTranscript(ctx: HandshakeContext, m: EncryptedSecret): Uint8Array {
  return encodeFields(['medchat/op10/v1', ...contextFields(ctx), m.ts, m.rn, element(ctx, m.c1), element(ctx, m.c2)]);
}

/** Opcode 20, signed by the doctor; also binds the patient's ts and nonce (answers that request only). */
export function sessionTokenTranscript(ctx: HandshakeContext, patient: Freshness, m: EncryptedSecret): Uint8Array {
  return encodeFields([
    'medchat/op20/v1',
    ...contextFields(ctx),
    patient.ts,
    patient.rn,
    m.ts,
    m.rn,
    element(ctx, m.c1),
    element(ctx, m.c2),
  ]);
}

/** Session key = H(SK, both timestamps and nonces, ids, group, keys). */
export function deriveSessionKey(hash: Hash, ctx: HandshakeContext, sk: bigint, patient: Freshness, doctor: Freshness): Uint8Array {
  return hash(
    encodeFields(['medchat/session-key/v1', element(ctx, sk), patient.ts, patient.rn, doctor.ts, doctor.rn, ...contextFields(ctx)]),
  );
}

/** The patient's proof of the session key: SKV = H(session key, fresh ts). */
export function sessionVerifier(hash: Hash, sessionKey: Uint8Array, ts: number): Uint8Array {
  return hash(encodeFields(['medchat/session-verifier/v1', sessionKey, ts]));
}

/** What deriving keys takes: the engine's timed HKDF and seal-key derivation (CryptoEngine). */
export interface KeyDeriver {
  deriveSealKeys(secret: Uint8Array, context: string): SealKeys;
  hkdf(ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array, length: number): Uint8Array;
}

export interface SessionSubkeys {
  /** Wraps the group key in opcode 30. */
  groupKeyWrap: SealKeys;
  /** Authenticates delivery acknowledgements (opcode 50). */
  ackKey: Uint8Array;
  /** Authenticates the exit notice (opcode 90). */
  exitKey: Uint8Array;
  /** Authenticates heartbeats both ways (opcodes 45 and 55). */
  heartbeatKey: Uint8Array;
}


/** The keys both sides derive (HKDF-SHA-256) from the session key once it is proven. */
export function deriveSessionSubkeys(kdf: KeyDeriver, sessionKey: Uint8Array): SessionSubkeys {
  return {
    groupKeyWrap: kdf.deriveSealKeys(sessionKey, 'op30 group key'),
    ackKey: kdf.hkdf(sessionKey, undefined, encodeFields([HKDF_LABEL, 'op50 ack']), 32),
    exitKey: kdf.hkdf(sessionKey, undefined, encodeFields([HKDF_LABEL, 'op90 exit']), 32),
    heartbeatKey: kdf.hkdf(sessionKey, undefined, encodeFields([HKDF_LABEL, 'op45 op55 heartbeat']), 32),
  };
}

/** The keys broadcasts (opcode 40) travel under, from one epoch's group key. */
export function deriveBroadcastKeys(kdf: KeyDeriver, groupKey: Uint8Array): SealKeys {
  return kdf.deriveSealKeys(groupKey, 'op40 broadcast');
}

export function groupKeyAad(patientId: string, epoch: number): Uint8Array {
  return encodeFields(['medchat/op30/v1', patientId, epoch]);
}

export function broadcastAad(epoch: number, seq: number, ts: number): Uint8Array {
  return encodeFields(['medchat/op40/v1', epoch, seq, ts]);
}

export function ackInput(patientId: string, epoch: number, seq: number): Uint8Array {
  return encodeFields(['medchat/op50/v1', patientId, epoch, seq]);
}

/** What opcode 45's tag covers: the doctor's counter and its heartbeat interval, for this patient. */
export function heartbeatInput(patientId: string, n: number, every: number): Uint8Array {
  return encodeFields(['medchat/op45/v1', patientId, n, every]);
}

/** What opcode 55's tag covers: the counter of the heartbeat it answers. */
export function heartbeatReplyInput(patientId: string, n: number): Uint8Array {
  return encodeFields(['medchat/op55/v1', patientId, n]);
}

export function exitInput(patientId: string, ts: number): Uint8Array {
  return encodeFields(['medchat/op90/v1', patientId, ts]);
}

/** Identifies a group (p, g) in storage and pins: 128 bits of SHA-256, hex. */
export function groupIdOf(hash: Hash, p: bigint, g: bigint): string {
  return Buffer.from(hash(encodeFields(['medchat/group-id/v1', p, g])).subarray(0, 16)).toString('hex');
}

/**
 * A key's safety number: 30 digits in six groups of five, from SHA-256 of (p, g, y), read aloud
 * or compared on screen to detect a substituted key (after Signal's safety numbers).
 */
export function keyFingerprint(hash: Hash, p: bigint, g: bigint, y: bigint): string {
  const digest = hash(encodeFields(['medchat/fingerprint/v1', p, g, y]));
  const groups: string[] = [];
  for (let i = 0; i < 6; i++) {
    let chunk = 0;
    for (let j = 0; j < 5; j++) chunk = chunk * 256 + digest[i * 5 + j]!;
    groups.push(String(chunk % 100000).padStart(5, '0'));
  }
  return groups.join(' ');
}

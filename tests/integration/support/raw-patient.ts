/**
 * A patient written from the protocol's pieces for tests: it speaks the wire format directly,
 * so a test can do what the real client never does (replay, garble, stall, claim another id)
 * and can look at secrets (session key, group keys) that the real client keeps to itself.
 */
import { connect, type Socket } from 'node:net';
import {
  CryptoEngine,
  FFDHE2048,
  bigIntToBytes,
  byteLength,
  type Group,
  type KeyPair,
  type SealKeys,
  randomBytes,
} from '../../../src/main/crypto/index.js';
import {
  FrameDecoder,
  broadcastAad,
  decodeFromDoctor,
  deriveBroadcastKeys,
  deriveSessionKey,
  deriveSessionSubkeys,
  encodeFrame,
  encodePatientMessage,
  groupKeyAad,
  keyExchangeTranscript,
  sessionTokenTranscript,
  sessionVerifier,
  ackInput,
  exitInput,
  type DoctorMessage,
  type PatientMessage,
  type PatientMessageOf,
} from '../../../src/main/protocol/index.js';

export const engine = new CryptoEngine();
const hash = (d: Uint8Array): Uint8Array => engine.hash(d);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export type Received = DoctorMessage | { op: 'closed' };

export class RawClient {
  readonly received: Received[] = [];
  private readonly decoder = new FrameDecoder();
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      try {
        for (const body of this.decoder.push(new Uint8Array(chunk))) this.received.push(decodeFromDoctor(body));
      } catch (error) {
        this.received.push({ op: 60, code: 'CLIENT_DECODE_ERROR', reason: (error as Error).message });
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.received.push({ op: 'closed' });
      this.wake();
    });
    socket.on('error', () => {});
  }

  /** `localAddress` picks the source address (any of 127.0.0.0/8 on loopback), as another host would. */
  static open(port: number, host = '127.0.0.1', localAddress?: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, ...(localAddress ? { localAddress } : {}) }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  send(message: PatientMessage): void {
    this.socket.write(encodeFrame(encodePatientMessage(message)));
  }

  /** The next received message at or after index `from` matching `pred`, or throws after `ms`. */
  async waitFor(pred: (m: Received) => boolean, ms = 10_000, from = 0): Promise<Received> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.received.slice(from).find(pred);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`RawClient.waitFor: timed out; received ops ${this.received.map((m) => m.op).join(',')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitOp(op: Received['op'], ms?: number): Promise<Received> {
    return this.waitFor((m) => m.op === op, ms);
  }

  /** Waits for the socket to close; returns the messages received. */
  async waitClosed(ms = 10_000): Promise<Received[]> {
    await this.waitOp('closed', ms);
    return this.received;
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface Session {
  client: RawClient;
  keyPair: KeyPair;
  doctorY: bigint;
  sessionKey: Uint8Array;
  op10: PatientMessageOf<10>;
  groupKeyWrap: SealKeys;
  ackKey: Uint8Array;
  exitKey: Uint8Array;
}

export interface HandshakeOptions {
  patientId: string;
  keyPair?: KeyPair;
  group?: Group;
  now?: () => number;
  /** Changes the signed opcode 10 before it is sent (tests of the doctor's checks). */
  tamper10?: (m: PatientMessageOf<10>) => PatientMessageOf<10>;
  /** Sends this opcode 10 instead of a fresh one (replays). */
  replay10?: PatientMessageOf<10>;
  /** Sends a verifier computed from a wrong session key. */
  badVerifier?: boolean;
  /** The source address to connect from (127.0.0.0/8), as a patient on another host. */
  localAddress?: string;
}

export function newKeyPair(group: Group = FFDHE2048): KeyPair {
  return engine.generateKeyPair(group);
}

/** Runs the handshake up to the verifier; resolves once the doctor's answer to it is received. */
export async function handshake(port: number, options: HandshakeOptions): Promise<Session> {
  const now = options.now ?? Date.now;
  const keyPair = options.keyPair ?? newKeyPair(options.group);
  const group = keyPair.group;
  const client = await RawClient.open(port, '127.0.0.1', options.localAddress);
  client.send({ op: 5, v: 2, patientId: options.patientId, p: group.p, g: group.g, y: keyPair.y });
  const hello = await client.waitFor((m) => m.op === 5 || m.op === 60 || m.op === 80 || m.op === 'closed');
  if (hello.op !== 5) throw Object.assign(new Error(`hello refused: ${JSON.stringify(hello)}`), { reply: hello, client });
  const doctorY = hello.y;
  const ctx = { patientId: options.patientId, doctorId: hello.doctorId, p: group.p, g: group.g, patientY: keyPair.y, doctorY };
  const sk = engine.randomSubgroupElement(group);
  const { c1, c2 } = engine.encrypt({ group, y: doctorY }, sk);
  const fresh = { ts: now(), rn: hex(randomBytes(16)) };
  const sig = engine.sign(keyPair, keyExchangeTranscript(ctx, { ...fresh, c1, c2 }));
  let op10: PatientMessageOf<10> = { op: 10, patientId: options.patientId, ...fresh, c1, c2, r: sig.r, s: sig.s };
  if (options.tamper10) op10 = options.tamper10(op10);
  if (options.replay10) op10 = options.replay10;
  client.send(op10);
  const token = await client.waitFor((m) => m.op === 20 || m.op === 60 || m.op === 80 || m.op === 'closed');
  if (token.op !== 20) throw Object.assign(new Error(`key exchange refused: ${JSON.stringify(token)}`), { reply: token, client, op10 });
  const okSig = engine.verify({ group, y: doctorY }, sessionTokenTranscript(ctx, fresh, token), { r: token.r, s: token.s });
  if (!okSig) throw new Error('doctor signature did not verify');
  const back = engine.decrypt(keyPair, { c1: token.c1, c2: token.c2 });
  if (back !== sk) throw new Error('doctor returned another SK');
  const sessionKey = deriveSessionKey(hash, ctx, sk, fresh, { ts: token.ts, rn: token.rn });
  const ts = now();
  const proofKey = options.badVerifier ? hash(sessionKey) : sessionKey;
  client.send({ op: 20, ts, skv: hex(sessionVerifier(hash, proofKey, ts)) });
  return {
    client,
    keyPair,
    doctorY,
    sessionKey,
    op10,
    ...deriveSessionSubkeys(engine, sessionKey),
  };
}

/** The group key of an opcode 30 addressed to this session, as broadcast keys. */
export function openGroupKey(session: Session, patientId: string, m: Extract<DoctorMessage, { op: 30 }>): SealKeys {
  const gk = engine.open(session.groupKeyWrap, m.box, groupKeyAad(patientId, m.epoch));
  return deriveBroadcastKeys(engine, gk);
}

export function openBroadcast(keys: SealKeys, m: Extract<DoctorMessage, { op: 40 }>): string {
  return new TextDecoder().decode(engine.open(keys, m.box, broadcastAad(m.epoch, m.seq, m.ts)));
}

export function ack(session: Session, patientId: string, epoch: number, seq: number): void {
  session.client.send({ op: 50, epoch, seq, tag: hex(engine.hmac(session.ackKey, ackInput(patientId, epoch, seq))) });
}

export function exit(session: Session, patientId: string, ts = Date.now()): void {
  session.client.send({ op: 90, patientId, ts, tag: hex(engine.hmac(session.exitKey, exitInput(patientId, ts))) });
}

export function elementBytes(group: Group, v: bigint): Uint8Array {
  return bigIntToBytes(v, byteLength(group.p));
}

/**
 * One connection from the patient to a doctor: the patient's side of the handshake (seed steps
 * 1-8) with every check of docs/protocol.md, then the admitted session: group keys (opcode 30),
 * broadcasts (opcode 40) checked and acknowledged (opcode 50), blocks (80), disconnects (60) and
 * leaving (90). Reports progress through PatientSessionEvents; holds its secrets to itself.
 */
import {
  bigIntToBytes,
  byteLength,
  constantTimeEqual,
  CryptoError,
  checkedCiphertext,
  checkedPublicKey,
  randomBytes,
  type AsyncCrypto,
  type KeyPair,
  type PublicKey,
  type SealKeys,
} from '../crypto/index.js';
import type { FramedChannel } from '../net/index.js';
import { systemTimers, type TimerHandle, type Timers } from '../../shared/timers.js';
import {
  PATIENT_OP,
  DOCTOR_OP,
  PROTOCOL_VERSION,
  ProtocolError,
  ackInput,
  broadcastAad,
  decodeFromDoctor,
  deriveBroadcastKeys,
  deriveSessionKey,
  deriveSessionSubkeys,
  describeDisconnect,
  disconnectMessage,
  encodePatientMessage,
  exitInput,
  groupKeyAad,
  heartbeatInput,
  heartbeatReplyInput,
  keyExchangeTranscript,
  sessionTokenTranscript,
  sessionVerifier,
  type DisconnectCode,
  type DoctorMessageOf,
  type HandshakeContext,
  type PatientMessage,
} from '../protocol/index.js';
import type { FeedMessage, HandshakeStep } from '../../shared/contract.js';
import { quotePeerText } from '../../shared/peer-text.js';

export interface PatientSessionEvents {
  step(step: HandshakeStep): void;
  /** The doctor's key arrived: decide whether it matches the pin ('ok') or not. */
  checkDoctorKey(doctorId: string, y: bigint): 'ok' | 'changed';
  /** The doctor proved its key (signed opcode 20): pin it if new; false if it is no longer the pin. */
  doctorProven(doctorId: string, y: bigint): boolean;
  awaitingApproval(): void;
  admitted(epoch: number): void;
  message(message: FeedMessage): void;
  dropped(why: string): void;
  /**
   * `code` says why, for deciding what comes next (reconnect or not): a DisconnectCode we or the
   * doctor sent (the doctor's as it sent it: peer text, compare only), or CLOSED, BLOCKED, LEFT.
   */
  ended(outcome: { state: 'blocked' | 'key-changed' | 'disconnected'; reason: string; code: string; blockedUntil?: number }): void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A wire time (ms since 1970) as ISO text; one past what Date can hold is shown as a number. */
function timeText(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms since 1970` : date.toISOString();
}

/** An opcode 80 told in our words: the time it names, and the doctor's reason quoted as peer text. */
function describeBlock(m: DoctorMessageOf<80>): string {
  const said = m.reason.trim() === '' ? '' : ` The doctor said: ${quotePeerText(m.reason)}`;
  return `Blocked by the doctor until ${timeText(m.until)}.${said}`;
}
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A promise started ahead of its use, which may be abandoned: its failure is handled where it is awaited, if ever. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

type Stage = 'hello' | 'session-token' | 'verifier-sent' | 'admitted' | 'closed';

/** The patient's liveness bound by default (issue 10: a dead link noticed within 30 s). */
export const DEFAULT_LIVENESS_MS = 30_000;
/** A doctor's heartbeat interval is believed up to this (its tag proves it is the doctor's, not that it is sane). */
const MAX_HEARTBEAT_EVERY_MS = 10 * 60_000;

export class PatientSession {
  private stage: Stage = 'hello';
  private doctorKey: PublicKey | null = null;
  private doctorId = '';
  private sk = 0n;
  private mine: { ts: number; rn: string } | null = null;
  private sessionKey: Uint8Array | null = null;
  private groupKeyWrap: SealKeys | null = null;
  private broadcastKeys: SealKeys | null = null;
  private ackKey: Uint8Array | null = null;
  private exitKey: Uint8Array | null = null;
  private heartbeatKey: Uint8Array | null = null;
  private epoch = 0;
  private lastSeq = 0;
  private timer: TimerHandle | null = null;
  /** Liveness: the last authenticated message from the doctor, the last heartbeat's counter and interval. */
  private lastHeardAt = 0;
  private lastHeartbeat = 0;
  private doctorEveryMs = 0;
  private livenessTimer: TimerHandle | null = null;

  constructor(
    private readonly socket: FramedChannel,
    readonly patientId: string,
    private readonly identity: KeyPair,
    private readonly crypto: AsyncCrypto,
    private readonly now: () => number,
    private readonly events: PatientSessionEvents,
    private readonly options: {
      maxClockSkewMs: number;
      handshakeTimeoutMs: number;
      timers?: Timers;
      /** Nothing authenticated from the doctor for this long ends the session (default 30 s; at least 3 heartbeat intervals). */
      livenessTimeoutMs?: number;
    },
  ) {}

  private get timers(): Timers {
    return this.options.timers ?? systemTimers;
  }

  /** The liveness bound: ours, widened to three of the doctor's heartbeat intervals if those are longer. */
  get livenessBoundMs(): number {
    return Math.max(this.options.livenessTimeoutMs ?? DEFAULT_LIVENESS_MS, 3 * this.doctorEveryMs);
  }

  private heard(): void {
    this.lastHeardAt = this.now();
  }

  /** Every sixth of the bound: a doctor silent for more than the bound less a tick is taken as gone. */
  private watchLiveness(): void {
    const tick = Math.max(1, Math.floor(this.livenessBoundMs / 6));
    this.livenessTimer = this.timers.after(tick, () => {
      if (this.stage !== 'admitted') return;
      const silent = this.now() - this.lastHeardAt;
      const bound = this.livenessBoundMs;
      if (silent > bound - tick) {
        this.finish({
          state: 'disconnected',
          reason: `Nothing authenticated arrived from the doctor for ${(silent / 1000).toFixed(1)} s (bound ${(bound / 1000).toFixed(0)} s); the link is taken as dead.`,
          code: 'UNREACHABLE',
        });
        return void this.socket.destroy();
      }
      this.watchLiveness();
    });
  }

  start(): void {
    this.timer = (this.options.timers ?? systemTimers).after(this.options.handshakeTimeoutMs, () => void this.fail('HANDSHAKE_TIMEOUT'));
    this.socket.start({
      onFrame: (body) => this.onFrame(body),
      onProtocolError: (error) => void this.fail(error.code, error.message),
      onClose: () => this.finish({ state: 'disconnected', reason: 'The connection to the doctor closed.', code: 'CLOSED' }),
    });
    const { group, y } = this.identity;
    this.send({ op: PATIENT_OP.HELLO, v: PROTOCOL_VERSION, patientId: this.patientId, p: group.p, g: group.g, y });
    this.events.step('hello');
  }

  private send(message: PatientMessage): boolean {
    return this.socket.send(encodePatientMessage(message));
  }

  private finish(outcome: Parameters<PatientSessionEvents['ended']>[0]): void {
    if (this.stage === 'closed') return;
    this.stage = 'closed';
    this.timer?.cancel();
    this.livenessTimer?.cancel();
    for (const key of [this.sessionKey, this.ackKey, this.exitKey, this.heartbeatKey, this.groupKeyWrap?.encKey, this.groupKeyWrap?.macKey, this.broadcastKeys?.encKey, this.broadcastKeys?.macKey]) {
      key?.fill(0);
    }
    this.sk = 0n;
    this.events.ended(outcome);
  }

  private async fail(code: DisconnectCode, detail?: string): Promise<void> {
    if (this.stage === 'closed') return;
    const reason = detail ?? disconnectMessage(code).reason;
    this.finish({ state: code === 'DOCTOR_KEY_CHANGED' ? 'key-changed' : 'disconnected', reason, code });
    await this.socket.end(encodePatientMessage(disconnectMessage(code)));
  }

  /** Leaves the conference (opcode 90, authenticated when a session key exists). */
  async leave(): Promise<void> {
    if (this.stage === 'closed') return;
    if (this.stage === 'admitted' && this.exitKey) {
      const ts = this.now();
      const tag = hex(this.crypto.engine.hmac(this.exitKey, exitInput(this.patientId, ts)));
      const last = encodePatientMessage({ op: PATIENT_OP.EXIT, patientId: this.patientId, ts, tag });
      this.finish({ state: 'disconnected', reason: 'You left the conference.', code: 'LEFT' });
      await this.socket.end(last);
    } else {
      this.finish({ state: 'disconnected', reason: 'You cancelled the connection.', code: 'CANCELLED' });
      await this.socket.end(encodePatientMessage(disconnectMessage('CANCELLED')));
    }
  }

  private isFresh(ts: number): boolean {
    return Math.abs(this.now() - ts) <= this.options.maxClockSkewMs;
  }

  private async onFrame(body: Uint8Array): Promise<void> {
    if (this.stage === 'closed') return;
    const m = decodeFromDoctor(body);
    if (m.op === DOCTOR_OP.DISCONNECT) {
      this.finish({ state: 'disconnected', reason: describeDisconnect(m), code: m.code });
      return void this.socket.destroy();
    }
    if (m.op === DOCTOR_OP.BLOCKED) {
      this.finish({ state: 'blocked', reason: describeBlock(m), code: 'BLOCKED', blockedUntil: m.until });
      return void this.socket.destroy();
    }
    if (this.stage === 'hello' && m.op === DOCTOR_OP.HELLO_REPLY) return this.onHelloReply(m);
    if (this.stage === 'session-token' && m.op === DOCTOR_OP.SESSION_TOKEN) return this.onSessionToken(m);
    if (this.stage === 'verifier-sent' && m.op === DOCTOR_OP.AWAITING_APPROVAL) {
      // The doctor bounds the wait for approval; the handshake timer no longer applies.
      this.timer?.cancel();
      return void this.events.awaitingApproval();
    }
    if ((this.stage === 'verifier-sent' || this.stage === 'admitted') && m.op === DOCTOR_OP.GROUP_KEY) return this.onGroupKey(m);
    if (this.stage === 'admitted' && m.op === DOCTOR_OP.BROADCAST) return this.onBroadcast(m);
    // The doctor's first heartbeat comes with admission, possibly before the group key.
    if ((this.stage === 'verifier-sent' || this.stage === 'admitted') && m.op === DOCTOR_OP.HEARTBEAT) return this.onHeartbeat(m);
    throw new ProtocolError('OUT_OF_ORDER', `opcode ${m.op} during ${this.stage}`);
  }

  private context(): HandshakeContext {
    const { group, y } = this.identity;
    return { patientId: this.patientId, doctorId: this.doctorId, p: group.p, g: group.g, patientY: y, doctorY: this.doctorKey!.y };
  }

  /** Steps 1-2: the doctor's key; send SK encrypted to it and signed (opcode 10). */
  private async onHelloReply(m: DoctorMessageOf<5>): Promise<void> {
    const group = this.identity.group;
    const doctorKey = checkedPublicKey(group, m.y);
    if (!doctorKey) return this.fail('BAD_PUBLIC_KEY');
    if (this.events.checkDoctorKey(m.doctorId, m.y) === 'changed') return this.fail('DOCTOR_KEY_CHANGED');
    this.doctorId = m.doctorId;
    this.doctorKey = doctorKey;
    this.sk = this.crypto.engine.randomSubgroupElement(group);
    // The encryption and the signature's nonce run at once; then signing is a hash away.
    const signer = quiet(this.crypto.prepareSignature(this.identity));
    const { c1, c2 } = await this.crypto.encrypt(this.doctorKey, this.sk);
    const signWith = await signer;
    this.mine = { ts: this.now(), rn: hex(randomBytes(16)) };
    const transcript = keyExchangeTranscript(this.context(), { ...this.mine, c1, c2 });
    const { r, s } = await signWith(transcript);
    if (this.stage === 'closed') return;
    this.stage = 'session-token';
    this.send({ op: PATIENT_OP.KEY_EXCHANGE, patientId: this.patientId, ...this.mine, c1, c2, r, s });
    this.events.step('key-exchange');
  }

  /** Steps 5-7: check the doctor's token, derive the session key, prove it (SKV). */
  private async onSessionToken(m: DoctorMessageOf<20>): Promise<void> {
    if (m.patientId !== this.patientId) throw new ProtocolError('BAD_MESSAGE', 'patientId differs');
    if (!this.isFresh(m.ts)) return this.fail('STALE_TIMESTAMP');
    const ctx = this.context();
    const group = this.identity.group;
    // Verification and decryption run at once; the decryption is used only once the signature verified.
    const verifying = this.crypto.verify(this.doctorKey!, sessionTokenTranscript(ctx, this.mine!, m), { r: m.r, s: m.s });
    const ciphertext = checkedCiphertext(group, m.c1, m.c2);
    const decrypting = ciphertext ? quiet(this.crypto.decrypt(this.identity, ciphertext)) : null;
    const ok = await verifying;
    if (this.stage === 'closed') return;
    if (!ok) return this.fail('BAD_SIGNATURE');
    if (!decrypting) return this.fail('BAD_CIPHERTEXT');
    const returned = await decrypting;
    const width = byteLength(group.p);
    if (!constantTimeEqual(bigIntToBytes(returned, width), bigIntToBytes(this.sk, width))) return this.fail('SESSION_MISMATCH');
    if (!this.events.doctorProven(this.doctorId, this.doctorKey!.y)) return this.fail('DOCTOR_KEY_CHANGED');
    this.events.step('session-token');
    const hash = (d: Uint8Array): Uint8Array => this.crypto.engine.hash(d);
    this.sessionKey = deriveSessionKey(hash, ctx, this.sk, this.mine!, { ts: m.ts, rn: m.rn });
    this.sk = 0n;
    ({ groupKeyWrap: this.groupKeyWrap, ackKey: this.ackKey, exitKey: this.exitKey, heartbeatKey: this.heartbeatKey } = deriveSessionSubkeys(
      this.crypto.engine,
      this.sessionKey,
    ));
    const ts = this.now();
    this.stage = 'verifier-sent';
    this.send({ op: PATIENT_OP.VERIFIER, ts, skv: hex(sessionVerifier(hash, this.sessionKey, ts)) });
    this.events.step('verifier');
  }

  private onGroupKey(m: DoctorMessageOf<30>): void {
    if (m.epoch <= this.epoch) throw new ProtocolError('BAD_MESSAGE', 'group key epoch did not advance');
    let groupKey: Uint8Array;
    try {
      groupKey = this.crypto.engine.open(this.groupKeyWrap!, m.box, groupKeyAad(this.patientId, m.epoch));
    } catch (error) {
      if (error instanceof CryptoError) throw new ProtocolError('BAD_MESSAGE', 'group key did not authenticate');
      throw error;
    }
    if (groupKey.length !== 32) throw new ProtocolError('BAD_MESSAGE', 'group key has the wrong length');
    this.broadcastKeys?.encKey.fill(0);
    this.broadcastKeys?.macKey.fill(0);
    this.broadcastKeys = deriveBroadcastKeys(this.crypto.engine, groupKey);
    groupKey.fill(0);
    this.epoch = m.epoch;
    this.heard();
    if (this.stage !== 'admitted') {
      this.stage = 'admitted';
      this.timer?.cancel();
      this.watchLiveness();
      this.events.step('admitted');
      this.events.admitted(m.epoch);
    }
  }

  private onBroadcast(m: DoctorMessageOf<40>): void {
    // A broadcast that fails any check is dropped, never decrypted; the session goes on.
    if (m.epoch !== this.epoch) return this.events.dropped(`broadcast ${m.seq} for epoch ${m.epoch}, current epoch ${this.epoch}`);
    if (m.seq <= this.lastSeq) return this.events.dropped(`broadcast ${m.seq} repeats or precedes ${this.lastSeq}`);
    let plaintext: Uint8Array;
    try {
      plaintext = this.crypto.engine.open(this.broadcastKeys!, m.box, broadcastAad(m.epoch, m.seq, m.ts));
    } catch (error) {
      if (error instanceof CryptoError) return this.events.dropped(`broadcast ${m.seq}: ${error.code}`);
      throw error;
    }
    let text: string;
    try {
      text = utf8.decode(plaintext);
    } catch {
      return this.events.dropped(`broadcast ${m.seq}: not UTF-8 text`);
    }
    this.lastSeq = m.seq;
    this.heard();
    this.events.message({ seq: m.seq, epoch: m.epoch, sentAt: m.ts, receivedAt: this.now(), text });
    const tag = hex(this.crypto.engine.hmac(this.ackKey!, ackInput(this.patientId, m.epoch, m.seq)));
    this.send({ op: PATIENT_OP.ACK, epoch: m.epoch, seq: m.seq, tag });
  }

  /**
   * Opcode 45: answered with opcode 55 for the same counter. A wrong tag ends the session; a
   * counter that does not advance (a replayed heartbeat) is dropped unanswered and proves nothing.
   */
  private onHeartbeat(m: DoctorMessageOf<45>): void {
    const tag = this.crypto.engine.hmac(this.heartbeatKey!, heartbeatInput(this.patientId, m.n, m.every));
    if (!constantTimeEqual(tag, Buffer.from(m.tag, 'hex'))) throw new ProtocolError('BAD_HEARTBEAT');
    if (m.n <= this.lastHeartbeat) return this.events.dropped(`heartbeat ${m.n} repeats or precedes ${this.lastHeartbeat}`);
    this.lastHeartbeat = m.n;
    this.doctorEveryMs = Math.min(m.every, MAX_HEARTBEAT_EVERY_MS);
    this.heard();
    const reply = hex(this.crypto.engine.hmac(this.heartbeatKey!, heartbeatReplyInput(this.patientId, m.n)));
    this.send({ op: PATIENT_OP.HEARTBEAT_REPLY, n: m.n, tag: reply });
  }
}

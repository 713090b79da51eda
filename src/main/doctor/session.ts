/**
 * One patient connection at the doctor: the handshake of the seed's steps 1-8 with every check of
 * docs/protocol.md, then the admitted session (acks, exit). Decisions that involve other
 * connections or policy (blocks, pins, clones, admission) belong to the Doctor, reached through
 * DoctorContext; this class owns only its own connection's state and secrets.
 */
import { checkedCiphertext, checkedPublicKey, constantTimeEqual, randomBytes, type Group, type KeyPair, type PublicKey, type SealKeys } from '../crypto/index.js';
import type { FramedChannel } from '../net/index.js';
import type { TimerHandle } from '../../shared/timers.js';
import {
  PATIENT_OP,
  DOCTOR_OP,
  PROTOCOL_VERSION,
  ProtocolError,
  decodeFromPatient,
  deriveSessionKey,
  deriveSessionSubkeys,
  disconnectMessage,
  encodeDoctorFrame,
  encodeDoctorMessage,
  exitInput,
  ackInput,
  heartbeatInput,
  heartbeatReplyInput,
  keyExchangeTranscript,
  sessionTokenTranscript,
  sessionVerifier,
  type DisconnectCode,
  type DoctorMessage,
  type HandshakeContext,
  type PatientMessageOf,
} from '../protocol/index.js';
import type { PatientStage } from '../../shared/contract.js';
import { addressBucket } from './address-limiter.js';
import type { DoctorContext } from './context.js';

export type SessionStage = PatientStage | 'closed';

/** Failures of the handshake that the outsider rule weighs (requirements: "Rules"). */
export type HandshakeFailure = 'STALE_TIMESTAMP' | 'REPLAY' | 'BAD_SIGNATURE' | 'BAD_CIPHERTEXT' | 'BAD_VERIFIER';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A promise started ahead of its use, which may be abandoned: its failure is handled where it is awaited, if ever. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

export class PatientSession {
  stage: SessionStage = 'hello';
  patientId: string | null = null;
  fingerprint: string | null = null;
  group: Group | null = null;
  readonly connectedAt: number;
  admittedAt: number | null = null;
  lastDeliveredSeq: number | null = null;
  lastDeliveryAt: number | null = null;
  /** Liveness (liveness.ts): the last authenticated sign of life, the last heartbeat sent, and whether it is overdue. */
  lastHeardAt = 0;
  lastHeartbeatAt = 0;
  unreachable = false;
  private heartbeatKey: Uint8Array | null = null;
  private heartbeatsSent = 0;
  private heartbeatsAnswered = 0;

  private patientKey: PublicKey | null = null;
  private doctorKey: KeyPair | null = null;
  private patientFresh: { ts: number; rn: string } | null = null;
  private sessionKey: Uint8Array | null = null;
  /** Keys derived from the session key: group-key wrapping, ack and exit authentication. */
  groupKeyWrap: SealKeys | null = null;
  private ackKey: Uint8Array | null = null;
  private exitKey: Uint8Array | null = null;
  private timer: TimerHandle | null = null;
  /** When the handshake deadline falls, and the time left on it while the doctor computes. */
  private deadlineAt = 0;
  private deadlineLeft: number | null = null;
  /** Aborts when the connection closes, so work done on its behalf (a group check) stops. */
  private readonly closing = new AbortController();
  /** This connection's crypto is queued fairly with other source addresses' (AsyncCrypto's FairQueue). */
  private readonly fair: { source: string };

  constructor(
    readonly socket: FramedChannel,
    private readonly ctx: DoctorContext,
  ) {
    this.connectedAt = ctx.now();
    this.fair = { source: addressBucket(socket.remoteIp) };
    // A connection that says nothing is dropped long before the handshake's own deadline, so
    // idle connections cannot pile up under the per-address cap's nose.
    this.armTimer(Math.min(ctx.config.firstMessageTimeoutMs, ctx.config.handshakeTimeoutMs), 'IDLE_TIMEOUT');
    socket.start({
      onFrame: (body) => this.onFrame(body),
      onProtocolError: (error) => this.fail(error.code, error.detail),
      onClose: () => this.onClosed(),
    });
  }

  get address(): string {
    return this.socket.address;
  }

  /** The patient's public key as presented in its hello (null before it). */
  get patientY(): bigint | null {
    return this.patientKey?.y ?? null;
  }

  /** The doctor's key pair used in this handshake (until the session forgets its secrets). */
  get doctorKeyPair(): KeyPair | null {
    return this.doctorKey;
  }

  /** Re-read after every await: the connection may have closed meanwhile. */
  isClosed(): boolean {
    return this.stage === 'closed';
  }

  /** The opcode 60 code the doctor ended the session with, if it did (for the audit's "removed" row). */
  endCode: string | null = null;

  get isAdmitted(): boolean {
    return this.stage === 'admitted';
  }

  send(message: DoctorMessage): boolean {
    return this.socket.sendFrame(encodeDoctorFrame(message));
  }

  /** A frame encoded once for many recipients (a broadcast). */
  sendFrame(frame: Uint8Array): boolean {
    return this.socket.sendFrame(frame);
  }

  /** Ends the connection with a final message (opcode 60 or 80) and forgets its secrets. */
  async close(final?: DoctorMessage): Promise<void> {
    if (this.isClosed()) return;
    if (final?.op === DOCTOR_OP.DISCONNECT) this.endCode = final.code;
    this.clearTimer();
    const wasAdmitted = this.isAdmitted;
    this.stage = 'closed';
    this.closing.abort();
    this.forgetSecrets();
    this.ctx.sessionClosed(this, wasAdmitted);
    await this.socket.end(final ? encodeDoctorMessage(final) : undefined);
  }

  /** Opcode 60 with a reason, then close. */
  fail(code: DisconnectCode, detail?: string): Promise<void> {
    if (this.stage !== 'closed') this.ctx.protocolFailure(this, code, detail);
    // Only validation details (never secrets) travel in the reason, so the patient can act on it.
    return this.close(disconnectMessage(code, code === 'BAD_GROUP' || code === 'BAD_MESSAGE' || code === 'GROUPS_BUSY' ? detail : undefined));
  }

  private onClosed(): void {
    if (this.stage !== 'closed') void this.close();
  }

  private armTimer(ms: number, code: DisconnectCode): void {
    this.clearTimer();
    this.timer = this.ctx.timers.after(ms, () => {
      // A connection left unfinished held a slot and, past its hello, the doctor's crypto.
      if (code !== 'APPROVAL_TIMEOUT') this.ctx.timedOut(this);
      void this.fail(code);
    });
  }

  /**
   * The handshake deadline measures the patient's time, not the doctor's: while the doctor
   * computes its answer (a group check, its key, the opcode 10 work), the clock is stopped. In a
   * join storm the doctor's own queue would otherwise eat every patient's deadline at once
   * (1,000 patients joining on two cores: most were dropped unfinished). The doctor's time is
   * bounded by its own queue and caps, so no peer can stretch it.
   */
  private pauseDeadline(): void {
    if (this.deadlineLeft !== null || this.stage === 'closed') return;
    this.deadlineLeft = Math.max(0, this.deadlineAt - this.ctx.now());
    this.clearTimer();
  }

  private resumeDeadline(): void {
    if (this.deadlineLeft === null || this.stage === 'closed') return;
    this.deadlineAt = this.ctx.now() + this.deadlineLeft;
    this.deadlineLeft = null;
    this.armTimer(this.deadlineAt - this.ctx.now(), 'HANDSHAKE_TIMEOUT');
  }

  private clearTimer(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private forgetSecrets(): void {
    this.sessionKey?.fill(0);
    this.ackKey?.fill(0);
    this.exitKey?.fill(0);
    this.heartbeatKey?.fill(0);
    this.heartbeatKey = null;
    this.groupKeyWrap?.encKey.fill(0);
    this.groupKeyWrap?.macKey.fill(0);
    this.sessionKey = this.ackKey = this.exitKey = null;
    this.groupKeyWrap = null;
    this.doctorKey = null;
  }

  private async onFrame(body: Uint8Array): Promise<void> {
    if (this.isClosed()) return;
    const message = decodeFromPatient(body);
    if (message.op === PATIENT_OP.DISCONNECT) {
      this.ctx.peerDisconnected(this, message.code, message.reason);
      await this.close();
      return;
    }
    switch (this.stage) {
      case 'hello':
        if (message.op === PATIENT_OP.HELLO) return this.onHello(message);
        break;
      case 'key-exchange':
        if (message.op === PATIENT_OP.KEY_EXCHANGE) return this.onKeyExchange(message);
        break;
      case 'verifier':
        if (message.op === PATIENT_OP.VERIFIER) return this.onVerifier(message);
        break;
      case 'admitted':
        if (message.op === PATIENT_OP.ACK) return this.onAck(message);
        if (message.op === PATIENT_OP.HEARTBEAT_REPLY) return this.onHeartbeatReply(message);
        if (message.op === PATIENT_OP.EXIT) return this.onExit(message);
        break;
      default:
        break;
    }
    throw new ProtocolError('OUT_OF_ORDER', `opcode ${message.op} during ${this.stage}`);
  }

  /** Step 1: id and public key (p, g, y). */
  private async onHello(m: PatientMessageOf<5>): Promise<void> {
    this.patientId = m.patientId;
    this.deadlineAt = this.connectedAt + this.ctx.config.handshakeTimeoutMs;
    this.armTimer(Math.max(0, this.deadlineAt - this.ctx.now()), 'HANDSHAKE_TIMEOUT');
    const refusal = this.ctx.screenHello(this, m.patientId);
    if (refusal) return void (await this.close(refusal));
    const verdict = await this.ctx.groups.check(m.p, m.g, this.socket.remoteIp, this.closing.signal);
    if (this.isClosed()) return;
    if (!verdict.ok) {
      if (verdict.reason === 'abandoned') return;
      return this.fail(verdict.reason === 'busy' ? 'GROUPS_BUSY' : 'BAD_GROUP', verdict.message.replace(/^validateGroup: /, ''));
    }
    const group = verdict.group;
    const patientKey = checkedPublicKey(group, m.y);
    if (!patientKey) return this.fail('BAD_PUBLIC_KEY');
    this.group = group;
    this.patientKey = patientKey;
    this.fingerprint = this.ctx.fingerprint(group, m.y);
    const keyRefusal = this.ctx.screenKey(this, m.patientId, this.fingerprint);
    if (keyRefusal) return void (await this.close(keyRefusal));
    this.pauseDeadline(); // a first key for a group is generated now
    const doctorKey = await this.ctx.identity.keyFor(group);
    if (this.isClosed()) return;
    this.resumeDeadline();
    this.doctorKey = doctorKey;
    this.stage = 'key-exchange';
    this.ctx.joined(this);
    this.send({ op: DOCTOR_OP.HELLO_REPLY, v: PROTOCOL_VERSION, doctorId: this.ctx.config.doctorId, y: doctorKey.y });
  }

  private handshakeContext(): HandshakeContext {
    return {
      patientId: this.patientId!,
      doctorId: this.ctx.config.doctorId,
      p: this.group!.p,
      g: this.group!.g,
      patientY: this.patientKey!.y,
      doctorY: this.doctorKey!.y,
    };
  }

  private isFresh(ts: number): boolean {
    return Math.abs(this.ctx.now() - ts) <= this.ctx.config.maxClockSkewMs;
  }

  /** Steps 2-4: check and decrypt SK, answer with opcode 20. */
  private async onKeyExchange(m: PatientMessageOf<10>): Promise<void> {
    if (m.patientId !== this.patientId) throw new ProtocolError('BAD_MESSAGE', 'patientId differs from the hello');
    if (!this.isFresh(m.ts)) return this.handshakeFailed('STALE_TIMESTAMP');
    if (this.ctx.replays.has(m.patientId, m.rn)) return this.handshakeFailed('REPLAY');
    if (this.ctx.replays.full) return this.fail('RATE_LIMITED');
    const ctx = this.handshakeContext();
    const group = this.group!;
    this.pauseDeadline();
    // Everything independent runs at once on the pool: verification, decryption, the reply
    // encryption's exponentiations (finished with SK when the decryption resolves) and the
    // signature's nonce. Nothing computed here is used, sent or recorded unless the signature
    // verified: the consequences keep the serial order (BAD_SIGNATURE, REPLAY, BAD_CIPHERTEXT).
    const verifying = this.ctx.crypto.verify(this.patientKey!, keyExchangeTranscript(ctx, m), { r: m.r, s: m.s }, this.fair);
    const ciphertext = checkedCiphertext(group, m.c1, m.c2);
    const decrypting = ciphertext ? quiet(this.ctx.crypto.decrypt(this.doctorKey!, ciphertext, this.fair)) : null;
    const replying = decrypting ? quiet(this.ctx.crypto.encryptWhenReady(this.patientKey!, decrypting, this.fair)) : null;
    const signer = ciphertext ? quiet(this.ctx.crypto.prepareSignature(this.doctorKey!, this.fair)) : null;
    const verified = await verifying;
    if (this.isClosed()) return;
    if (!verified) return this.handshakeFailed('BAD_SIGNATURE');
    // Re-checked after the await: a copy sent on a parallel connection may have won the race.
    if (this.ctx.replays.has(m.patientId, m.rn)) return this.handshakeFailed('REPLAY');
    this.ctx.replays.add(m.patientId, m.rn, m.ts);
    if (!decrypting || !replying || !signer) return this.handshakeFailed('BAD_CIPHERTEXT');
    const sk = await decrypting;
    const reply = await replying;
    const signWith = await signer;
    const doctorFresh = { ts: this.ctx.now(), rn: hex(randomBytes(16)) };
    const token = { ...doctorFresh, c1: reply.c1, c2: reply.c2 };
    const signature = await signWith(sessionTokenTranscript(ctx, m, token));
    if (this.isClosed()) return;
    this.patientFresh = { ts: m.ts, rn: m.rn };
    const hash = (d: Uint8Array): Uint8Array => this.ctx.crypto.engine.hash(d);
    this.sessionKey = deriveSessionKey(hash, ctx, sk, this.patientFresh, doctorFresh);
    this.stage = 'verifier';
    this.resumeDeadline();
    this.send({ op: DOCTOR_OP.SESSION_TOKEN, patientId: this.patientId!, ...token, r: signature.r, s: signature.s });
  }

  /** Steps 5-6: the patient proves the session key; then the doctor decides admission. */
  private onVerifier(m: PatientMessageOf<20>): void {
    if (!this.isFresh(m.ts)) return void this.handshakeFailed('STALE_TIMESTAMP');
    const expected = sessionVerifier((d) => this.ctx.crypto.engine.hash(d), this.sessionKey!, m.ts);
    if (!constantTimeEqual(expected, Buffer.from(m.skv, 'hex'))) return void this.handshakeFailed('BAD_VERIFIER');
    ({ groupKeyWrap: this.groupKeyWrap, ackKey: this.ackKey, exitKey: this.exitKey, heartbeatKey: this.heartbeatKey } = deriveSessionSubkeys(
      this.ctx.crypto.engine,
      this.sessionKey!,
    ));
    this.clearTimer();
    this.ctx.proven(this);
  }

  private handshakeFailed(failure: HandshakeFailure): Promise<void> {
    const final = this.ctx.handshakeFailure(this, failure);
    return this.close(final);
  }

  /** Called by the Doctor when the patient waits for approval under the "ask" policy. */
  awaitApproval(): void {
    this.stage = 'awaiting-approval';
    this.armTimer(this.ctx.config.approvalTimeoutMs, 'APPROVAL_TIMEOUT');
    this.send({ op: DOCTOR_OP.AWAITING_APPROVAL, status: 'awaiting-approval' });
  }

  /** Called by the Doctor on admission. */
  admit(): void {
    this.clearTimer();
    this.stage = 'admitted';
    this.admittedAt = this.lastHeardAt = this.lastHeartbeatAt = this.ctx.now();
  }

  /** Opcode 45: the next counter, and the interval the doctor keeps, MACed for this patient. */
  heartbeat(everyMs: number): void {
    if (!this.isAdmitted || !this.heartbeatKey) return;
    const n = ++this.heartbeatsSent;
    const tag = hex(this.ctx.crypto.engine.hmac(this.heartbeatKey, heartbeatInput(this.patientId!, n, everyMs)));
    this.lastHeartbeatAt = this.ctx.now();
    this.send({ op: DOCTOR_OP.HEARTBEAT, n, every: everyMs, tag });
  }

  /** An authenticated, new message from the patient: it is alive. */
  private heard(): void {
    this.lastHeardAt = this.ctx.now();
    if (this.unreachable) {
      this.unreachable = false;
      this.ctx.reachable(this);
    }
  }

  /**
   * Opcode 55 answers heartbeat n: a counter never sent or a wrong tag ends the session; an
   * answer repeated (a replay of an older frame) proves nothing and is ignored.
   */
  private onHeartbeatReply(m: PatientMessageOf<55>): void {
    if (m.n < 1 || m.n > this.heartbeatsSent) throw new ProtocolError('BAD_HEARTBEAT', `reply to heartbeat ${m.n}, never sent`);
    const tag = this.ctx.crypto.engine.hmac(this.heartbeatKey!, heartbeatReplyInput(this.patientId!, m.n));
    if (!constantTimeEqual(tag, Buffer.from(m.tag, 'hex'))) throw new ProtocolError('BAD_HEARTBEAT');
    if (m.n <= this.heartbeatsAnswered) return;
    this.heartbeatsAnswered = m.n;
    this.heard();
  }

  private onAck(m: PatientMessageOf<50>): void {
    const tag = this.ctx.crypto.engine.hmac(this.ackKey!, ackInput(this.patientId!, m.epoch, m.seq));
    if (!constantTimeEqual(tag, Buffer.from(m.tag, 'hex'))) throw new ProtocolError('BAD_ACK');
    this.lastDeliveredSeq = m.seq;
    this.lastDeliveryAt = this.ctx.now();
    // Only a first acknowledgement of a broadcast shows the patient alive: a repeat may be a replay.
    if (this.ctx.delivered(this, m.seq)) this.heard();
  }

  private async onExit(m: PatientMessageOf<90>): Promise<void> {
    if (m.patientId !== this.patientId) throw new ProtocolError('BAD_EXIT', 'patientId differs');
    const tag = this.ctx.crypto.engine.hmac(this.exitKey!, exitInput(m.patientId, m.ts));
    if (!constantTimeEqual(tag, Buffer.from(m.tag, 'hex'))) throw new ProtocolError('BAD_EXIT');
    this.ctx.exited(this);
    await this.close();
  }
}

/**
 * The doctor's conference engine: accepts patient connections, applies the admission rules of
 * docs/protocol.md (block list, trust-on-first-use pins, the outsider rule, clones, the "ask"
 * policy; the requests that wait for a person are approvals.ts's), keeps the group key moving
 * with membership, broadcasts, and records every security-relevant event in the audit log.
 * Sockets, store, vault, clock and timers are handed in.
 */
import type { AsyncCrypto, Group } from '../crypto/index.js';
import type { FramedChannel } from '../net/index.js';
import { systemTimers, type Timers } from '../../shared/timers.js';
import { DOCTOR_OP, disconnectMessage, encodeDoctorMessage, keyFingerprint, type DisconnectCode, type DoctorMessage } from '../protocol/index.js';
import type { KeyVault, Store } from '../store/index.js';
import type { AuditEntry, BlockEntry, BroadcastReceipt, PatientRow, PendingApproval } from '../../shared/contract.js';
import { quotePeerText } from '../../shared/peer-text.js';
import { AddressLimiter } from './address-limiter.js';
import { AuditThrottle } from './audit-throttle.js';
import { Conference } from './conference.js';
import { ConnectionGate } from './connection-gate.js';
import { AuditWriter } from './audit-writer.js';
import type { DoctorConfig } from './config.js';
import type { DoctorContext } from './context.js';
import { GroupChecker } from './group-checker.js';
import { DoctorIdentity } from './identity.js';
import { Liveness, seconds } from './liveness.js';
import { patientRow } from './patient-row.js';
import { LookAlikeIndex } from './look-alike.js';
import { ApprovalDesk } from './approvals.js';
import { sourceOf } from './pending-requests.js';
import { ReplayCache } from './replay-cache.js';
import { PatientSession, type HandshakeFailure } from './session.js';

export interface DoctorDeps {
  config: DoctorConfig;
  crypto: AsyncCrypto;
  store: Store;
  vault: KeyVault;
  now: () => number;
  /** Deadlines (handshakes, approvals, request expiry); real timers by default, fake ones in tests. */
  timers?: Timers;
  onChange?: () => void;
  onAudit?: (entry: AuditEntry) => void;
}

export class Doctor implements DoctorContext {
  readonly config: DoctorConfig;
  readonly crypto: AsyncCrypto;
  readonly groups: GroupChecker;
  readonly identity: DoctorIdentity;
  readonly replays: ReplayCache;
  readonly conference: Conference;
  private readonly liveness: Liveness<PatientSession>;
  private readonly store: Store;
  private readonly limiter: AddressLimiter;
  readonly gate: ConnectionGate;
  private readonly throttle: AuditThrottle;
  private readonly sessions = new Set<PatientSession>();
  /** Sessions that count against their address's cap on unfinished connections. */
  private readonly unauthenticated = new Set<PatientSession>();
  private readonly desk: ApprovalDesk;
  readonly timers: Timers;
  /** Pinned and admitted ids, to hold new ids a person could mistake for them. */
  private readonly lookAlikes = new LookAlikeIndex();
  /** Sessions waiting for approval, whose ids are in lookAlikes while they wait. */
  private readonly held = new Set<PatientSession>();
  readonly now: () => number;
  private readonly notify: () => void;
  private readonly auditWriter: AuditWriter;

  constructor(deps: DoctorDeps) {
    this.config = { ...deps.config };
    this.crypto = deps.crypto;
    this.store = deps.store;
    this.now = deps.now;
    this.timers = deps.timers ?? systemTimers;
    this.notify = deps.onChange ?? (() => {});
    this.auditWriter = new AuditWriter(deps.store, deps.now, deps.onAudit ?? (() => {}));
    this.groups = new GroupChecker(deps.crypto);
    this.identity = new DoctorIdentity(deps.store, deps.vault, deps.crypto, this.config.maxCustomGroups, deps.now, {
      created: (group, fp) => this.audit('identity-created', null, null, `new doctor key for ${group.name} (${group.bits} bits), fingerprint ${fp}`),
      evicted: (groupId, fp) =>
        this.audit('identity-evicted', null, null, `least recently used custom-group key ${fp} (group ${groupId.slice(0, 16)}) removed to make room`),
    });
    this.replays = new ReplayCache(deps.now, this.config.maxClockSkewMs, deps.store.nonces);
    this.limiter = new AddressLimiter(
      deps.now,
      this.config.handshakesPerMinute,
      this.config.maxStrikes,
      this.config.strikeWindowMs,
      this.config.maxKeyFailures,
      this.config.failureBlockMinutes * 60_000,
    );
    this.gate = new ConnectionGate(this.config);
    this.throttle = new AuditThrottle(deps.now);
    this.desk = new ApprovalDesk({
      config: this.config,
      now: deps.now,
      timers: this.timers,
      audit: (kind, id, address, detail) => this.audit(kind, id, address, detail),
      auditUnproven: (kind, id, address, detail) => this.auditUnproven(kind, id, address, detail),
      notify: () => this.notify(),
      admit: (session, why) => this.admit(session, why),
    });
    this.conference = new Conference({
      crypto: deps.crypto,
      now: deps.now,
      timers: this.timers,
      windowMs: this.config.rekeyWindowMs,
      onRekey: ({ epoch, reason, members }) => {
        this.audit('rekey', null, null, `epoch ${epoch} (${reason}); ${members} patient(s)`);
        this.notify();
      },
      onKeyHandedOut: ({ patientId, address, epoch, members }) => {
        this.audit('group-key', patientId, address, `epoch ${epoch} (no broadcast has used it yet); ${members} patient(s)`);
        this.notify();
      },
    });
    this.liveness = new Liveness<PatientSession>({
      boundMs: this.config.livenessTimeoutMs,
      timers: this.timers,
      now: deps.now,
      peers: () => [...this.sessions].filter((session) => session.isAdmitted),
      heartbeat: (session, everyMs) => session.heartbeat(everyMs),
      unreachable: (session, silentMs) => {
        this.audit('unreachable', session.patientId, session.address, `nothing authenticated for ${seconds(silentMs)} s; removed at ${seconds(this.config.livenessTimeoutMs)} s unless it answers`);
        this.notify();
      },
      dead: (session, silentMs) => {
        this.audit('unreachable', session.patientId, session.address, `nothing authenticated for ${seconds(silentMs)} s (bound ${seconds(this.config.livenessTimeoutMs)} s); removed`);
        void session.close(disconnectMessage('UNREACHABLE'));
      },
    });
    for (const pin of deps.store.pins.list()) this.lookAlikes.add(pin.peerId);
  }

  // ---- connections ----

  accept(socket: FramedChannel): void {
    const refusal = this.gate.open(socket.remoteIp);
    if (refusal) {
      this.auditUnproven('refused', null, socket.address, refusal.detail);
      void socket.end(encodeDoctorMessage(disconnectMessage(refusal.code)));
      return;
    }
    const session = new PatientSession(socket, this);
    this.sessions.add(session);
    this.unauthenticated.add(session);
    this.notify();
  }

  audit(kind: string, patientId: string | null, address: string | null, detail: string): void {
    this.auditWriter.write(kind, patientId, address, detail);
  }

  /** A row caused by a connection that has proven nothing yet: a few a minute per source address and kind. */
  private auditUnproven(kind: string, patientId: string | null, address: string, detail: string): void {
    const { write, note } = this.throttle.admit(`${kind} ${sourceOf(address)}`);
    if (write) this.audit(kind, patientId, address, detail + note);
  }

  /** Rows about a session: throttled until it is admitted. */
  private auditSession(session: PatientSession, kind: string, detail: string): void {
    if (session.isAdmitted) this.audit(kind, session.patientId, session.address, detail);
    else this.auditUnproven(kind, session.patientId, session.address, detail);
  }

  fingerprint(group: Group, y: bigint): string {
    return keyFingerprint((d) => this.crypto.engine.hash(d), group.p, group.g, y);
  }

  screenHello(session: PatientSession, patientId: string): DoctorMessage | null {
    if (!this.limiter.allowHandshake(session.socket.remoteIp)) {
      this.auditUnproven('refused', patientId, session.address, 'rate limited');
      return disconnectMessage('RATE_LIMITED');
    }
    const block = this.store.blocks.active(patientId);
    if (block) {
      const minutes = Math.max(1, Math.ceil((block.expiresAt - this.now()) / 60_000));
      this.auditUnproven('refused', patientId, session.address, `blocked until ${new Date(block.expiresAt).toISOString()}`);
      return { op: DOCTOR_OP.BLOCKED, reason: `You are blocked (${block.reason}); about ${minutes} min left.`, until: block.expiresAt };
    }
    return null;
  }

  screenKey(session: PatientSession, patientId: string, fingerprint: string): DoctorMessage | null {
    const keyBlockedUntil = this.limiter.keyBlockedUntil(session.socket.remoteIp, fingerprint);
    if (keyBlockedUntil === null) return null;
    this.auditUnproven('refused', patientId, session.address, `key ${fingerprint} is refused from this address after failed handshakes`);
    return { op: DOCTOR_OP.BLOCKED, reason: this.keyBlockSentence(keyBlockedUntil), until: keyBlockedUntil };
  }

  private keyBlockSentence(until: number): string {
    const minutes = Math.max(1, Math.ceil((until - this.now()) / 60_000));
    return `This key failed several handshakes from your address; it is refused from here for about ${minutes} min.`;
  }

  joined(session: PatientSession): void {
    this.auditSession(session, 'join', `group ${session.group!.name} (${session.group!.bits} bits), key ${session.fingerprint}`);
    this.notify();
  }

  handshakeFailure(session: PatientSession, failure: HandshakeFailure): DoctorMessage {
    const patientId = session.patientId!;
    const ip = session.socket.remoteIp;
    // Nothing a party can do without an id's private key may block that id (requirements, "the
    // outsider rule"): a stale timestamp, a replay, a bad signature, ciphertext or verifier can all
    // be produced by a relay or a stranger. The failure counts against the source address, and the
    // seed's "block on failure" applies to the key that failed, from that address only.
    this.limiter.strike(ip);
    const keyBlockedUntil = this.limiter.keyFailure(ip, session.fingerprint!);
    const blocked = keyBlockedUntil === null ? '' : `; key refused from this address until ${new Date(keyBlockedUntil).toISOString()}`;
    this.auditUnproven('refused', patientId, session.address, `handshake failure ${failure} with key ${session.fingerprint}; id not blocked, address struck${blocked}`);
    if (keyBlockedUntil !== null) return { op: DOCTOR_OP.BLOCKED, reason: this.keyBlockSentence(keyBlockedUntil), until: keyBlockedUntil };
    return disconnectMessage(failure);
  }

  protocolFailure(session: PatientSession, code: DisconnectCode, detail?: string): void {
    this.auditSession(session, 'protocol-error', detail ? `${code}: ${detail}`.slice(0, 300) : code);
  }

  timedOut(session: PatientSession): void {
    this.limiter.strike(session.socket.remoteIp);
  }

  proven(session: PatientSession): void {
    const patientId = session.patientId!;
    const fingerprint = session.fingerprint!;
    const pin = this.store.pins.get(patientId);
    const accepted = this.desk.isAccepted(patientId, fingerprint);
    if (pin && pin.keyFingerprint !== fingerprint && !accepted) return this.keyChangeRequested(session, pin);
    const others = [...this.sessions].filter(
      (s) => s !== session && s.patientId === patientId && (s.stage === 'admitted' || s.stage === 'awaiting-approval'),
    );
    if (accepted) {
      // The doctor accepted this new key: sessions under the key it replaces end, nobody is blocked.
      for (const old of others) void old.close(disconnectMessage('KEY_REPLACED'));
    }
    const twin = others.find((s) => s.fingerprint === fingerprint);
    if (twin && !accepted) {
      // Both connections proved the same key: a cloned device. The seed blocks both.
      const entry = this.blockId(patientId, this.config.failureBlockMinutes, 'two sessions proved the same key (cloned device?)');
      const blocked: DoctorMessage = { op: DOCTOR_OP.BLOCKED, reason: 'Two devices used this identity at once; both are blocked.', until: entry.expiresAt };
      void twin.close(blocked);
      void session.close(blocked);
      return;
    }
    if (session.doctorKeyPair) this.identity.confirm(session.doctorKeyPair);
    if (pin || accepted) return this.admit(session, pin ? 'pinned key' : 'key change accepted by the doctor');
    // A new id that a person could mistake for a known one waits for the doctor under either policy.
    const similarTo = this.lookAlikes.similarTo(patientId);
    if (similarTo.length > 0) {
      this.auditUnproven('look-alike', patientId, session.address, `new id looks like ${similarTo.join(', ')}; held for the doctor's approval`);
      return this.hold(session, 'look-alike', similarTo);
    }
    if (this.config.policy === 'tofu') return this.admit(session, 'trust on first use');
    this.hold(session, 'new-patient', []);
  }

  /**
   * A pinned id proved another key: an impostor, or the patient's new device, until a person
   * says which. Only a proven key reaches the doctor's queue (hello-only requests, which cost an
   * outsider nothing, held it for ten minutes each), and the real patient stays admitted.
   */
  private keyChangeRequested(session: PatientSession, pin: { keyFingerprint: string; firstSeen: number }): void {
    const queued = this.desk.requestKeyChange(session, pin);
    this.auditUnproven('impostor', session.patientId, session.address, `proved key ${session.fingerprint}; pinned key is ${pin.keyFingerprint}; ${queued ? 'queued for the doctor as a key change' : 'not queued'}`);
    void session.close(disconnectMessage(queued ? 'PENDING_KEY_CHANGE' : 'TOO_MANY_REQUESTS'));
  }

  private hold(session: PatientSession, kind: 'new-patient' | 'look-alike', similarTo: string[]): void {
    if (!this.desk.hold(session, kind, similarTo)) return void session.close(disconnectMessage('TOO_MANY_REQUESTS'));
    // A new id waiting for approval is "connected": a look-alike of it is held as well.
    this.lookAlikes.add(session.patientId!);
    this.held.add(session);
    session.awaitApproval();
    this.auditUnproven('approval-requested', session.patientId, session.address, `${kind === 'look-alike' ? 'look-alike id, ' : ''}new key ${session.fingerprint}`);
    this.notify();
  }

  private admit(session: PatientSession, why: string): void {
    const patientId = session.patientId!;
    const fingerprint = session.fingerprint!;
    const publicKey = JSON.stringify({ p: session.group!.p.toString(16), g: session.group!.g.toString(16), y: session.patientY!.toString(16) });
    if (this.desk.isAccepted(patientId, fingerprint)) {
      this.store.pins.replace(patientId, fingerprint, publicKey);
      this.desk.consumeAccepted(patientId);
    } else {
      if (!this.store.pins.get(patientId)) this.lookAlikes.add(patientId);
      this.store.pins.pin(patientId, fingerprint, publicKey);
    }
    this.desk.forget(session);
    this.authenticated(session);
    session.admit();
    this.audit('admitted', patientId, session.address, `${why}; key ${fingerprint}`);
    // Its group key comes with the next rekey, shared with other changes in the window.
    this.conference.join(patientId, session);
    // The first heartbeat now: the patient learns the interval before it could miss one.
    session.heartbeat(this.liveness.everyMs);
    this.liveness.wake();
    this.notify();
  }

  /** The session no longer counts against its address's cap on unfinished connections. */
  private authenticated(session: PatientSession): void {
    if (this.unauthenticated.delete(session)) this.gate.authenticated(session.socket.remoteIp);
  }

  delivered(session: PatientSession, seq: number): boolean {
    if (!this.conference.delivered(session.patientId!, seq)) return false;
    this.notify();
    return true;
  }

  reachable(session: PatientSession): void {
    this.audit('reachable', session.patientId, session.address, 'answered again; no longer unreachable');
    this.notify();
  }

  exited(session: PatientSession): void {
    this.audit('exit', session.patientId, session.address, 'left the conference (opcode 90)');
  }

  peerDisconnected(session: PatientSession, code: string, reason: string): void {
    // Peer text, quoted and escaped: it cannot pose as a line or a word of ours (issue: a reason
    // with newlines printed fake "[admitted]" lines on the console and in the audit log).
    this.auditSession(session, 'disconnect', `patient sent opcode 60, code ${quotePeerText(code, 40)}, reason ${quotePeerText(reason, 120)}`);
  }

  sessionClosed(session: PatientSession, wasAdmitted: boolean): void {
    this.sessions.delete(session);
    if (this.held.delete(session)) this.lookAlikes.remove(session.patientId!);
    this.gate.closed(session.socket.remoteIp, !this.unauthenticated.delete(session));
    this.desk.forget(session);
    const [id, why] = [session.patientId, `session ended${session.endCode ? ` (${session.endCode})` : ''}`];
    if (wasAdmitted && id && this.conference.leave(id, session)) this.audit('removed', id, session.address, why);
    this.notify();
  }

  // ---- the doctor's own actions ----

  private blockId(patientId: string, minutes: number, reason: string, note?: string): BlockEntry {
    const entry = this.store.blocks.block(patientId, reason, this.now() + Math.round(minutes * 60_000), note);
    this.audit('blocked', patientId, null, `${reason}${entry.note ? ` (note: ${entry.note})` : ''}; until ${new Date(entry.expiresAt).toISOString()}`);
    this.notify();
    return entry;
  }

  block(patientId: string, minutes: number, note?: string): BlockEntry {
    const entry = this.blockId(patientId, minutes, 'blocked by the doctor', note);
    const message: DoctorMessage = { op: DOCTOR_OP.BLOCKED, reason: `The doctor blocked you for ${minutes} min.`, until: entry.expiresAt };
    for (const session of [...this.sessions]) if (session.patientId === patientId) void session.close(message);
    return entry;
  }

  unblock(patientId: string): boolean {
    const removed = this.store.blocks.unblock(patientId);
    if (removed) this.audit('unblocked', patientId, null, 'unblocked by the doctor');
    this.notify();
    return removed;
  }

  /** Approves a waiting request (a new patient, a look-alike id, or a key change for the next login); false if none matches. */
  approve(patientId: string, fingerprint: string): boolean {
    return this.desk.approve(patientId, fingerprint);
  }

  reject(patientId: string, fingerprint: string): boolean {
    return this.desk.reject(patientId, fingerprint);
  }

  broadcast(text: string): BroadcastReceipt {
    if (this.conference.size === 0) throw new Error('NO_PATIENTS');
    // Its row is written before it goes out: a broadcast that cannot be recorded is not sent.
    const receipt = this.conference.broadcast(text, this.config.rekeyBeforeBroadcast, (seq, epoch, n) =>
      this.auditWriter.strict('broadcast', null, null, `seq ${seq}, epoch ${epoch}, ${Buffer.byteLength(text)} bytes to ${n} patient(s)`));
    this.notify();
    return receipt;
  }

  /** Tells every patient (opcode 60) and closes every connection. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.sessions].map((s) => s.close(disconnectMessage('SHUTDOWN'))));
    this.liveness.stop();
    this.conference.clear();
    this.desk.clear();
  }

  // ---- views ----

  patients(): PatientRow[] {
    return [...this.sessions].map(patientRow).filter((row): row is PatientRow => row !== null);
  }

  pendingApprovals(): PendingApproval[] {
    return this.desk.list();
  }

  setPolicy(policy: DoctorConfig['policy']): void {
    this.config.policy = policy;
  }
}

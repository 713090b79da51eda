/**
 * The doctor's conference engine: accepts patient connections, applies the admission rules of
 * docs/protocol.md (block list, trust-on-first-use pins, the outsider rule, clones, the "ask"
 * policy), keeps the group key moving with membership, broadcasts, and records every
 * security-relevant event in the audit log. Sockets, store, vault and clock are handed in.
 */
import type { AsyncCrypto, Group } from '../crypto/index.js';
import type { FramedSocket } from '../net/index.js';
import { disconnectMessage, keyFingerprint, type DisconnectCode, type DoctorMessage } from '../protocol/index.js';
import type { KeyVault, Store } from '../store/index.js';
import type { AuditEntry, BlockEntry, BroadcastReceipt, PatientRow, PendingApproval } from '../../shared/contract.js';
import { AddressLimiter } from './address-limiter.js';
import { Conference } from './conference.js';
import type { DoctorConfig } from './config.js';
import type { DoctorContext } from './context.js';
import { GroupChecker } from './group-checker.js';
import { DoctorIdentity } from './identity.js';
import { ReplayCache } from './replay-cache.js';
import { PatientSession, type HandshakeFailure } from './session.js';

const MAX_PENDING = 50;

export interface DoctorDeps {
  config: DoctorConfig;
  crypto: AsyncCrypto;
  store: Store;
  vault: KeyVault;
  now: () => number;
  onChange?: () => void;
  onAudit?: (entry: AuditEntry) => void;
}

interface Pending extends PendingApproval {
  kind: 'new-patient' | 'key-change';
  session: PatientSession | null;
}

export class Doctor implements DoctorContext {
  readonly config: DoctorConfig;
  readonly crypto: AsyncCrypto;
  readonly groups: GroupChecker;
  readonly identity: DoctorIdentity;
  readonly replays: ReplayCache;
  readonly conference: Conference;
  private readonly store: Store;
  private readonly limiter: AddressLimiter;
  private readonly sessions = new Set<PatientSession>();
  private readonly pending = new Map<string, Pending>();
  /** Key changes the doctor accepted: the next proof with this fingerprint replaces the pin. */
  private readonly acceptedKeys = new Map<string, string>();
  readonly now: () => number;
  private readonly notify: () => void;
  private readonly onAudit: (entry: AuditEntry) => void;

  constructor(deps: DoctorDeps) {
    this.config = { ...deps.config };
    this.crypto = deps.crypto;
    this.store = deps.store;
    this.now = deps.now;
    this.notify = deps.onChange ?? (() => {});
    this.onAudit = deps.onAudit ?? (() => {});
    this.groups = new GroupChecker(deps.crypto);
    this.identity = new DoctorIdentity(deps.store, deps.vault, deps.crypto, this.config.maxCustomGroups, (group, fp) =>
      this.audit('identity-created', null, null, `new doctor key for ${group.name} (${group.bits} bits), fingerprint ${fp}`),
    );
    this.replays = new ReplayCache(deps.now, this.config.maxClockSkewMs);
    this.limiter = new AddressLimiter(deps.now, this.config.handshakesPerMinute, this.config.maxStrikes, this.config.strikeWindowMs);
    this.conference = new Conference(deps.crypto, deps.now);
  }

  // ---- connections ----

  accept(socket: FramedSocket): void {
    this.sessions.add(new PatientSession(socket, this));
    this.notify();
  }

  audit(kind: string, patientId: string | null, address: string | null, detail: string): void {
    this.onAudit(this.store.audit.append({ kind, patientId, address, detail }));
  }

  fingerprint(group: Group, y: bigint): string {
    return keyFingerprint((d) => this.crypto.engine.hash(d), group.p, group.g, y);
  }

  screenHello(session: PatientSession, patientId: string): DoctorMessage | null {
    if (!this.limiter.allowHandshake(session.socket.remoteIp)) {
      this.audit('refused', patientId, session.address, 'rate limited');
      return disconnectMessage('RATE_LIMITED');
    }
    const block = this.store.blocks.active(patientId);
    if (block) {
      const minutes = Math.max(1, Math.ceil((block.expiresAt - this.now()) / 60_000));
      this.audit('refused', patientId, session.address, `blocked until ${new Date(block.expiresAt).toISOString()}`);
      return { op: 80, reason: `You are blocked (${block.reason}); about ${minutes} min left.`, until: block.expiresAt };
    }
    return null;
  }

  checkPin(session: PatientSession, patientId: string, fingerprint: string): DoctorMessage | null {
    const pin = this.store.pins.get(patientId);
    if (!pin || pin.keyFingerprint === fingerprint || this.acceptedKeys.get(patientId) === fingerprint) return null;
    // Someone presents another key for a pinned id: an impostor until a person says otherwise.
    this.limiter.strike(session.socket.remoteIp);
    this.audit('impostor', patientId, session.address, `presented key ${fingerprint}; pinned key is ${pin.keyFingerprint}`);
    if (this.pending.size < MAX_PENDING && !this.pending.has(patientId)) {
      this.pending.set(patientId, { kind: 'key-change', id: patientId, address: session.address, fingerprint, requestedAt: this.now(), session: null });
      this.notify();
      return disconnectMessage('PENDING_KEY_CHANGE');
    }
    return disconnectMessage('KEY_MISMATCH');
  }

  joined(session: PatientSession): void {
    this.audit('join', session.patientId, session.address, `group ${session.group!.name} (${session.group!.bits} bits), key ${session.fingerprint}`);
    this.notify();
  }

  handshakeFailure(session: PatientSession, failure: HandshakeFailure): DoctorMessage {
    const patientId = session.patientId!;
    const pinned = this.store.pins.get(patientId);
    // The outsider rule: only an id nobody has pinned yet can be blocked by a failed attempt.
    // For a pinned id the failure proves nothing about its owner (anyone can replay or garble),
    // so the attempt is refused and counted against the source address instead.
    if (!pinned) {
      const entry = this.blockId(patientId, this.config.failureBlockMinutes, `handshake failure: ${failure}`);
      return { op: 80, reason: `Handshake failed (${failure}); this id is blocked for ${this.config.failureBlockMinutes} min.`, until: entry.expiresAt };
    }
    this.limiter.strike(session.socket.remoteIp);
    this.audit('refused', patientId, session.address, `handshake failure ${failure} for a pinned id; id not blocked, address struck`);
    return disconnectMessage(failure);
  }

  protocolFailure(session: PatientSession, code: DisconnectCode, detail?: string): void {
    this.audit('protocol-error', session.patientId, session.address, detail ? `${code}: ${detail}`.slice(0, 300) : code);
  }

  proven(session: PatientSession): void {
    const patientId = session.patientId!;
    const fingerprint = session.fingerprint!;
    const pin = this.store.pins.get(patientId);
    if (pin && pin.keyFingerprint !== fingerprint && this.acceptedKeys.get(patientId) !== fingerprint) {
      // Pinned meanwhile by another connection's first use: this one is the stranger.
      this.audit('impostor', patientId, session.address, `proved key ${fingerprint}; pinned key is ${pin.keyFingerprint}`);
      this.limiter.strike(session.socket.remoteIp);
      void session.close(disconnectMessage('KEY_MISMATCH'));
      return;
    }
    const twin = [...this.sessions].find(
      (s) => s !== session && s.patientId === patientId && (s.stage === 'admitted' || s.stage === 'awaiting-approval'),
    );
    if (twin) {
      // Both connections proved the same key: a cloned device. The seed blocks both.
      const entry = this.blockId(patientId, this.config.failureBlockMinutes, 'two sessions proved the same key (cloned device?)');
      const blocked: DoctorMessage = { op: 80, reason: 'Two devices used this identity at once; both are blocked.', until: entry.expiresAt };
      void twin.close(blocked);
      void session.close(blocked);
      return;
    }
    if (pin || this.acceptedKeys.get(patientId) === fingerprint) {
      this.admit(session, pin ? 'pinned key' : 'key change accepted by the doctor');
    } else if (this.config.policy === 'tofu') {
      this.admit(session, 'trust on first use');
    } else {
      this.pending.set(patientId, { kind: 'new-patient', id: patientId, address: session.address, fingerprint, requestedAt: this.now(), session });
      session.awaitApproval();
      this.audit('approval-requested', patientId, session.address, `new key ${fingerprint}`);
      this.notify();
    }
  }

  private admit(session: PatientSession, why: string): void {
    const patientId = session.patientId!;
    const fingerprint = session.fingerprint!;
    const publicKey = JSON.stringify({ p: session.group!.p.toString(16), g: session.group!.g.toString(16), y: session.patientY!.toString(16) });
    const accepted = this.acceptedKeys.get(patientId) === fingerprint;
    if (accepted) {
      this.store.pins.replace(patientId, fingerprint, publicKey);
      this.acceptedKeys.delete(patientId);
    } else {
      this.store.pins.pin(patientId, fingerprint, publicKey);
    }
    this.pending.delete(patientId);
    session.admit();
    this.conference.members.set(patientId, session);
    this.audit('admitted', patientId, session.address, `${why}; key ${fingerprint}`);
    this.rekey(`join of ${patientId}`);
  }

  rekey(reason: string): void {
    const epoch = this.conference.rekey();
    this.audit('rekey', null, null, `epoch ${epoch} (${reason}); ${this.conference.members.size} patient(s)`);
    this.notify();
  }

  delivered(session: PatientSession, seq: number): void {
    if (this.conference.delivered(session.patientId!, seq)) this.notify();
  }

  exited(session: PatientSession): void {
    this.audit('exit', session.patientId, session.address, 'left the conference (opcode 90)');
  }

  peerDisconnected(session: PatientSession, code: string, reason: string): void {
    this.audit('disconnect', session.patientId, session.address, `patient sent opcode 60: ${code.slice(0, 40)} ${reason.slice(0, 200)}`);
  }

  sessionClosed(session: PatientSession, wasAdmitted: boolean): void {
    this.sessions.delete(session);
    const id = session.patientId;
    const pending = id ? this.pending.get(id) : undefined;
    if (pending?.session === session) this.pending.delete(id!);
    if (wasAdmitted && id && this.conference.members.get(id) === session) {
      this.conference.members.delete(id);
      this.audit('removed', id, session.address, 'session ended');
      this.rekey(`departure of ${id}`);
    }
    this.notify();
  }

  // ---- the doctor's own actions ----

  private blockId(patientId: string, minutes: number, reason: string): BlockEntry {
    const entry = this.store.blocks.block(patientId, reason, this.now() + Math.round(minutes * 60_000));
    this.audit('blocked', patientId, null, `${reason}; until ${new Date(entry.expiresAt).toISOString()}`);
    this.notify();
    return entry;
  }

  block(patientId: string, minutes: number): BlockEntry {
    const entry = this.blockId(patientId, minutes, 'blocked by the doctor');
    const message: DoctorMessage = { op: 80, reason: `The doctor blocked you for ${minutes} min.`, until: entry.expiresAt };
    for (const session of [...this.sessions]) if (session.patientId === patientId) void session.close(message);
    return entry;
  }

  unblock(patientId: string): boolean {
    const removed = this.store.blocks.unblock(patientId);
    if (removed) this.audit('unblocked', patientId, null, 'unblocked by the doctor');
    this.notify();
    return removed;
  }

  /** Approves a waiting new patient, or a key change for the next attempt; false if none matches. */
  approve(patientId: string, fingerprint: string): boolean {
    const pending = this.pending.get(patientId);
    if (!pending || pending.fingerprint !== fingerprint) return false;
    this.pending.delete(patientId);
    if (pending.kind === 'key-change') {
      this.acceptedKeys.set(patientId, fingerprint);
      this.audit('approved', patientId, pending.address, `key change to ${fingerprint} accepted; pinned at next login`);
    } else if (pending.session && pending.session.stage === 'awaiting-approval') {
      this.audit('approved', patientId, pending.address, `new key ${fingerprint} approved`);
      this.admit(pending.session, 'approved by the doctor');
    }
    this.notify();
    return true;
  }

  reject(patientId: string, fingerprint: string): boolean {
    const pending = this.pending.get(patientId);
    if (!pending || pending.fingerprint !== fingerprint) return false;
    this.pending.delete(patientId);
    this.audit('rejected', patientId, pending.address, `key ${fingerprint} rejected`);
    if (pending.session) void pending.session.close(disconnectMessage('REJECTED'));
    this.notify();
    return true;
  }

  broadcast(text: string): BroadcastReceipt {
    if (this.conference.members.size === 0) throw new Error('NO_PATIENTS');
    if (this.config.rekeyBeforeBroadcast) this.rekey('before broadcast');
    const receipt = this.conference.broadcast(text);
    this.audit('broadcast', null, null, `seq ${receipt.seq}, epoch ${receipt.epoch}, ${Buffer.byteLength(text)} bytes to ${receipt.recipients.length} patient(s)`);
    this.notify();
    return receipt;
  }

  /** Tells every patient (opcode 60) and closes every connection. */
  async shutdown(): Promise<void> {
    const sessions = [...this.sessions];
    await Promise.all(sessions.map((s) => s.close(disconnectMessage('SHUTDOWN'))));
    this.conference.clear();
    this.pending.clear();
  }

  // ---- views ----

  patients(): PatientRow[] {
    return [...this.sessions]
      .filter((s) => s.patientId !== null && s.stage !== 'closed')
      .map((s) => ({
        id: s.patientId!,
        address: s.address,
        stage: s.stage === 'closed' ? 'hello' : s.stage,
        connectedAt: s.connectedAt,
        admittedAt: s.admittedAt,
        fingerprint: s.fingerprint,
        lastDeliveredSeq: s.lastDeliveredSeq,
        lastDeliveryAt: s.lastDeliveryAt,
      }));
  }

  pendingApprovals(): PendingApproval[] {
    return [...this.pending.values()].map(({ id, address, fingerprint, requestedAt }) => ({ id, address, fingerprint, requestedAt }));
  }

  setPolicy(policy: DoctorConfig['policy']): void {
    this.config.policy = policy;
  }
}

/**
 * The doctor's approval desk: the requests that wait for a person (a new patient under "ask", a
 * look-alike id, a pinned id that proved another key), their deadlines, and the key changes the
 * doctor accepted for the next login. The bounds are PendingRequests'; this class adds what a
 * request means for its connection (told why it waits, replaced, lapsed or declined) and what
 * the audit log says about it. Admission itself stays with the Doctor, reached through a callback.
 */
import { disconnectMessage } from '../protocol/index.js';
import type { PendingApproval } from '../../shared/contract.js';
import type { TimerHandle, Timers } from '../../shared/timers.js';
import type { DoctorConfig } from './config.js';
import { PendingRequests, type PendingRequest } from './pending-requests.js';
import type { PatientSession } from './session.js';

export interface ApprovalDeskDeps {
  config: DoctorConfig;
  now: () => number;
  timers: Timers;
  /** An audit row the doctor's own decision causes (always written). */
  audit(kind: string, patientId: string | null, address: string | null, detail: string): void;
  /** An audit row a peer's request causes (throttled per source address). */
  auditUnproven(kind: string, patientId: string | null, address: string, detail: string): void;
  notify(): void;
  admit(session: PatientSession, why: string): void;
}

type Queued = Omit<PendingRequest, 'requestedAt' | 'expiresAt'>;

export class ApprovalDesk {
  private readonly pending: PendingRequests;
  private timer: TimerHandle | null = null;
  /** Key changes the doctor accepted: the next proof with this fingerprint replaces the pin. */
  private readonly accepted = new Map<string, { fingerprint: string; until: number }>();

  constructor(private readonly deps: ApprovalDeskDeps) {
    this.pending = new PendingRequests(deps.now, deps.config);
  }

  /** Queues a proven key for a pinned id; false when a bound refuses it. */
  requestKeyChange(session: PatientSession, pin: { keyFingerprint: string; firstSeen: number }): boolean {
    return this.queue(
      { kind: 'key-change', id: session.patientId!, address: session.address, fingerprint: session.fingerprint!, pinnedFingerprint: pin.keyFingerprint, pinnedAt: pin.firstSeen, similarTo: [], session: null },
      this.deps.config.pendingTimeoutMs,
    );
  }

  /** Queues a waiting connection (new patient, look-alike id); false when a bound refuses it. */
  hold(session: PatientSession, kind: 'new-patient' | 'look-alike', similarTo: string[]): boolean {
    return this.queue(
      { kind, id: session.patientId!, address: session.address, fingerprint: session.fingerprint!, pinnedFingerprint: null, pinnedAt: null, similarTo, session },
      this.deps.config.approvalTimeoutMs,
    );
  }

  isAccepted(patientId: string, fingerprint: string): boolean {
    const accepted = this.accepted.get(patientId);
    return accepted !== undefined && accepted.fingerprint === fingerprint && accepted.until > this.deps.now();
  }

  /** The accepted key change was used (its pin replaced). */
  consumeAccepted(patientId: string): void {
    this.accepted.delete(patientId);
  }

  /** The session was admitted or closed: its request, if any, goes. */
  forget(session: PatientSession): void {
    const request = this.pending.forSession(session);
    if (request) this.pending.remove(request);
  }

  /** Approves a waiting request (admits its connection, or accepts a key for the next login); false if none matches. */
  approve(patientId: string, fingerprint: string): boolean {
    this.expire();
    const request = this.pending.get(patientId, fingerprint);
    if (!request) return false;
    this.pending.remove(request);
    if (request.kind === 'key-change') {
      this.accepted.set(patientId, { fingerprint, until: this.deps.now() + this.deps.config.pendingTimeoutMs });
      this.deps.audit('approved', patientId, request.address, `key change to ${fingerprint} accepted (pinned key was ${request.pinnedFingerprint}); pinned at next login`);
    } else if (request.session && request.session.stage === 'awaiting-approval') {
      this.deps.audit('approved', patientId, request.address, `${request.kind === 'look-alike' ? 'look-alike id' : 'new key'} ${fingerprint} approved`);
      this.deps.admit(request.session, 'approved by the doctor');
    }
    this.schedule();
    this.deps.notify();
    return true;
  }

  reject(patientId: string, fingerprint: string): boolean {
    const request = this.pending.get(patientId, fingerprint);
    if (!request) return false;
    this.pending.remove(request);
    this.deps.audit('rejected', patientId, request.address, `${request.kind} request for key ${fingerprint} rejected`);
    if (request.session) void request.session.close(disconnectMessage('REJECTED'));
    this.schedule();
    this.deps.notify();
    return true;
  }

  list(): PendingApproval[] {
    this.expire();
    return this.pending.list();
  }

  clear(): void {
    this.pending.clear();
    this.timer?.cancel();
    this.timer = null;
  }

  private queue(request: Queued, waitMs: number): boolean {
    this.expire();
    const now = this.deps.now();
    const full: PendingRequest = { ...request, requestedAt: now, expiresAt: now + waitMs };
    const outcome = this.pending.add(full);
    const { config } = this.deps;
    if (!outcome.added) {
      const bound = { 'per-id': `${config.maxPendingPerId} for this id`, 'per-address': `${config.maxPendingPerAddress} from this address`, full: `${config.maxPending} in all` }[outcome.why];
      this.deps.auditUnproven('refused', full.id, full.address, `${full.kind} request for key ${full.fingerprint} not queued: ${bound} are waiting`);
      return false;
    }
    const old = outcome.replaced;
    if (old) {
      this.deps.auditUnproven('request-replaced', old.id, old.address, `${old.kind} request for key ${old.fingerprint} replaced by a newer one from the same address`);
      if (old.session && old.session !== full.session) void old.session.close(disconnectMessage('REQUEST_REPLACED'));
    }
    this.schedule();
    this.deps.notify();
    return true;
  }

  private expire(): void {
    for (const lapsed of this.pending.expire()) {
      this.deps.audit('request-expired', lapsed.id, lapsed.address, `${lapsed.kind} request for key ${lapsed.fingerprint} lapsed undecided`);
      if (lapsed.session) void lapsed.session.close(disconnectMessage('APPROVAL_TIMEOUT'));
    }
    for (const [id, accepted] of this.accepted) if (accepted.until <= this.deps.now()) this.accepted.delete(id);
  }

  private schedule(): void {
    this.timer?.cancel();
    this.timer = null;
    const next = this.pending.nextExpiry();
    if (next === null) return;
    this.timer = this.deps.timers.after(Math.max(0, next - this.deps.now()), () => {
      this.timer = null;
      this.expire();
      this.schedule();
      this.deps.notify();
    });
  }
}

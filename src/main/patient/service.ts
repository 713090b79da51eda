/**
 * The patient as a service for the UI and the CLI (PatientServiceApi): chooses or generates the
 * group, loads the identity, dials the doctor, pins the doctor's key on first contact, keeps the
 * status, the message feed, the audit log and the performance history, and pushes events.
 */
import { AsyncCrypto, STANDARD_GROUPS, type Group } from '../crypto/index.js';
import { connect } from '../net/index.js';
import { keyFingerprint } from '../protocol/index.js';
import type { KeyVault, Store } from '../store/index.js';
import { openDataFolder } from '../ipc/data-folder.js';
import { ServiceError, type PatientServiceApi, type ServiceEvent, type ServiceListener } from '../ipc/services.js';
import type { AuditEntry, AuditQuery, ConnectRequest, FeedMessage, PatientStatus, PerfSession } from '../../shared/contract.js';
import type { PerfRow } from '../../shared/metrics.js';
import { PatientIdentity } from './identity.js';
import { PatientSession, type PatientSessionEvents } from './session.js';

export interface PatientServiceOptions {
  dataDir: string;
  keyVault?: KeyVault;
  now?: () => number;
  log?: (line: string) => void;
  /** Crypto worker threads (default: one per core, at most 4). */
  workers?: number;
  maxClockSkewMs?: number;
  handshakeTimeoutMs?: number;
}

const MAX_FEED = 500;

const IDLE: PatientStatus = {
  state: 'idle',
  patientId: null,
  doctor: null,
  group: null,
  steps: [],
  ownFingerprint: null,
  doctorFingerprint: null,
  pinState: null,
  blockedUntil: null,
  reason: null,
  generation: null,
};

class PatientService implements PatientServiceApi {
  private current: PatientStatus = { ...IDLE };
  private session: PatientSession | null = null;
  private readonly feedMessages: FeedMessage[] = [];
  private readonly listeners = new Set<ServiceListener>();
  private perfSessionId: string | null = null;
  /** The doctor key seen at the last refused connection, for acceptDoctorKey. */
  private offeredDoctorKey: { peerId: string; fingerprint: string; publicKey: string } | null = null;
  private lastRequest: ConnectRequest | null = null;
  private lastGroup: Group | null = null;
  private settle: ((status: PatientStatus) => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly crypto: AsyncCrypto,
    private readonly identity: PatientIdentity,
    private readonly now: () => number,
    private readonly options: PatientServiceOptions,
  ) {}

  private emit(event: ServiceEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing UI listener must not break the session.
      }
    }
  }

  private update(patch: Partial<PatientStatus>): void {
    this.current = { ...this.current, ...patch };
    this.emit({ channel: 'patient.changed', payload: this.status() });
  }

  private record(kind: string, detail: string): void {
    this.store.audit.append({ kind, patientId: this.current.patientId, address: this.doctorAddress(), detail });
  }

  private doctorAddress(): string | null {
    return this.current.doctor ? `${this.current.doctor.host}:${this.current.doctor.port}` : null;
  }

  private savePerf(): void {
    if (!this.perfSessionId) return;
    this.store.perf.save(this.perfSessionId, this.crypto.metrics.snapshot());
    this.emit({ channel: 'patient.perf', payload: this.perf() });
  }

  status(): PatientStatus {
    return { ...this.current, steps: [...this.current.steps] };
  }

  private async resolveGroup(choice: ConnectRequest['group']): Promise<Group> {
    if (choice === 'ffdhe2048' || choice === 'ffdhe3072' || choice === 'ffdhe4096') return STANDARD_GROUPS[choice];
    const bits = choice === 'generate-3072' ? 3072 : 2048;
    this.update({ state: 'generating-group', generation: { phase: 'searching', elapsedMs: 0 } });
    const group = await this.crypto.generateGroup(bits, {
      onProgress: (p) => this.update({ generation: { phase: p.phase, elapsedMs: p.elapsedMs } }),
    });
    this.record('group-generated', `fresh ${bits}-bit safe-prime group`);
    return group;
  }

  connect(request: ConnectRequest): Promise<PatientStatus> {
    return this.join(request, null);
  }

  /** Joins with the group of the request, or with `group` (a retry after accepting a new key). */
  private async join(request: ConnectRequest, reuse: Group | null): Promise<PatientStatus> {
    if (this.session || this.current.state === 'generating-group' || this.current.state === 'connecting') {
      throw new ServiceError('ALREADY_CONNECTED', 'Leave the current conference first.');
    }
    this.lastRequest = request;
    this.feedMessages.length = 0;
    this.crypto.metrics.reset();
    this.current = { ...IDLE, patientId: request.patientId, doctor: { host: request.host, port: request.port } };
    this.update({ state: 'connecting' });
    try {
      const group = reuse ?? (await this.resolveGroup(request.group));
      this.lastGroup = group;
      const { pair, created } = await this.identity.keyFor(group);
      const ownFingerprint = this.identity.fingerprint(group, pair.y);
      if (created) this.record('identity-created', `new ${group.bits}-bit key ${ownFingerprint}`);
      this.update({ state: 'connecting', group: group.name === 'custom' ? `custom ${group.bits}-bit` : group.name, ownFingerprint, generation: null });
      const socket = await connect(request.host, request.port);
      this.perfSessionId = this.store.perf.startSession('patient');
      const done = new Promise<PatientStatus>((resolve) => (this.settle = resolve));
      this.session = new PatientSession(socket, request.patientId, pair, this.crypto, this.now, this.sessionEvents(group, request), {
        maxClockSkewMs: this.options.maxClockSkewMs ?? 5_000,
        handshakeTimeoutMs: this.options.handshakeTimeoutMs ?? 15_000,
      });
      this.update({ state: 'handshake', steps: [{ step: 'connect', at: this.now() }] });
      this.record('connect', `connecting as ${request.patientId} with ${this.current.group}`);
      this.session.start();
      return await done;
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      const reason = error instanceof Error ? error.message : 'Connection failed.';
      this.update({ state: 'disconnected', reason, generation: null });
      throw new ServiceError('CONNECT_FAILED', reason);
    }
  }

  private sessionEvents(group: Group, request: ConnectRequest): PatientSessionEvents {
    const hash = (d: Uint8Array): Uint8Array => this.crypto.engine.hash(d);
    const peerIdOf = (doctorId: string): string => `${doctorId}@${request.host}:${request.port}/${this.identity.groupId(group)}`;
    const settle = (): void => {
      this.settle?.(this.status());
      this.settle = null;
    };
    return {
      step: (step) => this.update({ steps: [...this.current.steps, { step, at: this.now() }] }),
      checkDoctorKey: (doctorId, y) => {
        const fingerprint = keyFingerprint(hash, group.p, group.g, y);
        const pin = this.store.pins.get(peerIdOf(doctorId));
        if (pin && pin.keyFingerprint !== fingerprint) {
          this.offeredDoctorKey = { peerId: peerIdOf(doctorId), fingerprint, publicKey: JSON.stringify({ p: group.p.toString(16), g: group.g.toString(16), y: y.toString(16) }) };
          this.record('doctor-key-changed', `doctor presented ${fingerprint}; pinned ${pin.keyFingerprint}; refused`);
          this.update({ doctorFingerprint: fingerprint, pinState: 'changed' });
          return 'changed';
        }
        this.update({ doctorFingerprint: fingerprint, pinState: pin ? 'pinned' : 'new' });
        return 'ok';
      },
      doctorProven: (doctorId, y) => {
        const fingerprint = keyFingerprint(hash, group.p, group.g, y);
        const peerId = peerIdOf(doctorId);
        if (!this.store.pins.get(peerId)) {
          this.store.pins.pin(peerId, fingerprint, JSON.stringify({ p: group.p.toString(16), g: group.g.toString(16), y: y.toString(16) }));
          this.record('doctor-pinned', `first contact: pinned doctor key ${fingerprint}`);
        } else {
          this.store.pins.touch(peerId);
        }
        this.offeredDoctorKey = null;
      },
      awaitingApproval: () => {
        this.update({ reason: 'Waiting for the doctor to approve your key.' });
        this.record('awaiting-approval', 'the doctor asks to approve new patients');
        settle();
      },
      admitted: (epoch) => {
        this.update({ state: 'admitted', reason: null });
        this.record('admitted', `admitted; group key epoch ${epoch}`);
        this.savePerf();
        settle();
      },
      message: (message) => {
        this.feedMessages.push(message);
        if (this.feedMessages.length > MAX_FEED) this.feedMessages.shift();
        this.record('message', `broadcast ${message.seq} (epoch ${message.epoch}) received and acknowledged`);
        this.emit({ channel: 'patient.message', payload: message });
        this.savePerf();
      },
      dropped: (why) => this.record('message-dropped', why),
      ended: (outcome) => {
        this.session = null;
        const state = outcome.state === 'key-changed' ? 'key-changed' : outcome.state;
        this.update({ state, reason: outcome.reason, blockedUntil: outcome.blockedUntil ?? null });
        this.record(state === 'blocked' ? 'blocked' : 'disconnected', outcome.reason);
        this.savePerf();
        if (this.perfSessionId) this.store.perf.end(this.perfSessionId);
        this.perfSessionId = null;
        settle();
      },
    };
  }

  async leave(): Promise<PatientStatus> {
    const session = this.session;
    if (!session) return this.status();
    await session.leave();
    return this.status();
  }

  async acceptDoctorKey(fingerprint: string): Promise<PatientStatus> {
    const offered = this.offeredDoctorKey;
    if (!offered || offered.fingerprint !== fingerprint || !this.lastRequest) {
      throw new ServiceError('NO_KEY_CHANGE', 'There is no changed doctor key with that fingerprint to accept.');
    }
    this.store.pins.replace(offered.peerId, offered.fingerprint, offered.publicKey);
    this.record('doctor-key-accepted', `the patient accepted the doctor's new key ${fingerprint}`);
    this.offeredDoctorKey = null;
    this.current = { ...this.current, state: 'idle' };
    return this.join({ ...this.lastRequest }, this.lastGroup);
  }

  feed(): FeedMessage[] {
    return [...this.feedMessages];
  }

  perf(): PerfRow[] {
    return this.crypto.metrics.snapshot();
  }

  perfHistory(): PerfSession[] {
    return this.store.perf.history('patient');
  }

  audit(query: AuditQuery): AuditEntry[] {
    return this.store.audit.query(query);
  }

  subscribe(listener: ServiceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.leave();
    await this.crypto.close();
    this.store.close();
  }
}

export async function createPatientService(options: PatientServiceOptions): Promise<PatientServiceApi> {
  const now = options.now ?? Date.now;
  const { store, vault } = openDataFolder(options.dataDir, now, options.keyVault);
  const crypto = new AsyncCrypto(options.workers === undefined ? {} : { workers: options.workers });
  const identity = new PatientIdentity(store, vault, crypto, now);
  return new PatientService(store, crypto, identity, now, options);
}

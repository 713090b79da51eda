/**
 * The doctor as a service for the UI and the CLI (DoctorServiceApi): owns the store, the key
 * vault, the crypto workers, the listener and the Doctor engine, persists the performance figures
 * of each listening session, and pushes coalesced change events.
 */
import { AsyncCrypto } from '../crypto/index.js';
import { listen, type Listener } from '../net/index.js';
import type { Store } from '../store/index.js';
import { startOnDataFolder } from '../service/data-folder.js';
import { ServiceError, type DoctorServiceApi, type ServiceEvent, type ServiceListener } from '../service/services.js';
import type { ServiceOptions } from '../service/options.js';
import type {
  AdmissionPolicy,
  AuditEntry,
  AuditQuery,
  AuditCheckpoint, AuditVerification,
  BlockEntry,
  BroadcastReceipt,
  DoctorSnapshot,
  DoctorStatus,
  PerfSession,
} from '../../shared/contract.js';
import type { PerfRow } from '../../shared/metrics.js';
import { DEFAULT_DOCTOR_CONFIG, type DoctorConfig } from './config.js';
import { Doctor } from './doctor.js';
import { hostPort } from '../../shared/address.js';
import * as v from 'valibot';
import { HOST } from '../../shared/contract-schema.js';

export interface DoctorServiceOptions extends ServiceOptions {
  config?: Partial<DoctorConfig>;
}

const POLICY_KEY = 'doctor.policy';
/** Where the doctor last listened ({ host, port } as JSON), offered as "resume" after a restart. */
const LAST_LISTEN_KEY = 'doctor.last-listen';
const LISTEN_HINTS: Record<string, string> = {
  EADDRINUSE: 'another program (or another MedChatSecure) already uses this port; choose another port, or close that program',
  EACCES: 'ports below 1024 need administrator rights; choose a port from 1024 up',
  EADDRNOTAVAIL: 'this computer has no such address; use 127.0.0.1, 0.0.0.0 or one of its own addresses',
};
/**
 * Snapshots at most this often. A snapshot lists every patient and the recent receipts, so one
 * per turn of the event loop cost more than the work it reported during a join storm or while
 * a thousand acknowledgements arrive; a person sees no difference at 20 a second.
 */
const SNAPSHOT_SPACING_MS = 50;

class DoctorService implements DoctorServiceApi {
  private listener: Listener | null = null;
  private perfSessionId: string | null = null;
  private readonly listeners = new Set<ServiceListener>();
  private changeQueued = false;
  private changeTimer: NodeJS.Timeout | null = null;
  private lastSnapshotAt = -Infinity;
  private perfTimer: NodeJS.Timeout | null = null;
  private closed = false;
  get isClosed(): boolean {
    return this.closed;
  }

  constructor(
    private readonly store: Store,
    private readonly crypto: AsyncCrypto,
    readonly doctor: Doctor,
    private readonly log: (line: string) => void,
    private readonly releaseFolder: () => void,
  ) {}

  emit(event: ServiceEvent): void {
    if (this.closed) return;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log(`event listener failed: ${(error as Error).message}`);
      }
    }
  }

  /**
   * Coalesces bursts of changes into one snapshot: on the next turn of the event loop, or
   * SNAPSHOT_SPACING_MS after the previous snapshot if that is later.
   */
  changed(): void {
    if (this.changeQueued) return;
    this.changeQueued = true;
    const emit = (): void => {
      this.changeQueued = false;
      this.changeTimer = null;
      if (this.closed) return;
      this.lastSnapshotAt = performance.now();
      this.emit({ channel: 'doctor.changed', payload: this.snapshot() });
      this.schedulePerf();
    };
    const wait = this.lastSnapshotAt + SNAPSHOT_SPACING_MS - performance.now();
    if (wait <= 0) setImmediate(emit);
    else this.changeTimer = setTimeout(emit, wait);
  }

  private schedulePerf(): void {
    if (this.perfTimer) return;
    this.perfTimer = setTimeout(() => {
      this.perfTimer = null;
      if (this.closed) return;
      this.savePerf();
      this.emit({ channel: 'doctor.perf', payload: this.perf() });
    }, 250);
    this.perfTimer.unref();
  }

  /** A failed save (a full or read-only disk) is logged and retried with the next change; it never stops the conference. */
  private savePerf(): void {
    if (!this.perfSessionId) return;
    try {
      this.store.perf.save(this.perfSessionId, this.crypto.metrics.snapshot());
    } catch (error) {
      this.log(`perf: figures not saved (${(error as { code?: string }).code ?? (error as Error).name}); the next change retries`);
    }
  }

  status(): DoctorStatus {
    return {
      listening: this.listener !== null,
      host: this.listener?.host ?? null,
      port: this.listener?.port ?? null,
      policy: this.doctor.config.policy,
      rekeyBeforeBroadcast: this.doctor.config.rekeyBeforeBroadcast,
      epoch: this.doctor.conference.epoch,
      fingerprints: this.doctor.identity.fingerprints(),
      resume: this.listener ? null : this.lastListen(),
      connections: {
        open: this.doctor.gate.connections,
        admitted: this.doctor.conference.size,
        unfinished: this.doctor.gate.unfinished.connections,
      },
    };
  }

  /** The last listening address, if the stored one is still a valid one (the file may come from anywhere). */
  private lastListen(): { host: string; port: number } | null {
    const raw = this.store.settings.get(LAST_LISTEN_KEY);
    if (raw === undefined) return null;
    try {
      const value = JSON.parse(raw) as { host?: unknown; port?: unknown };
      const { host, port } = value;
      if (typeof host !== 'string' || !v.safeParse(HOST, host).success || !Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) return null;
      return { host, port: port as number };
    } catch {
      return null;
    }
  }

  snapshot(): DoctorSnapshot {
    return {
      status: this.status(),
      patients: this.doctor.patients(),
      pending: this.doctor.pendingApprovals(),
      blocks: this.store.blocks.list(),
      broadcasts: this.doctor.conference.recentReceipts(),
    };
  }

  async listen(host: string, port: number): Promise<DoctorStatus> {
    if (this.listener) throw new ServiceError('ALREADY_LISTENING', `Already listening on ${hostPort(this.listener.host, this.listener.port)}.`);
    try {
      this.listener = await listen(host, port, (socket) => this.doctor.accept(socket), this.doctor.config.maxConnections + 512);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'ERROR';
      const hint = LISTEN_HINTS[code];
      const field = code === 'EADDRINUSE' || code === 'EACCES' ? 'port' : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' ? 'host' : undefined;
      throw new ServiceError('LISTEN_FAILED', `Could not listen on ${hostPort(host, port)}${hint ? `: ${hint}` : ''} (${code}).`, field);
    }
    this.crypto.metrics.reset();
    this.store.settings.set(LAST_LISTEN_KEY, JSON.stringify({ host, port: this.listener.port }));
    this.perfSessionId = this.store.perf.startSession('doctor');
    this.doctor.audit('listen', null, null, `listening on ${hostPort(host, this.listener.port)}`);
    this.changed();
    return this.status();
  }

  async stop(): Promise<DoctorStatus> {
    const listener = this.listener;
    if (!listener) return this.status();
    this.listener = null;
    await this.doctor.shutdown();
    await listener.close();
    this.savePerf();
    if (this.perfSessionId) this.store.perf.end(this.perfSessionId);
    this.perfSessionId = null;
    this.doctor.audit('shutdown', null, null, `stopped listening on ${hostPort(listener.host, listener.port)}; patients told (opcode 60)`);
    this.changed();
    return this.status();
  }

  setPolicy(policy: AdmissionPolicy): DoctorStatus {
    this.doctor.setPolicy(policy);
    this.store.settings.set(POLICY_KEY, policy);
    this.doctor.audit('policy', null, null, `new patients: ${policy === 'tofu' ? 'trust on first use' : 'ask the doctor'}`);
    this.changed();
    return this.status();
  }

  /** The note is the doctor's own: kept in the block list and the audit log, never sent to the patient. */
  block(patientId: string, minutes: number, note?: string): BlockEntry {
    return this.doctor.block(patientId, minutes, note);
  }

  unblock(patientId: string): void {
    if (!this.doctor.unblock(patientId)) throw new ServiceError('NOT_BLOCKED', `${patientId} is not blocked.`);
  }

  approve(patientId: string, fingerprint: string): void {
    if (!this.doctor.approve(patientId, fingerprint)) {
      throw new ServiceError('NO_SUCH_REQUEST', `No pending request from ${patientId} with that fingerprint.`);
    }
  }

  reject(patientId: string, fingerprint: string): void {
    if (!this.doctor.reject(patientId, fingerprint)) {
      throw new ServiceError('NO_SUCH_REQUEST', `No pending request from ${patientId} with that fingerprint.`);
    }
  }

  async broadcast(text: string): Promise<BroadcastReceipt> {
    if (!this.listener) throw new ServiceError('NOT_LISTENING', 'Start the conference before broadcasting.');
    if (this.doctor.conference.size === 0) throw new ServiceError('NO_PATIENTS', 'No patient is admitted yet.');
    return this.doctor.broadcast(text);
  }

  audit(query: AuditQuery): AuditEntry[] {
    return this.store.audit.query(query);
  }

  auditVerify(): AuditVerification {
    return this.store.audit.verify();
  }

  /** Whether the id was ever pinned or is connected now (the CLI warns before blocking a stranger's id). */
  isKnownPatient(patientId: string): boolean {
    if (this.doctor.patients().some((p) => p.id === patientId)) return true;
    try {
      return this.store.pins.get(patientId) !== undefined;
    } catch {
      return false; // not even a valid id: block() says what an id must be
    }
  }

  auditCheckpoint(): AuditCheckpoint {
    return this.store.audit.checkpoint();
  }

  auditCsv(query: AuditQuery): string {
    return this.store.audit.toCsv(query);
  }

  perf(): PerfRow[] {
    return this.crypto.metrics.snapshot();
  }

  perfHistory(): PerfSession[] {
    return this.store.perf.history('doctor');
  }

  subscribe(listener: ServiceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop();
    this.closed = true;
    if (this.perfTimer) clearTimeout(this.perfTimer);
    if (this.changeTimer) clearTimeout(this.changeTimer);
    await this.crypto.close();
    this.store.close();
    this.releaseFolder();
  }
}

export type { DoctorService };

export async function createDoctorService(options: DoctorServiceOptions): Promise<DoctorService> {
  const now = options.now ?? Date.now;
  return startOnDataFolder(options.dataDir, now, options.keyVault, ({ store, vault, lock }) => {
    const interrupted = store.perf.closeInterrupted('doctor');
    const storedPolicy = store.settings.get(POLICY_KEY);
    const config: DoctorConfig = {
      ...DEFAULT_DOCTOR_CONFIG,
      ...(storedPolicy === 'tofu' || storedPolicy === 'ask' ? { policy: storedPolicy } : {}),
      ...options.config,
    };
    const crypto = new AsyncCrypto({
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(options.backend ? { backend: options.backend } : {}),
    });
    let service: DoctorService | null = null;
    try {
      const doctor = new Doctor({
        config,
        crypto,
        store,
        vault,
        now,
        ...(options.timers ? { timers: options.timers } : {}),
        onChange: () => service?.changed(),
        onAudit: (entry) => service?.emit({ channel: 'doctor.audit', payload: entry }),
      });
      const log = options.log ?? (() => {});
      service = new DoctorService(store, crypto, doctor, log, lock.release);
      const started = service;
      // The standard groups' keys, made in the background: their fingerprints can be read out
      // before anyone joins. A service closed meanwhile drops the work; anything else is logged.
      void doctor.identity.ensureStandardKeys().then(
        () => started.changed(),
        (error: unknown) => {
          if (!started.isClosed) log(`identity: standard keys not made yet (${(error as Error).name}); each is made when first used`);
        },
      );
      if (lock.replacedPid !== null || interrupted > 0) {
        const previous = lock.replacedPid === null ? 'a previous run' : `process ${lock.replacedPid}`;
        doctor.audit('recovered', null, null, `${previous} ended without closing the data folder; ${interrupted} performance session(s) closed as interrupted`);
      }
      return service;
    } catch (error) {
      void crypto.close();
      throw error;
    }
  });
}

/**
 * The patient as a service for the UI and the CLI (PatientServiceApi): chooses or generates the
 * group, loads the identity, dials the doctor, pins the doctor's key on first contact, keeps the
 * status, the message feed, the audit log and the performance history, and pushes events.
 */
import { AsyncCrypto, type Group } from '../crypto/index.js';
import { connect } from '../net/index.js';
import { keyFingerprint } from '../protocol/index.js';
import type { Store } from '../store/index.js';
import { startOnDataFolder } from '../service/data-folder.js';
import { ServiceError, type PatientServiceApi, type ServiceEvent, type ServiceListener } from '../service/services.js';
import type { ServiceOptions } from '../service/options.js';
import { IDLE, keepGroupChoice, lastConnect, rememberConnect, requestedGroup, savedGroups } from './connect-request.js';
import type { AuditEntry, AuditQuery, ConnectRequest, FeedMessage, PatientStatus, PerfSession, SavedGroup } from '../../shared/contract.js';
import type { PerfRow } from '../../shared/metrics.js';
import { PatientIdentity } from './identity.js';
import { PatientSession, type PatientSessionEvents } from './session.js';
import { reconnectDelay, shouldReconnect } from './reconnect.js';
import { dialledAddress, doctorKeyJson, doctorPinId, findDoctorPin, type DoctorPin } from './doctor-pins.js';
import { systemTimers, type TimerHandle, type Timers } from '../../shared/timers.js';
import { hostPort } from '../../shared/address.js';

export interface PatientServiceOptions extends ServiceOptions {
  maxClockSkewMs?: number;
  handshakeTimeoutMs?: number;
  /** Nothing authenticated from the doctor for this long ends the session as a dead link (default 30 s). */
  livenessTimeoutMs?: number;
  /** Dial again by itself after a session ends for a reason that may pass (reconnect.ts); default true. */
  reconnect?: boolean;
  /** Jitter for the reconnection waits (Math.random by default). */
  random?: () => number;
  /** The source address to dial from (a multi-homed machine); the system's choice by default. */
  localAddress?: string;
}

const MAX_FEED = 500;
/** Performance figures are saved at most this often while broadcasts arrive. */
const PERF_SAVE_SPACING_MS = 1_000;

class PatientService implements PatientServiceApi {
  private current: PatientStatus = { ...IDLE };
  private session: PatientSession | null = null;
  private readonly feedMessages: FeedMessage[] = [];
  private readonly listeners = new Set<ServiceListener>();
  private perfSessionId: string | null = null;
  private perfTimer: NodeJS.Timeout | null = null;
  /** The doctor key seen at the last refused connection, for acceptDoctorKey. */
  private offeredDoctorKey: { peerId: string; fingerprint: string; publicKey: string } | null = null;
  private lastRequest: ConnectRequest | null = null;
  private lastGroup: Group | null = null;
  private settle: ((status: PatientStatus) => void) | null = null;
  private reconnectTimer: TimerHandle | null = null;
  private reconnectAttempt = 0;
  /** leave() while a dial is under way: drop the connection when it arrives. */
  private stopRequested = false;

  constructor(
    private readonly store: Store,
    private readonly crypto: AsyncCrypto,
    private readonly identity: PatientIdentity,
    private readonly now: () => number,
    private readonly options: PatientServiceOptions,
    private readonly releaseFolder: () => void = () => {},
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
    return this.current.doctor ? hostPort(this.current.doctor.host, this.current.doctor.port) : null;
  }

  /**
   * Saves the figures at most every PERF_SAVE_SPACING_MS while messages arrive (each save is a
   * write to the data folder), and at once at admission and at the session's end.
   */
  private schedulePerf(): void {
    if (this.perfTimer) return;
    this.perfTimer = setTimeout(() => this.savePerf(), PERF_SAVE_SPACING_MS);
    this.perfTimer.unref();
  }

  private savePerf(): void {
    if (this.perfTimer) clearTimeout(this.perfTimer);
    this.perfTimer = null;
    if (!this.perfSessionId) return;
    try {
      this.store.perf.save(this.perfSessionId, this.crypto.metrics.snapshot());
    } catch (error) {
      // A full or read-only disk must not end the session; the next save retries.
      this.options.log?.(`perf: figures not saved (${(error as { code?: string }).code ?? (error as Error).name}); the next save retries`);
    }
    this.emit({ channel: 'patient.perf', payload: this.perf() });
  }

  status(): PatientStatus {
    return { ...this.current, steps: [...this.current.steps] };
  }

  private async resolveGroup(choice: ConnectRequest['group']): Promise<Group> {
    const sources = { crypto: this.crypto, store: this.store, identity: this.identity };
    const { group, generated, choice: again } = await requestedGroup(choice, sources, (phase, elapsedMs, first) =>
      this.update(first ? { state: 'generating-group', generation: { phase, elapsedMs } } : { generation: { phase, elapsedMs } }),
    );
    if (generated) this.record('group-generated', `fresh ${generated}-bit safe-prime group, kept as ${again}`);
    this.current = { ...this.current, groupChoice: again };
    // Reconnections, a retry after a key change and the next start all use this group, not a new one.
    if (this.lastRequest) this.lastRequest = keepGroupChoice(this.store.settings, this.lastRequest, again);
    return group;
  }

  groups(): SavedGroup[] {
    return savedGroups({ store: this.store, identity: this.identity });
  }

  connect(request: ConnectRequest): Promise<PatientStatus> {
    rememberConnect(this.store.settings, request);
    return this.join(request, null, false);
  }

  lastConnect(): ConnectRequest | null {
    return lastConnect(this.store.settings);
  }

  private get reconnects(): boolean {
    return this.options.reconnect ?? true;
  }

  private get timers(): Timers {
    return this.options.timers ?? systemTimers;
  }

  /** The session ended for a reason that may pass: dial again after the next wait (reconnect.ts). */
  private scheduleReconnect(reason: string): void {
    const attempt = ++this.reconnectAttempt;
    const delay = reconnectDelay(attempt, this.options.random);
    const at = this.now() + delay;
    this.record('reconnecting', `attempt ${attempt} in ${(delay / 1000).toFixed(1)} s`);
    this.update({ state: 'reconnecting', reason, reconnect: { attempt, at }, generation: null });
    this.reconnectTimer = this.timers.after(delay, () => {
      this.reconnectTimer = null;
      if (this.current.state !== 'reconnecting' || !this.lastRequest) return;
      this.join(this.lastRequest, this.lastGroup, true).catch(() => undefined);
    });
  }

  private cancelReconnect(): void {
    this.reconnectTimer?.cancel();
    this.reconnectTimer = null;
  }

  /**
   * Joins with the group of the request, or with `reuse` (a retry after accepting a new key, or
   * a reconnection: `retry` keeps the feed and the attempt count).
   */
  private async join(request: ConnectRequest, reuse: Group | null, retry: boolean): Promise<PatientStatus> {
    if (this.session || this.current.state === 'generating-group' || this.current.state === 'connecting') {
      throw new ServiceError('ALREADY_CONNECTED', 'Leave the current conference first.');
    }
    this.cancelReconnect();
    this.stopRequested = false;
    this.lastRequest = request;
    if (!retry) {
      this.feedMessages.length = 0;
      this.reconnectAttempt = 0;
    }
    this.crypto.metrics.reset();
    const reconnect = retry ? { attempt: this.reconnectAttempt, at: this.now() } : null;
    const groupChoice = request.group.startsWith('generate-') ? null : request.group;
    this.current = { ...IDLE, patientId: request.patientId, doctor: { host: request.host, port: request.port }, groupChoice, reconnect };
    this.update({ state: 'connecting' });
    try {
      const group = reuse ?? (await this.resolveGroup(request.group));
      this.lastGroup = group;
      const { pair, created } = await this.identity.keyFor(group);
      const ownFingerprint = this.identity.fingerprint(group, pair.y);
      if (created) this.record('identity-created', `new ${group.bits}-bit key ${ownFingerprint}`);
      this.update({ state: 'connecting', group: group.name === 'custom' ? `custom ${group.bits}-bit` : group.name, ownFingerprint, generation: null });
      let socket;
      try {
        socket = await connect(request.host, request.port, undefined, this.options.localAddress);
      } catch (error) {
        // The network or the doctor is not there (yet): that may pass.
        const reason = error instanceof Error ? error.message : 'Connection failed.';
        if (!this.reconnects || this.stopRequested) throw error;
        this.record('disconnected', reason);
        this.scheduleReconnect(reason);
        return this.status();
      }
      if (this.stopRequested) {
        socket.destroy();
        this.update({ state: 'disconnected', reason: 'You cancelled the connection.', reconnect: null });
        return this.status();
      }
      this.perfSessionId = this.store.perf.startSession('patient');
      const done = new Promise<PatientStatus>((resolve) => (this.settle = resolve));
      this.session = new PatientSession(socket, request.patientId, pair, this.crypto, this.now, this.sessionEvents(group, request), {
        maxClockSkewMs: this.options.maxClockSkewMs ?? 5_000,
        // Long enough to wait out a busy doctor in a join storm (its own deadline counts only our time).
        handshakeTimeoutMs: this.options.handshakeTimeoutMs ?? 30_000,
        ...(this.options.timers ? { timers: this.options.timers } : {}),
        ...(this.options.livenessTimeoutMs ? { livenessTimeoutMs: this.options.livenessTimeoutMs } : {}),
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
    const groupId = this.identity.groupId(group);
    const address = dialledAddress(request.host, request.port);
    const pinId = doctorPinId(request.host, request.port, groupId);
    const pinFor = (doctorId: string): DoctorPin | null => findDoctorPin(this.store.pins, pinId, address, groupId, doctorId);
    const matches = (pinned: DoctorPin, doctorId: string, fingerprint: string): boolean =>
      pinned.pin.keyFingerprint === fingerprint && pinned.doctorId === doctorId;
    /** Why the last connection was refused, beyond the fingerprint the status shows. */
    let keyChange: string | null = null;
    const settle = (): void => {
      this.settle?.(this.status());
      this.settle = null;
    };
    return {
      step: (step) => this.update({ steps: [...this.current.steps, { step, at: this.now() }] }),
      checkDoctorKey: (doctorId, y) => {
        const fingerprint = keyFingerprint(hash, group.p, group.g, y);
        const pinned = pinFor(doctorId);
        if (pinned && !matches(pinned, doctorId, fingerprint)) {
          // A different key or a different doctor id at a pinned address: refused until a
          // person accepts it. Doctor ids are restricted to [A-Za-z0-9_.@-], safe to show.
          const pinnedId = pinned.doctorId ?? '(unknown)';
          this.offeredDoctorKey = { peerId: pinId, fingerprint, publicKey: doctorKeyJson(group, y, doctorId) };
          this.record(
            'doctor-key-changed',
            `doctor ${doctorId} presented ${fingerprint}; pinned doctor ${pinnedId} with ${pinned.pin.keyFingerprint}` +
              `${pinned.legacy ? ' (pin of an older version)' : ''}; refused`,
          );
          keyChange = pinned.doctorId === doctorId ? null : `The doctor at ${address} answered as ${doctorId}, but ${pinnedId} is pinned there.`;
          this.update({ doctorFingerprint: fingerprint, pinState: 'changed' });
          return 'changed';
        }
        this.update({ doctorFingerprint: fingerprint, pinState: pinned ? 'pinned' : 'unproven' });
        return 'ok';
      },
      doctorProven: (doctorId, y) => {
        const fingerprint = keyFingerprint(hash, group.p, group.g, y);
        const pinned = pinFor(doctorId);
        if (!pinned) {
          this.store.pins.pin(pinId, fingerprint, doctorKeyJson(group, y, doctorId));
          this.record('doctor-pinned', `first contact: pinned doctor ${doctorId} at ${address} with key ${fingerprint}`);
          this.update({ pinState: 'new' });
        } else if (!matches(pinned, doctorId, fingerprint)) {
          // checkDoctorKey let this key through, so the pin changed meanwhile: keep it, stop.
          this.record('doctor-key-changed', `doctor ${doctorId} proved ${fingerprint}, but the pin changed during the handshake; refused`);
          this.update({ pinState: 'changed' });
          return false;
        } else if (pinned.legacy) {
          this.store.pins.pin(pinId, fingerprint, doctorKeyJson(group, y, doctorId));
          this.store.pins.remove(pinned.pin.peerId);
          this.record('doctor-pin-migrated', `pin ${pinned.pin.peerId} of an older version now ${pinId} (doctor ${doctorId}, key ${fingerprint})`);
        } else {
          this.store.pins.touch(pinId);
        }
        this.offeredDoctorKey = null;
        return true;
      },
      awaitingApproval: () => {
        this.update({ reason: 'Waiting for the doctor to approve your key.' });
        this.record('awaiting-approval', 'the doctor asks to approve new patients');
        settle();
      },
      admitted: (epoch) => {
        const again = this.reconnectAttempt > 0 ? ` after ${this.reconnectAttempt} reconnection attempt(s)` : '';
        this.reconnectAttempt = 0;
        this.update({ state: 'admitted', reason: null, reconnect: null });
        if (again) this.record('reconnected', `readmitted${again}`);
        this.record('admitted', `admitted; group key epoch ${epoch}`);
        this.savePerf();
        settle();
      },
      message: (message) => {
        this.feedMessages.push(message);
        if (this.feedMessages.length > MAX_FEED) this.feedMessages.shift();
        this.record('message', `broadcast ${message.seq} (epoch ${message.epoch}) received and acknowledged`);
        this.emit({ channel: 'patient.message', payload: message });
        this.schedulePerf();
      },
      dropped: (why) => this.record('message-dropped', why),
      ended: (outcome) => {
        this.session = null;
        const state = outcome.state === 'key-changed' ? 'key-changed' : outcome.state;
        const reason = state === 'key-changed' && keyChange ? `${outcome.reason} ${keyChange}` : outcome.reason;
        this.record(state === 'blocked' ? 'blocked' : 'disconnected', reason);
        this.savePerf();
        if (this.perfSessionId) this.store.perf.end(this.perfSessionId);
        this.perfSessionId = null;
        if (this.reconnects && !this.stopRequested && shouldReconnect(outcome)) this.scheduleReconnect(reason);
        else this.update({ state, reason, blockedUntil: outcome.blockedUntil ?? null, reconnect: null });
        settle();
      },
    };
  }

  /** Leaves the conference; while reconnecting (or dialling), stops that. */
  async leave(): Promise<PatientStatus> {
    const session = this.session;
    this.stopRequested = true;
    if (this.current.state === 'reconnecting') {
      this.cancelReconnect();
      this.record('reconnect-stopped', `stopped after ${this.reconnectAttempt} attempt(s)`);
      this.update({ state: 'disconnected', reason: `You stopped reconnecting. ${this.current.reason ?? ''}`.trim(), reconnect: null });
    }
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
    return this.join({ ...this.lastRequest }, this.lastGroup, false);
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
    this.cancelReconnect();
    if (this.perfTimer) clearTimeout(this.perfTimer);
    await this.crypto.close();
    this.store.close();
    this.releaseFolder();
  }
}

export async function createPatientService(options: PatientServiceOptions): Promise<PatientServiceApi> {
  const now = options.now ?? Date.now;
  return startOnDataFolder(options.dataDir, now, options.keyVault, ({ store, vault, lock }) => {
    const interrupted = store.perf.closeInterrupted('patient');
    if (lock.replacedPid !== null || interrupted > 0) {
      const previous = lock.replacedPid === null ? 'a previous run' : `process ${lock.replacedPid}`;
      store.audit.append({ kind: 'recovered', detail: `${previous} ended without closing the data folder; ${interrupted} performance session(s) closed as interrupted` });
    }
    const crypto = new AsyncCrypto({
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(options.backend ? { backend: options.backend } : {}),
    });
    const identity = new PatientIdentity(store, vault, crypto, now);
    return new PatientService(store, crypto, identity, now, options, lock.release);
  });
}

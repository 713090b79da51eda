/**
 * The one IPC contract between the renderer and the main-process services. The Electron preload,
 * the browser-mode WebSocket bridge, the main-process handlers and the renderer's types all derive
 * from these two maps, so they cannot disagree about a call's arguments or result.
 *
 * Nothing here may carry a secret: no private key, session key, group key or SK ever crosses IPC.
 * Pure types and constants: no Node, no DOM.
 */
import type { PerfRow } from './metrics.js';

export type Role = 'doctor' | 'patient';
export type GroupChoice = 'ffdhe2048' | 'ffdhe3072' | 'ffdhe4096' | 'generate-2048' | 'generate-3072';
export type AdmissionPolicy = 'tofu' | 'ask';

/** Every reply: Electron passes only an error's message across IPC, so errors travel as data. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };
export interface ContractError {
  /** Stable machine-readable code, e.g. BAD_ARGUMENT, NOT_LISTENING, UNKNOWN_PATIENT. */
  code: string;
  /** A sentence a person can act on. */
  message: string;
}

// ---- views (what the UI may see) ----

export interface AppInfo {
  role: Role | null;
  version: string;
  /** 'electron' in the desktop app, 'browser' in browser mode. */
  shell: 'electron' | 'browser';
  dataDir: string;
  modexpBackend: string;
}

export interface KeyFingerprint {
  group: string;
  bits: number;
  /** Short safety number for out-of-band comparison, e.g. "4821 0937 5512 8830 1274 6609". */
  fingerprint: string;
}

export type PatientStage = 'hello' | 'key-exchange' | 'session-token' | 'verifier' | 'awaiting-approval' | 'admitted';

export interface PatientRow {
  id: string;
  address: string;
  stage: PatientStage;
  connectedAt: number;
  admittedAt: number | null;
  fingerprint: string | null;
  lastDeliveredSeq: number | null;
  lastDeliveryAt: number | null;
}

export interface BlockEntry {
  id: string;
  reason: string;
  blockedAt: number;
  expiresAt: number;
}

/**
 * Why a patient waits for the doctor: a new id under the "ask" policy, a pinned id presenting
 * another key, or a new id that a person could mistake for a pinned or connected one.
 */
export type PendingKind = 'new-patient' | 'key-change' | 'look-alike';

export interface PendingApproval {
  id: string;
  kind: PendingKind;
  /** The source address of the request (host:port). */
  address: string;
  /** The key presented (a safety number). */
  fingerprint: string;
  requestedAt: number;
  /** The request lapses at this time unless the doctor decides first. */
  expiresAt: number;
  /** key-change: the key this id is pinned to, and when that pin was made; null otherwise. */
  pinnedFingerprint: string | null;
  pinnedAt: number | null;
  /** look-alike: the pinned or connected ids this one can be mistaken for; empty otherwise. */
  similarTo: string[];
}

export interface DoctorStatus {
  listening: boolean;
  host: string | null;
  port: number | null;
  policy: AdmissionPolicy;
  rekeyBeforeBroadcast: boolean;
  epoch: number;
  fingerprints: KeyFingerprint[];
}

export interface BroadcastReceipt {
  seq: number;
  epoch: number;
  sentAt: number;
  /** The doctor's own text, shown back to the doctor only. */
  text: string;
  recipients: string[];
  delivered: string[];
}

export interface DoctorSnapshot {
  status: DoctorStatus;
  patients: PatientRow[];
  pending: PendingApproval[];
  blocks: BlockEntry[];
  broadcasts: BroadcastReceipt[];
}

export type HandshakeStep = 'connect' | 'hello' | 'key-exchange' | 'session-token' | 'verifier' | 'admitted';

export type PatientState =
  | 'idle'
  | 'generating-group'
  | 'connecting'
  | 'handshake'
  | 'admitted'
  | 'blocked'
  | 'key-changed'
  | 'disconnected';

export interface PatientStatus {
  state: PatientState;
  patientId: string | null;
  doctor: { host: string; port: number } | null;
  group: string | null;
  steps: { step: HandshakeStep; at: number }[];
  ownFingerprint: string | null;
  doctorFingerprint: string | null;
  /** 'new': first contact, pinned now; 'pinned': matches the pin; 'changed': differs, refused. */
  pinState: 'new' | 'pinned' | 'changed' | null;
  blockedUntil: number | null;
  /** Why the last session ended or failed, for people. */
  reason: string | null;
  generation: { phase: string; elapsedMs: number } | null;
}

export interface FeedMessage {
  seq: number;
  epoch: number;
  sentAt: number;
  receivedAt: number;
  text: string;
}

export interface AuditEntry {
  seq: number;
  at: number;
  kind: string;
  patientId: string | null;
  address: string | null;
  detail: string;
}

export interface AuditQuery {
  kind?: string;
  patientId?: string;
  text?: string;
  limit?: number;
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** First broken row, with what is wrong, when ok is false. */
  problem: string | null;
}

export interface PerfSession {
  sessionId: string;
  role: Role;
  startedAt: number;
  endedAt: number | null;
  rows: PerfRow[];
}

export interface ConnectRequest {
  host: string;
  port: number;
  patientId: string;
  group: GroupChoice;
}

// ---- invoke channels: name -> [argument, result] ----

export interface InvokeMap {
  'app.info': [void, AppInfo];
  'app.chooseRole': [{ role: Role }, AppInfo];

  'doctor.snapshot': [void, DoctorSnapshot];
  'doctor.listen': [{ host: string; port: number }, DoctorStatus];
  'doctor.stop': [void, DoctorStatus];
  'doctor.setPolicy': [{ policy: AdmissionPolicy }, DoctorStatus];
  'doctor.block': [{ patientId: string; minutes: number }, BlockEntry];
  'doctor.unblock': [{ patientId: string }, void];
  'doctor.approve': [{ patientId: string; fingerprint: string }, void];
  'doctor.reject': [{ patientId: string; fingerprint: string }, void];
  'doctor.broadcast': [{ text: string }, BroadcastReceipt];
  'doctor.audit': [AuditQuery, AuditEntry[]];
  'doctor.auditVerify': [void, AuditVerification];
  'doctor.auditCsv': [AuditQuery, string];
  'doctor.perf': [void, PerfRow[]];
  'doctor.perfHistory': [void, PerfSession[]];

  'patient.status': [void, PatientStatus];
  'patient.connect': [ConnectRequest, PatientStatus];
  'patient.leave': [void, PatientStatus];
  'patient.acceptDoctorKey': [{ fingerprint: string }, PatientStatus];
  'patient.feed': [void, FeedMessage[]];
  'patient.perf': [void, PerfRow[]];
  'patient.perfHistory': [void, PerfSession[]];
  'patient.audit': [AuditQuery, AuditEntry[]];
}

export type InvokeChannel = keyof InvokeMap;
export type InvokeArg<C extends InvokeChannel> = InvokeMap[C][0];
export type InvokeResult<C extends InvokeChannel> = InvokeMap[C][1];

// ---- pushed events: name -> payload ----

export interface EventMap {
  'doctor.changed': DoctorSnapshot;
  'doctor.audit': AuditEntry;
  'doctor.perf': PerfRow[];
  'patient.changed': PatientStatus;
  'patient.message': FeedMessage;
  'patient.perf': PerfRow[];
}

export type EventChannel = keyof EventMap;

export const INVOKE_CHANNELS = [
  'app.info',
  'app.chooseRole',
  'doctor.snapshot',
  'doctor.listen',
  'doctor.stop',
  'doctor.setPolicy',
  'doctor.block',
  'doctor.unblock',
  'doctor.approve',
  'doctor.reject',
  'doctor.broadcast',
  'doctor.audit',
  'doctor.auditVerify',
  'doctor.auditCsv',
  'doctor.perf',
  'doctor.perfHistory',
  'patient.status',
  'patient.connect',
  'patient.leave',
  'patient.acceptDoctorKey',
  'patient.feed',
  'patient.perf',
  'patient.perfHistory',
  'patient.audit',
] as const satisfies readonly InvokeChannel[];

export const EVENT_CHANNELS = [
  'doctor.changed',
  'doctor.audit',
  'doctor.perf',
  'patient.changed',
  'patient.message',
  'patient.perf',
] as const satisfies readonly EventChannel[];

/**
 * The API the renderer sees as `window.medchat`, derived from the maps: one async function per
 * invoke channel, plus `on` for events (returns an unsubscribe function).
 */
export interface MedchatApi {
  invoke<C extends InvokeChannel>(channel: C, arg: InvokeArg<C>): Promise<Result<InvokeResult<C>>>;
  on<E extends EventChannel>(channel: E, listener: (payload: EventMap[E]) => void): () => void;
}

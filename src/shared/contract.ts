/**
 * The one IPC contract between the renderer and the main-process services: one declaration per
 * channel, in INVOKE and EVENTS below. Everything else derives from them, so nothing can disagree
 * about a call: the argument and result types (InvokeArg, InvokeResult), the runtime check of the
 * argument (validateInvokeArg), the channel lists and guards (the preload, the browser bridge,
 * ipcMain), the handler table (channel "side.method" calls method on the app runtime or on that
 * side's service, with `params` as its arguments) and the services' interfaces (ChannelMethods).
 *
 * Nothing here may carry a secret: no private key, session key, group key or SK ever crosses IPC.
 * Pure TypeScript and valibot: no Node, no DOM.
 */
import * as v from 'valibot';
import {
  AUDIT_KIND,
  FINGERPRINT,
  HOST,
  LIMITS,
  PATIENT_ID,
  call,
  callWith,
  event,
  filter,
  line,
  oneOf,
  record,
  text,
  wholeNumber,
  type EventSpec,
  type InvokeSpec,
} from './contract-schema.js';
import type { PerfRow } from './metrics.js';

export type { EventSpec, InvokeSpec } from './contract-schema.js';

export const ROLES = ['doctor', 'patient'] as const;
export const ADMISSION_POLICIES = ['tofu', 'ask'] as const;
export const GROUP_CHOICES = ['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'generate-2048', 'generate-3072'] as const;
export type Role = (typeof ROLES)[number];
/** A group this patient generated before and kept (its key is kept too): "saved:" and the group's id. */
export type SavedGroupChoice = `saved:${string}`;
export type GroupChoice = (typeof GROUP_CHOICES)[number] | SavedGroupChoice;
export const SAVED_GROUP_PATTERN = /^saved:[0-9a-f]{32}$/;
export type AdmissionPolicy = (typeof ADMISSION_POLICIES)[number];

/** Every reply: Electron passes only an error's message across IPC, so errors travel as data. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };
export interface ContractError {
  /** Stable machine-readable code, e.g. BAD_ARGUMENT, NOT_LISTENING, UNKNOWN_PATIENT. */
  code: string;
  /** A sentence a person can act on. */
  message: string;
  /** The argument's field at fault, when one is (the port of a refused listen): a form marks it. */
  field?: string;
}

// ---- views (what the UI may see) ----

export interface AppInfo {
  role: Role | null;
  /** The role this data folder was last used in: the chooser offers it first. */
  lastRole: Role | null;
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
  /** When the doctor last heard from it (an authenticated acknowledgement or heartbeat reply); null before admission. */
  lastHeardAt: number | null;
  /** Silent for half the liveness bound: likely a dead link; removed at the bound. */
  unreachable: boolean;
}

export interface BlockEntry {
  id: string;
  /** What the patient is told when refused. */
  reason: string;
  /** The doctor's own note, given when blocking; kept on this computer, never sent to the patient. */
  note: string | null;
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
  /** While not listening: where the doctor last listened, to offer "Resume listening" (after a restart too). */
  resume: { host: string; port: number } | null;
  /** Connections held now: admitted patients, and those still in the handshake (or waiting for approval). */
  connections: { open: number; admitted: number; unfinished: number };
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
  | 'disconnected'
  /** The session ended for a reason that may pass (a doctor restart, a dead link): dialling again at `reconnect.at`. */
  | 'reconnecting';

export interface PatientStatus {
  state: PatientState;
  patientId: string | null;
  doctor: { host: string; port: number } | null;
  group: string | null;
  steps: { step: HandshakeStep; at: number }[];
  ownFingerprint: string | null;
  doctorFingerprint: string | null;
  /**
   * 'unproven': first contact, not pinned yet (the pin comes once the doctor proves it holds the
   * key, after opcode 20); 'new': first contact, pinned now; 'pinned': matches the pin;
   * 'changed': differs, refused.
   */
  pinState: 'unproven' | 'new' | 'pinned' | 'changed' | null;
  blockedUntil: number | null;
  /** Why the last session ended or failed, for people. */
  reason: string | null;
  generation: { phase: string; elapsedMs: number } | null;
  /** The choice that joins with this session's group again: a generated group becomes "saved:<id>". */
  groupChoice: GroupChoice | null;
  /** While reconnecting (or dialling again): the attempt and when it starts (ms since 1970). */
  reconnect: { attempt: number; at: number } | null;
}

/** A group this patient generated and kept, with the key it holds in that group. */
export interface SavedGroup {
  choice: SavedGroupChoice;
  bits: number;
  createdAt: number;
  /** When a handshake last used it. */
  lastUsedAt: number;
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

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** First broken row, with what is wrong, when ok is false. */
  problem: string | null;
  /**
   * Whether the checkpoint's seal was checked with this data folder's key (and, when ok, held):
   * false for a copy of a database read without its folder's key vault.
   */
  sealChecked: boolean;
}

/** The audit checkpoint, exported to be kept elsewhere: a later log must still contain it. */
export interface AuditCheckpoint {
  format: 'medchat-audit-checkpoint/1';
  seq: number;
  hash: string;
  /** HMAC of (seq, hash) under the folder's seal key; null when the log is not sealed yet. */
  seal: string | null;
  exportedAt: number;
}

export interface PerfSession {
  sessionId: string;
  role: Role;
  startedAt: number;
  /** null while it runs; for an interrupted session, its last save. */
  endedAt: number | null;
  /** Its process was killed before it could record the end (closed at the next start). */
  interrupted: boolean;
  rows: PerfRow[];
}

// ---- argument records a service takes whole ----

const AUDIT_QUERY = record({
  kind: filter(AUDIT_KIND),
  patientId: filter(PATIENT_ID),
  text: filter(text(LIMITS.auditTextMaxChars)),
  limit: v.optional(wholeNumber(LIMITS.auditLimit.min, LIMITS.auditLimit.max)),
});
export type AuditQuery = v.InferOutput<typeof AUDIT_QUERY>;

const CONNECT_REQUEST = record({
  host: HOST,
  port: wholeNumber(1, 65535),
  patientId: PATIENT_ID,
  group: v.union(
    [oneOf(GROUP_CHOICES), v.pipe(v.string(), v.regex(SAVED_GROUP_PATTERN))],
    `must be one of: ${GROUP_CHOICES.join(', ')}, or saved: and a saved group's 32-digit id.`,
  ) as v.GenericSchema<unknown, GroupChoice>,
});
export type ConnectRequest = v.InferOutput<typeof CONNECT_REQUEST>;

const BROADCAST_TEXT = v.pipe(text(LIMITS.broadcastMaxChars), v.check((t) => t.trim().length > 0, 'must not be empty.'));
const BLOCK_MINUTES = wholeNumber(LIMITS.blockMinutes.min, LIMITS.blockMinutes.max);
/** The doctor's own note on a block: optional, one line, never sent to the patient. */
export const BLOCK_NOTE = filter(line(LIMITS.blockNoteMaxChars));

// ---- invoke channels: "side.method" -> argument, service parameters, result ----

export type Side = 'app' | 'doctor' | 'patient';
/** What no page may reach, whatever is declared: the lifecycle of the runtime and the services. */
type Reserved = `${Side}.${'subscribe' | 'close' | 'doctor' | 'patient'}`;

export const INVOKE = {
  'app.info': call().returns<AppInfo>(),
  'app.chooseRole': call(['role', oneOf(ROLES)]).resolves<AppInfo>(),

  'doctor.snapshot': call().returns<DoctorSnapshot>(),
  /** The conference's status alone: a cheap poll, without the snapshot's lists. */
  'doctor.status': call().returns<DoctorStatus>(),
  /** Port 0 asks the system for any free port. */
  'doctor.listen': call(['host', HOST], ['port', wholeNumber(0, 65535)]).resolves<DoctorStatus>(),
  'doctor.stop': call().resolves<DoctorStatus>(),
  'doctor.setPolicy': call(['policy', oneOf(ADMISSION_POLICIES)]).returns<DoctorStatus>(),
  'doctor.block': call(['patientId', PATIENT_ID], ['minutes', BLOCK_MINUTES], ['note', BLOCK_NOTE]).returns<BlockEntry>(),
  'doctor.unblock': call(['patientId', PATIENT_ID]).returns<void>(),
  'doctor.approve': call(['patientId', PATIENT_ID], ['fingerprint', FINGERPRINT]).returns<void>(),
  'doctor.reject': call(['patientId', PATIENT_ID], ['fingerprint', FINGERPRINT]).returns<void>(),
  'doctor.broadcast': call(['text', BROADCAST_TEXT]).resolves<BroadcastReceipt>(),
  'doctor.audit': callWith(AUDIT_QUERY).returns<AuditEntry[]>(),
  'doctor.auditVerify': call().returns<AuditVerification>(),
  /** The current checkpoint (seq, hash, seal), to be kept outside this computer. */
  'doctor.auditCheckpoint': call().returns<AuditCheckpoint>(),
  /** The audit log as RFC 4180 CSV, spreadsheet formulas neutralised. */
  'doctor.auditCsv': callWith(AUDIT_QUERY).returns<string>(),
  'doctor.perf': call().returns<PerfRow[]>(),
  'doctor.perfHistory': call().returns<PerfSession[]>(),

  'patient.status': call().returns<PatientStatus>(),
  'patient.connect': callWith(CONNECT_REQUEST).resolves<PatientStatus>(),
  /** What this patient last connected with (doctor address, id, group), to fill the form at the next start. */
  'patient.lastConnect': call().returns<ConnectRequest | null>(),
  /** The groups this patient generated and kept, newest use first. */
  'patient.groups': call().returns<SavedGroup[]>(),
  'patient.leave': call().resolves<PatientStatus>(),
  'patient.acceptDoctorKey': call(['fingerprint', FINGERPRINT]).resolves<PatientStatus>(),
  'patient.feed': call().returns<FeedMessage[]>(),
  'patient.perf': call().returns<PerfRow[]>(),
  'patient.perfHistory': call().returns<PerfSession[]>(),
  'patient.audit': callWith(AUDIT_QUERY).returns<AuditEntry[]>(),
} satisfies Record<`${Side}.${string}`, InvokeSpec> & { [R in Reserved]?: never };

export type InvokeChannel = keyof typeof INVOKE;
type Spec<C extends InvokeChannel> = (typeof INVOKE)[C];
export type InvokeArg<C extends InvokeChannel> = v.InferOutput<Spec<C>['arg']>;
export type InvokeResult<C extends InvokeChannel> = Spec<C>['result'];
export const INVOKE_CHANNELS = Object.freeze(Object.keys(INVOKE) as InvokeChannel[]);

/**
 * What the target of a side's channels must have, one method per channel: AppRuntime for "app",
 * the doctor's and the patient's services (src/main/service/services.ts) for the others.
 */
export type ChannelMethods<S extends Side> = {
  [C in InvokeChannel as C extends `${S}.${infer M}` ? M : never]: (
    ...params: ReturnType<Spec<C>['params']>
  ) => Spec<C>['async'] extends true ? Promise<InvokeResult<C>> : InvokeResult<C>;
};

// ---- pushed events: name -> payload ----

export const EVENTS = {
  'doctor.changed': event<DoctorSnapshot>(),
  'doctor.audit': event<AuditEntry>(),
  'doctor.perf': event<PerfRow[]>(),
  'patient.changed': event<PatientStatus>(),
  'patient.message': event<FeedMessage>(),
  'patient.perf': event<PerfRow[]>(),
} satisfies Record<`${Side}.${string}`, EventSpec>;

export type EventChannel = keyof typeof EVENTS;
export type EventMap = { [E in EventChannel]: (typeof EVENTS)[E]['payload'] };
export const EVENT_CHANNELS = Object.freeze(Object.keys(EVENTS) as EventChannel[]);

/**
 * The API the renderer sees as `window.medchat`: one async call per invoke channel, plus `on` for
 * events (returns an unsubscribe function).
 */
export interface MedchatApi {
  invoke<C extends InvokeChannel>(channel: C, arg: InvokeArg<C>): Promise<Result<InvokeResult<C>>>;
  on<E extends EventChannel>(channel: E, listener: (payload: EventMap[E]) => void): () => void;
}

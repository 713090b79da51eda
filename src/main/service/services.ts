/**
 * The engine's front door: what the front ends (the IPC handlers, the CLI, the tests) get from the
 * engine. The doctor and patient services implement these (src/main/doctor/service.ts,
 * src/main/patient/service.ts). Both the Electron shell and the browser mode bind the same
 * handlers to them, so the desktop app and the tests run one code path. This folder imports only
 * the engine, never a front end (a lint rule, eslint.config.js).
 */
import type {
  AdmissionPolicy,
  AuditEntry,
  AuditQuery,
  AuditVerification,
  BlockEntry,
  BroadcastReceipt,
  ConnectRequest,
  DoctorSnapshot,
  DoctorStatus,
  EventChannel,
  EventMap,
  FeedMessage,
  PatientStatus,
  PerfSession,
} from '../../shared/contract.js';
import type { PerfRow } from '../../shared/metrics.js';

/** A pushed event, emitted by a service and forwarded to the renderer unchanged. */
export type ServiceEvent = { [E in EventChannel]: { channel: E; payload: EventMap[E] } }[EventChannel];
export type ServiceListener = (event: ServiceEvent) => void;

/**
 * Errors a service throws for a person to act on (unknown patient, not listening, bad argument).
 * The handlers turn them into { ok: false, error: { code, message } }; any other error becomes
 * INTERNAL with a generic message, so no stack trace or secret leaks into the renderer.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export interface DoctorServiceApi {
  snapshot(): DoctorSnapshot;
  listen(host: string, port: number): Promise<DoctorStatus>;
  stop(): Promise<DoctorStatus>;
  setPolicy(policy: AdmissionPolicy): DoctorStatus;
  block(patientId: string, minutes: number): BlockEntry;
  unblock(patientId: string): void;
  approve(patientId: string, fingerprint: string): void;
  reject(patientId: string, fingerprint: string): void;
  broadcast(text: string): Promise<BroadcastReceipt>;
  audit(query: AuditQuery): AuditEntry[];
  auditVerify(): AuditVerification;
  /** The audit log as RFC 4180 CSV, spreadsheet formulas neutralised. */
  auditCsv(query: AuditQuery): string;
  perf(): PerfRow[];
  perfHistory(): PerfSession[];
  subscribe(listener: ServiceListener): () => void;
  close(): Promise<void>;
}

export interface PatientServiceApi {
  status(): PatientStatus;
  connect(request: ConnectRequest): Promise<PatientStatus>;
  leave(): Promise<PatientStatus>;
  acceptDoctorKey(fingerprint: string): Promise<PatientStatus>;
  feed(): FeedMessage[];
  perf(): PerfRow[];
  perfHistory(): PerfSession[];
  audit(query: AuditQuery): AuditEntry[];
  subscribe(listener: ServiceListener): () => void;
  close(): Promise<void>;
}

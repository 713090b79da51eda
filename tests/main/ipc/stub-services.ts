/**
 * Stand-in services for transport tests ONLY: they check that the handlers, the runtime and the
 * WebSocket bridge carry calls, results, errors and events correctly. They are not the engine and
 * test nothing about the protocol; the real DoctorService/PatientService are tested elsewhere.
 */
import type { DoctorSnapshot, DoctorStatus, PatientStatus } from '../../../src/shared/contract.js';
import type { ServiceFactories } from '../../../src/main/ipc/runtime.js';
import type { DoctorServiceApi, PatientServiceApi, ServiceEvent, ServiceListener } from '../../../src/main/ipc/services.js';
import { ServiceError } from '../../../src/main/ipc/services.js';

export interface StubControl {
  /** Pushes an event as the service would. */
  emit(event: ServiceEvent): void;
  /** Every method call, in order, with its arguments. */
  calls: { method: string; args: unknown[] }[];
  closed: number;
  /** Makes the next call to `method` throw this error. */
  failNext(method: string, error: unknown): void;
}

const STATUS: DoctorStatus = { listening: false, host: null, port: null, policy: 'tofu', rekeyBeforeBroadcast: false, epoch: 0, fingerprints: [] };
const SNAPSHOT: DoctorSnapshot = { status: STATUS, patients: [], pending: [], blocks: [], broadcasts: [] };
const PATIENT: PatientStatus = {
  state: 'idle', patientId: null, doctor: null, group: null, steps: [], ownFingerprint: null, doctorFingerprint: null,
  pinState: null, blockedUntil: null, reason: null, generation: null,
};

function control(): StubControl & { listeners: Set<ServiceListener>; record(method: string, args: unknown[]): void } {
  const failures = new Map<string, unknown>();
  const listeners = new Set<ServiceListener>();
  const c = {
    calls: [] as { method: string; args: unknown[] }[],
    closed: 0,
    listeners,
    emit(event: ServiceEvent) {
      for (const l of listeners) l(event);
    },
    failNext(method: string, error: unknown) {
      failures.set(method, error);
    },
    record(method: string, args: unknown[]) {
      c.calls.push({ method, args });
      if (failures.has(method)) {
        const error = failures.get(method);
        failures.delete(method);
        throw error;
      }
    },
  };
  return c;
}

export function stubDoctor(): { service: DoctorServiceApi; control: StubControl } {
  const c = control();
  const service: DoctorServiceApi = {
    snapshot: () => (c.record('snapshot', []), SNAPSHOT),
    listen: async (host, port) => (c.record('listen', [host, port]), { ...STATUS, listening: true, host, port: port || 40000 }),
    stop: async () => (c.record('stop', []), STATUS),
    setPolicy: (policy) => (c.record('setPolicy', [policy]), { ...STATUS, policy }),
    block: (patientId, minutes) => (c.record('block', [patientId, minutes]), { id: patientId, reason: 'by the doctor', blockedAt: 1000, expiresAt: 1000 + minutes * 60_000 }),
    unblock: (patientId) => c.record('unblock', [patientId]),
    approve: (patientId, fp) => c.record('approve', [patientId, fp]),
    reject: (patientId, fp) => c.record('reject', [patientId, fp]),
    broadcast: async (text) => (c.record('broadcast', [text]), { seq: 1, epoch: 1, sentAt: 1000, text, recipients: [], delivered: [] }),
    audit: (query) => (c.record('audit', [query]), [{ seq: 1, at: 0, kind: 'join', patientId: '=cmd', address: '127.0.0.1', detail: 'a, "quoted" detail' }]),
    auditVerify: () => (c.record('auditVerify', []), { ok: true, rows: 1, problem: null }),
    perf: () => (c.record('perf', []), []),
    perfHistory: () => (c.record('perfHistory', []), []),
    subscribe: (listener) => {
      c.listeners.add(listener);
      return () => c.listeners.delete(listener);
    },
    close: async () => {
      c.closed++;
    },
  };
  return { service, control: c };
}

export function stubPatient(): { service: PatientServiceApi; control: StubControl } {
  const c = control();
  const service: PatientServiceApi = {
    status: () => (c.record('status', []), PATIENT),
    connect: async (request) => (c.record('connect', [request]), { ...PATIENT, state: 'connecting', patientId: request.patientId }),
    leave: async () => (c.record('leave', []), { ...PATIENT, state: 'disconnected' }),
    acceptDoctorKey: async (fp) => (c.record('acceptDoctorKey', [fp]), PATIENT),
    feed: () => (c.record('feed', []), []),
    perf: () => (c.record('perf', []), []),
    perfHistory: () => (c.record('perfHistory', []), []),
    audit: (query) => (c.record('audit', [query]), []),
    subscribe: (listener) => {
      c.listeners.add(listener);
      return () => c.listeners.delete(listener);
    },
    close: async () => {
      c.closed++;
    },
  };
  return { service, control: c };
}

/** Factories handing out the stubs, with their controls exposed for assertions. */
export function stubFactories(): ServiceFactories & { doctor: ReturnType<typeof stubDoctor>; patient: ReturnType<typeof stubPatient>; created: string[] } {
  const doctor = stubDoctor();
  const patient = stubPatient();
  const created: string[] = [];
  return {
    doctor,
    patient,
    created,
    createDoctorService: async () => (created.push('doctor'), doctor.service),
    createPatientService: async () => (created.push('patient'), patient.service),
  };
}

export { ServiceError };

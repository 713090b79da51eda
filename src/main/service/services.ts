/**
 * The engine's front door: what the front ends (the IPC handlers, the CLI, the tests) get from the
 * engine. The doctor and patient services implement these (src/main/doctor/service.ts,
 * src/main/patient/service.ts). Both the Electron shell and the browser mode bind the same
 * handlers to them, so the desktop app and the tests run one code path. This folder imports only
 * the engine, never a front end (a lint rule, eslint.config.js).
 */
import type { ChannelMethods, EventChannel, EventMap } from '../../shared/contract.js';

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
    /** The argument's field at fault, if one is (ContractError.field). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/**
 * The doctor's service: one method per doctor.* channel, as the contract declares it (name,
 * parameters, result: src/shared/contract.ts), plus what only the front ends use.
 */
export interface DoctorServiceApi extends ChannelMethods<'doctor'> {
  subscribe(listener: ServiceListener): () => void;
  close(): Promise<void>;
}

/** The patient's service: one method per patient.* channel, as the contract declares it. */
export interface PatientServiceApi extends ChannelMethods<'patient'> {
  subscribe(listener: ServiceListener): () => void;
  close(): Promise<void>;
}

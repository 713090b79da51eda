/**
 * The main-process side of every invoke channel: validate the argument, route it to the role's
 * service, and turn the outcome into a Result. Used unchanged by the Electron shell (ipcMain) and
 * the browser mode (WebSocket bridge).
 *
 * Errors: a ServiceError or StoreError keeps its code and sentence; anything else becomes INTERNAL with a generic
 * sentence, and the real error goes to the log only (never the argument, which may hold a message
 * a doctor typed).
 */
import type { InvokeArg, InvokeChannel, InvokeResult, Result } from '../../shared/contract.js';
import { isInvokeChannel, validateInvokeArg } from '../../shared/contract-validate.js';
import type { AppRuntime } from './runtime.js';
import { ServiceError } from '../service/services.js';
import { StoreError } from '../store/index.js';

type Handler<C extends InvokeChannel> = (runtime: AppRuntime, arg: InvokeArg<C>) => InvokeResult<C> | Promise<InvokeResult<C>>;
type HandlerTable = { [C in InvokeChannel]: Handler<C> };

export const INTERNAL_ERROR_MESSAGE = 'Internal error; see the application log.';

// ---- app ----

export const handleAppInfo: Handler<'app.info'> = (runtime) => runtime.info();
export const handleChooseRole: Handler<'app.chooseRole'> = (runtime, { role }) => runtime.chooseRole(role);

// ---- doctor ----

export const handleDoctorSnapshot: Handler<'doctor.snapshot'> = (runtime) => runtime.doctor().snapshot();
export const handleDoctorListen: Handler<'doctor.listen'> = (runtime, { host, port }) => runtime.doctor().listen(host, port);
export const handleDoctorStop: Handler<'doctor.stop'> = (runtime) => runtime.doctor().stop();
export const handleDoctorSetPolicy: Handler<'doctor.setPolicy'> = (runtime, { policy }) => runtime.doctor().setPolicy(policy);
export const handleDoctorBlock: Handler<'doctor.block'> = (runtime, { patientId, minutes }) => runtime.doctor().block(patientId, minutes);
export const handleDoctorUnblock: Handler<'doctor.unblock'> = (runtime, { patientId }) => runtime.doctor().unblock(patientId);
export const handleDoctorApprove: Handler<'doctor.approve'> = (runtime, { patientId, fingerprint }) =>
  runtime.doctor().approve(patientId, fingerprint);
export const handleDoctorReject: Handler<'doctor.reject'> = (runtime, { patientId, fingerprint }) =>
  runtime.doctor().reject(patientId, fingerprint);
export const handleDoctorBroadcast: Handler<'doctor.broadcast'> = (runtime, { text }) => runtime.doctor().broadcast(text);
export const handleDoctorAudit: Handler<'doctor.audit'> = (runtime, query) => runtime.doctor().audit(query);
export const handleDoctorAuditVerify: Handler<'doctor.auditVerify'> = (runtime) => runtime.doctor().auditVerify();
export const handleDoctorAuditCsv: Handler<'doctor.auditCsv'> = (runtime, query) => runtime.doctor().auditCsv(query);
export const handleDoctorPerf: Handler<'doctor.perf'> = (runtime) => runtime.doctor().perf();
export const handleDoctorPerfHistory: Handler<'doctor.perfHistory'> = (runtime) => runtime.doctor().perfHistory();

// ---- patient ----

export const handlePatientStatus: Handler<'patient.status'> = (runtime) => runtime.patient().status();
export const handlePatientConnect: Handler<'patient.connect'> = (runtime, request) => runtime.patient().connect(request);
export const handlePatientLeave: Handler<'patient.leave'> = (runtime) => runtime.patient().leave();
export const handlePatientAcceptDoctorKey: Handler<'patient.acceptDoctorKey'> = (runtime, { fingerprint }) =>
  runtime.patient().acceptDoctorKey(fingerprint);
export const handlePatientFeed: Handler<'patient.feed'> = (runtime) => runtime.patient().feed();
export const handlePatientPerf: Handler<'patient.perf'> = (runtime) => runtime.patient().perf();
export const handlePatientPerfHistory: Handler<'patient.perfHistory'> = (runtime) => runtime.patient().perfHistory();
export const handlePatientAudit: Handler<'patient.audit'> = (runtime, query) => runtime.patient().audit(query);

/** Every channel's handler; the mapped type makes a missing channel a compile error. */
export const HANDLERS: HandlerTable = {
  'app.info': handleAppInfo,
  'app.chooseRole': handleChooseRole,
  'doctor.snapshot': handleDoctorSnapshot,
  'doctor.listen': handleDoctorListen,
  'doctor.stop': handleDoctorStop,
  'doctor.setPolicy': handleDoctorSetPolicy,
  'doctor.block': handleDoctorBlock,
  'doctor.unblock': handleDoctorUnblock,
  'doctor.approve': handleDoctorApprove,
  'doctor.reject': handleDoctorReject,
  'doctor.broadcast': handleDoctorBroadcast,
  'doctor.audit': handleDoctorAudit,
  'doctor.auditVerify': handleDoctorAuditVerify,
  'doctor.auditCsv': handleDoctorAuditCsv,
  'doctor.perf': handleDoctorPerf,
  'doctor.perfHistory': handleDoctorPerfHistory,
  'patient.status': handlePatientStatus,
  'patient.connect': handlePatientConnect,
  'patient.leave': handlePatientLeave,
  'patient.acceptDoctorKey': handlePatientAcceptDoctorKey,
  'patient.feed': handlePatientFeed,
  'patient.perf': handlePatientPerf,
  'patient.perfHistory': handlePatientPerfHistory,
  'patient.audit': handlePatientAudit,
};

/** A log line for an unexpected error: its name, message and first stack frames, nothing else. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `non-Error value of type ${typeof error}`;
  const frames = (error.stack ?? '')
    .split('\n')
    .slice(1, 6)
    .map((line) => line.trim())
    .join(' | ');
  return `${error.name}: ${error.message}${frames ? ` [${frames}]` : ''}`;
}

/**
 * Runs one call from a renderer. Never throws: an unknown channel, a bad argument, a wrong role and
 * an engine failure all come back as { ok: false, error }.
 */
export async function handleInvoke<C extends InvokeChannel>(runtime: AppRuntime, channel: C, rawArg: unknown): Promise<Result<InvokeResult<C>>>;
export async function handleInvoke(runtime: AppRuntime, channel: unknown, rawArg: unknown): Promise<Result<unknown>>;
export async function handleInvoke(runtime: AppRuntime, channel: unknown, rawArg: unknown): Promise<Result<unknown>> {
  if (!isInvokeChannel(channel)) {
    return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'This action does not exist in this version of MedChatSecure.' } };
  }
  const checked = validateInvokeArg(channel, rawArg);
  if (!checked.ok) return { ok: false, error: checked.error };
  const handler = HANDLERS[channel] as Handler<InvokeChannel>;
  try {
    const value = await handler(runtime, checked.value as InvokeArg<InvokeChannel>);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ServiceError || error instanceof StoreError) return { ok: false, error: { code: error.code, message: error.message } };
    runtime.log(`ipc: ${channel} failed: ${describeError(error)}`);
    return { ok: false, error: { code: 'INTERNAL', message: INTERNAL_ERROR_MESSAGE } };
  }
}

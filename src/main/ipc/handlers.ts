/**
 * The main-process side of every invoke channel: validate the argument, route it to the role's
 * service, and turn the outcome into a Result. Used unchanged by the Electron shell (ipcMain) and
 * the browser mode (WebSocket bridge). The routing derives from the contract's declarations
 * (src/shared/contract.ts): nothing here names a channel.
 *
 * Errors: a ServiceError or StoreError keeps its code and sentence; anything else becomes INTERNAL with a generic
 * sentence, and the real error goes to the log only (never the argument, which may hold a message
 * a doctor typed).
 */
import { describeLogPlace } from '../service/log.js';
import { INVOKE, INVOKE_CHANNELS, type ChannelMethods, type InvokeChannel, type InvokeResult, type InvokeSpec, type Result, type Side } from '../../shared/contract.js';
import { isInvokeChannel, unknownChannel, validateInvokeArg } from '../../shared/contract-validate.js';
import type { AppRuntime } from './runtime.js';
import { ServiceError } from '../service/services.js';
import { StoreError, storeFault } from '../store/index.js';

/** Runs one channel with its checked argument. */
export type Handler = (runtime: AppRuntime, arg: unknown) => unknown;

/** What a person sees for an unexpected failure: where to look, never the error itself. */
export function internalErrorMessage(logPath: string | null): string {
  return `Internal error; see ${describeLogPlace(logPath)}.`;
}

/**
 * Where each side's channels go. The types make it a compile error for a channel to lack its
 * method, or to have one with other parameters or another result.
 */
const TARGETS: { [S in Side]: (runtime: AppRuntime) => ChannelMethods<S> } = {
  app: (runtime) => runtime,
  doctor: (runtime) => runtime.doctor(),
  patient: (runtime) => runtime.patient(),
};

/** Channel "side.method": method of that side's target, called with the declaration's params. */
function route(channel: InvokeChannel): Handler {
  const dot = channel.indexOf('.');
  const side = channel.slice(0, dot) as Side;
  const method = channel.slice(dot + 1);
  const spec: InvokeSpec<unknown> = INVOKE[channel];
  return (runtime, arg) => {
    const target = TARGETS[side](runtime) as unknown as Record<string, (...params: unknown[]) => unknown>;
    return target[method]!(...spec.params(arg));
  };
}

/** Every channel's handler, derived from the contract's declarations. */
export const HANDLERS: Readonly<Record<InvokeChannel, Handler>> = Object.freeze(
  Object.fromEntries(INVOKE_CHANNELS.map((channel) => [channel, route(channel)])) as Record<InvokeChannel, Handler>,
);

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
  if (!isInvokeChannel(channel)) return unknownChannel();
  const checked = validateInvokeArg(channel, rawArg);
  if (!checked.ok) return { ok: false, error: checked.error };
  try {
    const value = await HANDLERS[channel](runtime, checked.value);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ServiceError && error.field) return { ok: false, error: { code: error.code, message: error.message, field: error.field } };
    if (error instanceof ServiceError || error instanceof StoreError) return { ok: false, error: { code: error.code, message: error.message } };
    // The disk full, read-only or damaged under a running service: a sentence, not "internal error".
    const fault = storeFault(error, runtime.dataDir);
    if (fault) {
      runtime.log(`ipc: ${channel} failed: ${fault.code}`);
      return { ok: false, error: { code: fault.code, message: fault.message } };
    }
    runtime.log(`ipc: ${channel} failed: ${describeError(error)}`);
    return { ok: false, error: { code: 'INTERNAL', message: internalErrorMessage(runtime.logPath) } };
  }
}

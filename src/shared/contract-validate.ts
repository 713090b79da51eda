/**
 * The runtime side of the contract, derived from its declarations (contract.ts): the channel
 * guards, the argument check the main-process handlers run on whatever arrives from a renderer
 * (Electron IPC) or a browser (the WebSocket bridge) before any service sees it, and the guarded
 * MedchatApi the preload and the browser bridge both hand to the page.
 *
 * Pure TypeScript: no Node, no DOM (the renderer may reuse these checks for form validation).
 */
import { check, type FieldSchema, type Validation } from './contract-schema.js';
import {
  EVENT_CHANNELS,
  INVOKE,
  INVOKE_CHANNELS,
  type ContractError,
  type EventChannel,
  type InvokeArg,
  type InvokeChannel,
  type MedchatApi,
  type Result,
} from './contract.js';

export { LIMITS, type BadArgument, type Validation } from './contract-schema.js';

const INVOKE_SET: ReadonlySet<string> = new Set(INVOKE_CHANNELS);
const EVENT_SET: ReadonlySet<string> = new Set(EVENT_CHANNELS);

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && INVOKE_SET.has(value);
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && EVENT_SET.has(value);
}

/** The answer to a channel this version does not have, wherever it is refused. */
export function unknownChannel(): { ok: false; error: ContractError } {
  return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'This action does not exist in this version of MedChatSecure.' } };
}

/** Checks `raw` against the channel's argument; on success returns a fresh, plain copy. */
export function validateInvokeArg<C extends InvokeChannel>(channel: C, raw: unknown): Validation<InvokeArg<C>> {
  if (!isInvokeChannel(channel)) return { ok: false, error: { code: 'BAD_ARGUMENT', message: 'Unknown channel.' } };
  return check(INVOKE[channel].arg as FieldSchema<InvokeArg<C>>, raw);
}

/** How a shell carries calls and events to the main process (Electron IPC, the WebSocket). */
export interface Transport {
  invoke(channel: InvokeChannel, arg: unknown): Promise<Result<unknown>>;
  on(channel: EventChannel, listener: (payload: unknown) => void): () => void;
}

/**
 * The MedchatApi over a transport, letting only the contract's channels through: an unknown call
 * answers UNKNOWN_CHANNEL without being sent, an unknown event is a programming error. Arguments
 * are checked in the main process (the real boundary); these guards keep a typo from becoming a
 * silent no-op.
 */
export function guardedApi(transport: Transport): MedchatApi {
  return {
    invoke(channel, arg) {
      if (!isInvokeChannel(channel)) return Promise.resolve(unknownChannel());
      return transport.invoke(channel, arg) as ReturnType<MedchatApi['invoke']>;
    },
    on(channel, listener) {
      if (!isEventChannel(channel)) throw new TypeError(`medchat.on: unknown event channel "${String(channel).slice(0, 40)}"`);
      if (typeof listener !== 'function') throw new TypeError('medchat.on: listener must be a function');
      return transport.on(channel, listener as (payload: unknown) => void);
    },
  };
}

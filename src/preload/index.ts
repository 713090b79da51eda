/**
 * The preload of the sandboxed renderer: exposes `window.medchat` (MedchatApi from the IPC
 * contract) and nothing else. Only channels listed in the contract pass; the raw ipcRenderer never
 * reaches the page. Arguments are checked again in the main process (handlers.ts), which is the
 * real boundary; the checks here keep a typo from becoming a silent no-op.
 *
 * Bundled to one CommonJS file (out/preload/index.cjs): a sandboxed preload cannot load ES modules
 * or other files, only `electron` itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS, type EventChannel, type EventMap, type InvokeChannel, type MedchatApi, type Result } from '../shared/contract.js';

function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(value);
}

function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && (EVENT_CHANNELS as readonly string[]).includes(value);
}

const api: MedchatApi = {
  invoke(channel, arg) {
    if (!isInvokeChannel(channel)) {
      const refused: Result<never> = { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'This action does not exist in this version of MedChatSecure.' } };
      return Promise.resolve(refused);
    }
    return ipcRenderer.invoke(channel, arg);
  },
  on<E extends EventChannel>(channel: E, listener: (payload: EventMap[E]) => void): () => void {
    if (!isEventChannel(channel)) throw new TypeError(`medchat.on: unknown event channel "${String(channel)}"`);
    if (typeof listener !== 'function') throw new TypeError('medchat.on: listener must be a function');
    // The page gets the payload only, never the IpcRendererEvent (it holds the sender).
    const wrapped = (_event: IpcRendererEvent, payload: EventMap[E]): void => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('medchat', api);

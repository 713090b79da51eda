/**
 * The preload of the sandboxed renderer: exposes `window.medchat` (MedchatApi from the IPC
 * contract) and nothing else. The channel guards are the contract's own (guardedApi): only its
 * channels pass, and the raw ipcRenderer never reaches the page. Arguments are checked again in
 * the main process (src/main/ipc/handlers.ts), which is the real boundary.
 *
 * Bundled to one CommonJS file (out/preload/index.cjs): a sandboxed preload cannot load ES modules
 * or other files, only `electron` itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { guardedApi } from '../shared/contract-validate.js';

const api = guardedApi({
  invoke: (channel, arg) => ipcRenderer.invoke(channel, arg),
  on(channel, listener) {
    // The page gets the payload only, never the IpcRendererEvent (it holds the sender).
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
});

contextBridge.exposeInMainWorld('medchat', api);

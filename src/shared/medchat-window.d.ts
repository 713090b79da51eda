/**
 * `window.medchat`: the API the preload exposes in the desktop app (MedchatApi from the IPC
 * contract). Optional, because in the browser mode there is no preload and the renderer talks to
 * the WebSocket bridge instead (src/renderer/bridge.ts). Kept identical to the renderer's own
 * declaration in src/renderer/env.d.ts, so the two merge.
 */
import type { MedchatApi } from './contract.js';

declare global {
  interface Window {
    medchat?: MedchatApi;
  }
}

export {};

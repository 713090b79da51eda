/**
 * Renderer process. What the preload adds to the window in the desktop app. Optional: browser
 * mode has no preload, and bridge.ts falls back to the WebSocket bridge.
 */
import type { MedchatApi } from '../shared/contract.js';

declare global {
  interface Window {
    medchat?: MedchatApi;
  }
}

export {};
